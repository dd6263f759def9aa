/**
 * Bookings of rooms and people. Start and end are instants (ISO 8601 with an offset) plus the IANA time
 * zone they were planned in, for display. Any two live bookings (hold or confirmed) that overlap in time
 * and share a room or a person conflict; the error names the booking in the way. Confirmed bookings flow
 * into the budget's actuals; cancelling applies the room's policy.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import { formatMoney } from "../budget/money.ts";
import type { Actor, Studio } from "../context.ts";
import { conflict, invalid, notFound, parseInput, StudioError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorize, rolesOn } from "../team/access.ts";

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not an IANA time zone such as Europe/Berlin");

export const CreateBookingInput = z
  .object({
    title: z.string().trim().min(1).max(300),
    roomId: z.string().min(1).nullish(),
    people: z.array(z.string().min(1)).max(100).default([]),
    status: z.enum(["hold", "confirmed"]).default("hold"),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    timeZone,
  })
  .refine((v) => Date.parse(v.endsAt) > Date.parse(v.startsAt), {
    message: "must be after startsAt",
    path: ["endsAt"],
  })
  .refine((v) => Date.parse(v.endsAt) - Date.parse(v.startsAt) <= 14 * 86400e3, {
    message: "a booking lasts at most 14 days",
    path: ["endsAt"],
  })
  .refine((v) => v.roomId || v.people.length > 0, {
    message: "book a room, people, or both",
    path: ["roomId"],
  });
export const BookingVersionInput = z.object({ version: z.number().int().positive() });
export const ListBookingsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** A booking as the API shows it. */
export interface Booking {
  id: string;
  projectId: string;
  title: string;
  roomId: string | null;
  roomName: string | null;
  people: string[];
  status: "hold" | "confirmed" | "cancelled";
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** Start and end as wall-clock time in `timeZone`, e.g. "2027-03-01 10:00". */
  localStart: string;
  localEnd: string;
  costMinor: number;
  cancellationFeeMinor: number;
  version: number;
}

