/** Rooms and studios a workspace books, with their hourly rate and cancellation policy. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { conflict, forbidden, parseInput } from "../errors.ts";
import { requireWorkspaceMember } from "../projects/workspaces.ts";

export const CreateRoomInput = z.object({
  name: z.string().trim().min(1).max(200),
  /** Rate per hour in minor units of `currency`. */
  hourlyRateMinor: z.number().int().min(0).max(1e9),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR"),
  /** Cancelling at least this many hours before the start is free. */
  freeCancellationHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(48),
  /** Share of the booking's cost charged for a later cancellation, 0…100 %. */
  lateCancellationPercent: z.number().int().min(0).max(100).default(50),
});

/** A room as the API shows it. */
export interface Room {
  id: string;
  workspaceId: string;
  name: string;
  hourlyRateMinor: number;
  currency: string;
  freeCancellationHours: number;
  lateCancellationPercent: number;
}

/** Adds a room to a workspace (workspace owners). 409 when the name is taken. */
export async function createRoom(
  s: Studio,
  actor: Actor,
  workspaceId: string,
  input: unknown,
): Promise<Room> {
  const v = parseInput(CreateRoomInput, input);
  if (!(await requireWorkspaceMember(s, actor, workspaceId)))
    throw forbidden("only workspace owners add rooms");
  const id = randomUUID();
  const row = await s.db
    .insertInto("rooms")
    .values({
      id,
      workspace_id: workspaceId,
      name: v.name,
      hourly_rate_minor: v.hourlyRateMinor,
      currency: v.currency,
      free_cancellation_hours: v.freeCancellationHours,
      late_cancellation_percent: v.lateCancellationPercent,
    })
    .onConflict((oc) => oc.columns(["workspace_id", "name"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) throw conflict(`name: a room called "${v.name}" already exists`);
  return { id, workspaceId, ...v };
}

/** The workspace's rooms by name. */
export async function listRooms(s: Studio, actor: Actor, workspaceId: string): Promise<Room[]> {
  await requireWorkspaceMember(s, actor, workspaceId);
  const rows = await s.db
    .selectFrom("rooms")
    .selectAll()
    .where("workspace_id", "=", workspaceId)
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    hourlyRateMinor: r.hourly_rate_minor,
    currency: r.currency,
    freeCancellationHours: r.free_cancellation_hours,
    lateCancellationPercent: r.late_cancellation_percent,
  }));
}
