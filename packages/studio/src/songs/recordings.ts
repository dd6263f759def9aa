/** Recordings of a song (the master recordings that get released), each with its own status and ISRC. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { normalizeIsrc } from "../credits/codes.ts";
import { conflict, notFound, parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorizeSong } from "../team/access.ts";
import { STAGES, type StatusChange, statusHistory } from "./pipeline.ts";

const isrc = z.string().transform((c, ctx) => {
  const n = normalizeIsrc(c);
  if (!n) ctx.addIssue({ code: "custom", message: "is not a valid ISRC (CC-XXX-YY-NNNNN)" });
  return n as string;
});

export const CreateRecordingInput = z.object({
  title: z.string().trim().min(1).max(300),
  isrc: isrc.nullish(),
});
export const UpdateRecordingInput = z.object({
  version: z.number().int().positive(),
  title: z.string().trim().min(1).max(300).optional(),
  isrc: isrc.nullish(),
  status: z.enum(STAGES).optional(),
});

/** A recording as the API shows it. */
export interface Recording {
  id: string;
  songId: string;
  title: string;
  status: string;
  isrc: string | null;
  version: number;
  history: StatusChange[];
}

async function readRecording(s: Studio, id: string): Promise<Recording | undefined> {
  const r = await s.db.selectFrom("recordings").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    songId: r.song_id,
    title: r.title,
    status: r.status,
    isrc: r.isrc,
    version: r.version,
    history: await statusHistory(s.db, id),
  };
}

async function songOfRecording(s: Studio, id: string): Promise<string> {
  const r = await s.db.selectFrom("recordings").select("song_id").where("id", "=", id).executeTakeFirst();
  if (!r) throw notFound(`recording ${id}`);
  return r.song_id;
}

function isrcTaken(e: unknown, code: string | null | undefined): never {
  if (String((e as Error).message).includes("recordings_isrc_key"))
    throw conflict(`isrc: ${code} is already used by another recording`);
  throw e;
}

/** Adds a recording of a song (producer, engineer). */
export async function createRecording(
  s: Studio,
  actor: Actor,
  songId: string,
  input: unknown,
): Promise<Recording> {
  const v = parseInput(CreateRecordingInput, input);
  const { projectId } = await authorizeSong(s.db, actor, songId, "recording.write");
  const id = randomUUID();
  await s.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("recordings")
        .values({ id, song_id: songId, title: v.title, status: "idea", isrc: v.isrc ?? null })
        .execute();
      await trx
        .insertInto("status_changes")
        .values({
          subject_kind: "recording",
          subject_id: id,
          from_status: null,
          to_status: "idea",
          changed_by: actor.userId,
        })
        .execute();
      await audit(trx, actor, projectId, "recording.create", id, { title: v.title });
    })
    .catch((e) => isrcTaken(e, v.isrc));
  return (await readRecording(s, id)) as Recording;
}

/** Lists a song's recordings. */
export async function listRecordings(s: Studio, actor: Actor, songId: string): Promise<Recording[]> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const ids = await s.db
    .selectFrom("recordings")
    .select("id")
    .where("song_id", "=", songId)
    .orderBy("created_at")
    .execute();
  return (await Promise.all(ids.map((r) => readRecording(s, r.id)))) as Recording[];
}

/** Edits a recording: title, ISRC, status (history kept). 409 when stale or the ISRC is taken. */
export async function updateRecording(
  s: Studio,
  actor: Actor,
  id: string,
  input: unknown,
): Promise<Recording> {
  const v = parseInput(UpdateRecordingInput, input);
  const songId = await songOfRecording(s, id);
  const { projectId } = await authorizeSong(
    s.db,
    actor,
    songId,
    v.status ? "song.status" : "recording.write",
  );
  await s.db
    .transaction()
    .execute(async (trx) => {
      const before = await trx
        .selectFrom("recordings")
        .select("status")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      const patch: Record<string, unknown> = {};
      if (v.title !== undefined) patch.title = v.title;
      if (v.isrc !== undefined) patch.isrc = v.isrc;
      if (v.status !== undefined) patch.status = v.status;
      await updateVersioned(trx, "recordings", id, v.version, patch, `recording ${id}`, () =>
        readRecording({ ...s, db: trx }, id),
      );
      if (v.status && v.status !== before.status) {
        await trx
          .insertInto("status_changes")
          .values({
            subject_kind: "recording",
            subject_id: id,
            from_status: before.status,
            to_status: v.status,
            changed_by: actor.userId,
          })
          .execute();
        await audit(trx, actor, projectId, "recording.status", id, { from: before.status, to: v.status });
      }
    })
    .catch((e) => isrcTaken(e, v.isrc));
  return (await readRecording(s, id)) as Recording;
}