function local(d: Date, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2027-03-01 10:00–18:00" (the end's date only when it is another day), wall-clock time in `tz`. */
function localSpan(start: Date, end: Date, tz: string): string {
  const a = local(start, tz);
  const b = local(end, tz);
  return `${a}–${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}

/** Bookings matching a filter, without an authorization check. */
export async function readBookings(
  db: Kysely<Database>,
  where: { id?: string; projectId?: string; from?: Date; to?: Date },
) {
  let q = db
    .selectFrom("bookings")
    .leftJoin("rooms", "rooms.id", "bookings.room_id")
    .selectAll("bookings")
    .select("rooms.name as room_name");
  if (where.id) q = q.where("bookings.id", "=", where.id);
  if (where.projectId) q = q.where("bookings.project_id", "=", where.projectId);
  if (where.from) q = q.where("bookings.ends_at", ">", where.from);
  if (where.to) q = q.where("bookings.starts_at", "<", where.to);
  const rows = await q.orderBy("bookings.starts_at").limit(2000).execute();
  if (rows.length === 0) return [];
  const people = await db
    .selectFrom("booking_people")
    .select(["booking_id", "user_id"])
    .where(
      "booking_id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map(
    (r): Booking => ({
      id: r.id,
      projectId: r.project_id,
      title: r.title,
      roomId: r.room_id,
      roomName: r.room_name,
      people: people.filter((p) => p.booking_id === r.id).map((p) => p.user_id),
      status: r.status,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      timeZone: r.time_zone,
      localStart: local(r.starts_at, r.time_zone),
      localEnd: local(r.ends_at, r.time_zone),
      costMinor: r.cost_minor,
      cancellationFeeMinor: r.cancellation_fee_minor,
      version: r.version,
    }),
  );
}

async function flowIntoBudget(
  trx: Kysely<Database>,
  b: { id: string; project_id: string; title: string; cost: number },
) {
  await trx
    .insertInto("budget_actuals")
    .values({
      id: randomUUID(),
      project_id: b.project_id,
      category: "studio",
      source: "booking",
      booking_id: b.id,
      description: b.title,
      amount_minor: b.cost,
    })
    .onConflict((oc) => oc.column("booking_id").doUpdateSet({ amount_minor: b.cost }))
    .execute();
}

/**
 * Books a room and/or people for a project (producers). 409 naming the conflicting booking when the room
 * or a person is already booked then (in any project of any workspace).
 */
export async function createBooking(
  s: Studio,
  actor: Actor,
  projectId: string,
  input: unknown,
): Promise<Booking> {
  const v = parseInput(CreateBookingInput, input);
  await authorize(s.db, actor, projectId, "schedule.write");
  const start = new Date(v.startsAt);
  const end = new Date(v.endsAt);
  const id = randomUUID();
  const people = [...new Set(v.people)];
  await s.db.transaction().execute(async (trx) => {
    const project = await trx
      .selectFrom("projects")
      .select(["workspace_id", "currency"])
      .where("id", "=", projectId)
      .executeTakeFirstOrThrow();
    let cost = 0;
    if (v.roomId) {
      const room = await trx.selectFrom("rooms").selectAll().where("id", "=", v.roomId).executeTakeFirst();
      if (!room || room.workspace_id !== project.workspace_id)
        throw invalid("roomId", `no room ${v.roomId} in this workspace`);
      if (room.currency !== project.currency)
        throw invalid(
          "roomId",
          `room is priced in ${room.currency}, the project's budget is in ${project.currency}`,
        );
      cost = Math.round((room.hourly_rate_minor * (end.getTime() - start.getTime())) / 3600e3);
    }
    for (const [i, p] of people.entries())
      if ((await rolesOn(trx, projectId, p)).length === 0)
        throw invalid(`people.${i}`, `${p} is not on the project's team`);
    // One booking decision at a time, so two overlapping requests cannot both pass the check.
    await sql`select pg_advisory_xact_lock(hashtext('bookings'))`.execute(trx);
    const clash = await trx
      .selectFrom("bookings")
      .leftJoin("rooms", "rooms.id", "bookings.room_id")
      .select([
        "bookings.id",
        "bookings.title",
        "bookings.starts_at",
        "bookings.ends_at",
        "bookings.time_zone",
        "bookings.room_id",
        "rooms.name as room_name",
      ])
      .where("bookings.status", "<>", "cancelled")
      .where("bookings.starts_at", "<", end)
      .where("bookings.ends_at", ">", start)
      .where((eb) =>
        eb.or([
          ...(v.roomId ? [eb("bookings.room_id", "=", v.roomId)] : []),
          ...(people.length
            ? [
                eb.exists(
                  eb
                    .selectFrom("booking_people")
                    .select("booking_people.user_id")
                    .whereRef("booking_people.booking_id", "=", "bookings.id")
                    .where("booking_people.user_id", "in", people),
                ),
              ]
            : []),
        ]),
      )
      .orderBy("bookings.starts_at")
      .executeTakeFirst();
    if (clash) {
      const who = await trx
        .selectFrom("booking_people")
        .innerJoin("users", "users.id", "booking_people.user_id")
        .select("users.name")
        .where("booking_id", "=", clash.id)
        .where("booking_people.user_id", "in", people.length ? people : [""])
        .execute();
      const what = [
        ...(clash.room_id && clash.room_id === v.roomId ? [`room ${clash.room_name}`] : []),
        ...who.map((w) => w.name),
      ].join(", ");
      throw conflict(
        `${what} already booked: conflicts with booking "${clash.title}", ` +
          `${localSpan(clash.starts_at, clash.ends_at, clash.time_zone)} ${clash.time_zone}`,
        { conflictingBookingId: clash.id },
      );
    }
    await trx
      .insertInto("bookings")
      .values({
        id,
        project_id: projectId,
        room_id: v.roomId ?? null,
        title: v.title,
        status: v.status,
        starts_at: start,
        ends_at: end,
        time_zone: v.timeZone,
        cost_minor: cost,
        created_by: actor.userId,
      })
      .execute();
    if (people.length)
      await trx
        .insertInto("booking_people")
        .values(people.map((u) => ({ booking_id: id, user_id: u })))
        .execute();
    if (v.status === "confirmed" && cost > 0)
      await flowIntoBudget(trx, { id, project_id: projectId, title: v.title, cost });
    await audit(trx, actor, projectId, "booking.create", id, { status: v.status, costMinor: cost });
  });
  return (await readBookings(s.db, { id }))[0];
}

async function bookingProject(s: Studio, id: string): Promise<string> {
  const b = await s.db.selectFrom("bookings").select("project_id").where("id", "=", id).executeTakeFirst();
  if (!b) throw notFound(`booking ${id}`);
  return b.project_id;
}

/** Turns a hold into a confirmed booking; its cost becomes a budget actual. */
export async function confirmBooking(s: Studio, actor: Actor, id: string, input: unknown): Promise<Booking> {
  const v = parseInput(BookingVersionInput, input);
  const projectId = await bookingProject(s, id);
  await authorize(s.db, actor, projectId, "schedule.write");
  await s.db.transaction().execute(async (trx) => {
    const b = await trx.selectFrom("bookings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    if (b.status === "cancelled") throw new StudioError(409, "conflict", `booking ${id} is cancelled`);
    await updateVersioned(
      trx,
      "bookings",
      id,
      v.version,
      { status: "confirmed" },
      `booking ${id}`,
      async () => (await readBookings(trx, { id }))[0],
    );
    if (b.cost_minor > 0)
      await flowIntoBudget(trx, { id, project_id: projectId, title: b.title, cost: b.cost_minor });
    await audit(trx, actor, projectId, "booking.confirm", id, {});
  });
  return (await readBookings(s.db, { id }))[0];
}

/**
 * Cancels a booking under its room's policy: free for holds and for confirmed bookings cancelled at least
 * the room's free-cancellation hours ahead; otherwise the late-cancellation share of the cost is charged
 * (and stays in the budget's actuals).
 * @param now the moment of cancellation (tests pass a fixed one).
 */
export async function cancelBooking(
  s: Studio,
  actor: Actor,
  id: string,
  input: unknown,
  now = new Date(),
): Promise<Booking> {
  const v = parseInput(BookingVersionInput, input);
  const projectId = await bookingProject(s, id);
  await authorize(s.db, actor, projectId, "schedule.write");
  await s.db.transaction().execute(async (trx) => {
    const b = await trx.selectFrom("bookings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const room = b.room_id
      ? await trx.selectFrom("rooms").selectAll().where("id", "=", b.room_id).executeTakeFirst()
      : undefined;
    let fee = 0;
    if (b.status === "confirmed" && room) {
      const hoursAhead = (b.starts_at.getTime() - now.getTime()) / 3600e3;
      if (hoursAhead < room.free_cancellation_hours)
        fee = Math.round((b.cost_minor * room.late_cancellation_percent) / 100);
    }
    await updateVersioned(
      trx,
      "bookings",
      id,
      v.version,
      { status: "cancelled", cancellation_fee_minor: fee },
      `booking ${id}`,
      async () => (await readBookings(trx, { id }))[0],
    );
    if (fee > 0)
      await trx
        .updateTable("budget_actuals")
        .set({ amount_minor: fee, description: `${b.title} (late cancellation)` })
        .where("booking_id", "=", id)
        .execute();
    else await trx.deleteFrom("budget_actuals").where("booking_id", "=", id).execute();
    const p = await trx
      .selectFrom("projects")
      .select("currency")
      .where("id", "=", projectId)
      .executeTakeFirstOrThrow();
    await audit(trx, actor, projectId, "booking.cancel", id, { fee: formatMoney(fee, p.currency) });
  });
  return (await readBookings(s.db, { id }))[0];
}

/** A project's bookings in time order, optionally within [from, to). */
export async function listBookings(
  s: Studio,
  actor: Actor,
  projectId: string,
  query: unknown = {},
): Promise<Booking[]> {
  const q = parseInput(ListBookingsQuery, query);
  await authorize(s.db, actor, projectId, "schedule.read");
  return readBookings(s.db, {
    projectId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  });
}
