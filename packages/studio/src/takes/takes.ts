/** Takes: every pass of a part, with the performer, a rating, the producer's notes and a decision. */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput } from "../errors.ts";
import { analyzeJob } from "../jobs/kinds/analyze.ts";
import { insertJob } from "../jobs/queue-job.ts";
import type { Database } from "../store/schema.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorizeSong } from "../team/access.ts";
import type { TakeProblems } from "./take-problems.ts";

export const TAKE_DECISIONS = ["keep", "comp", "redo"] as const;

export const CreateTakeInput = z
  .object({
    part: z.string().trim().min(1).max(100),
    performerId: z.string().min(1).optional(),
    performerName: z.string().trim().min(1).max(200).optional(),
    sectionId: z.string().min(1).nullish(),
    recordingId: z.string().min(1).nullish(),
    blobSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest")
      .nullish(),
    notes: z.string().max(10_000).default(""),
  })
  .refine((v) => v.performerId || v.performerName, {
    message: "give performerId or performerName",
    path: ["performerId"],
  });
export const DecideTakeInput = z.object({
  version: z.number().int().positive(),
  rating: z.number().int().min(1).max(5).nullish(),
  notes: z.string().max(10_000).optional(),
  decision: z.enum(TAKE_DECISIONS).nullish(),
});

/** A take as the API shows it. */
export interface Take {
  id: string;
  songId: string;
  part: string;
  /** Take number within the song's part, from 1. */
  number: number;
  performerId: string | null;
  performerName: string;
  sectionId: string | null;
  recordingId: string | null;
  rating: number | null;
  notes: string;
  decision: string | null;
  blobSha256: string | null;
  /** BS.1770 integrated loudness of the take's file in LUFS (null until analysed, or silent). */
  integratedLufs: number | null;
  /** True peak of the file over all channels in dBTP (null until analysed). */
  truePeakDbtp: number | null;
  /** Length of the file in seconds (null until analysed). */
  durationSeconds: number | null;
  /** The analyze job queued when the take got its file (poll GET /api/jobs/{id}); null when none. */
  analysisJobId: string | null;
  /** What the take analysis (or, for a repaired take, the repair) found to repair; null until analysed. */
  problems: TakeProblems | null;
  /** A repaired take: the take it was repaired from (kept); null for an original. */
  repairedFromTakeId: string | null;
  /** The repair job that made this take (its report: GET /api/takes/{takeId}/repair); null for an original. */
  repairJobId: string | null;
  version: number;
  createdAt: Date;
}

/** Every column the API shows (not the repair report, which can be long: see take-repair-report.ts). */
const TAKE_COLUMNS = [
  "id",
  "song_id",
  "part",
  "number",
  "performer_id",
  "performer_name",
  "section_id",
  "recording_id",
  "rating",
  "notes",
  "decision",
  "blob_sha256",
  "integrated_lufs",
  "true_peak_dbtp",
  "duration_seconds",
  "analysis_job_id",
  "problems",
  "repaired_from_take_id",
  "repair_job_id",
  "version",
  "created_at",
] as const;

type TakeRow = Awaited<ReturnType<typeof readRow>>;
async function readRow(s: Studio, id: string) {
  return s.db.selectFrom("takes").select(TAKE_COLUMNS).where("id", "=", id).executeTakeFirst();
}
function toTake(r: NonNullable<TakeRow>): Take {
  return {
    id: r.id,
    songId: r.song_id,
    part: r.part,
    number: r.number,
    performerId: r.performer_id,
    performerName: r.performer_name,
    sectionId: r.section_id,
    recordingId: r.recording_id,
    rating: r.rating,
    notes: r.notes,
    decision: r.decision,
    blobSha256: r.blob_sha256,
    integratedLufs: r.integrated_lufs,
    truePeakDbtp: r.true_peak_dbtp,
    durationSeconds: r.duration_seconds,
    analysisJobId: r.analysis_job_id,
    problems: (r.problems as TakeProblems | null) ?? null,
    repairedFromTakeId: r.repaired_from_take_id,
    repairJobId: r.repair_job_id,
    version: r.version,
    createdAt: r.created_at,
  };
}

/**
 * Adds an analyze job for a take's file (queued by the caller after commit) and links it to the take.
 * @returns the job's id.
 */
async function insertAnalyzeJob(
  trx: Kysely<Database>,
  actor: Actor,
  songId: string,
  takeId: string,
  blobSha256: string,
): Promise<string> {
  const song = await trx.selectFrom("songs").select("project_id").where("id", "=", songId).executeTakeFirst();
  if (!song) throw notFound(`song ${songId}`);
  const jobId = await insertJob(trx, actor, song.project_id, analyzeJob.name, { takeId, blobSha256 });
  await trx.updateTable("takes").set({ analysis_job_id: jobId }).where("id", "=", takeId).execute();
  return jobId;
}

/** Logs a take (producer, engineer); it is numbered after the song's last take of that part. */
export async function createTake(s: Studio, actor: Actor, songId: string, input: unknown): Promise<Take> {
  const v = parseInput(CreateTakeInput, input);
  await authorizeSong(s.db, actor, songId, "take.write");
  const id = randomUUID();
  let jobId: string | null = null;
  await s.db.transaction().execute(async (trx) => {
    let name = v.performerName;
    if (v.performerId) {
      const u = await trx
        .selectFrom("users")
        .select("name")
        .where("id", "=", v.performerId)
        .executeTakeFirst();
      if (!u) throw invalid("performerId", `no account ${v.performerId}`);
      name ??= u.name;
    }
    if (v.sectionId) {
      const sec = await trx
        .selectFrom("sections")
        .select("id")
        .where("id", "=", v.sectionId)
        .where("song_id", "=", songId)
        .executeTakeFirst();
      if (!sec) throw invalid("sectionId", `no section ${v.sectionId} in this song`);
    }
    if (v.recordingId) {
      const rec = await trx
        .selectFrom("recordings")
        .select("id")
        .where("id", "=", v.recordingId)
        .where("song_id", "=", songId)
        .executeTakeFirst();
      if (!rec) throw invalid("recordingId", `no recording ${v.recordingId} of this song`);
    }
    // Serialise numbering per song so two engineers logging at once get distinct numbers.
    await sql`select pg_advisory_xact_lock(hashtext(${`takes:${songId}`}))`.execute(trx);
    const { n } = (await trx
      .selectFrom("takes")
      .select(sql<number>`coalesce(max(number), 0)`.as("n"))
      .where("song_id", "=", songId)
      .where("part", "=", v.part)
      .executeTakeFirst()) as { n: number };
    await trx
      .insertInto("takes")
      .values({
        id,
        song_id: songId,
        recording_id: v.recordingId ?? null,
        section_id: v.sectionId ?? null,
        part: v.part,
        number: Number(n) + 1,
        performer_id: v.performerId ?? null,
        performer_name: name as string,
        rating: null,
        notes: v.notes,
        decision: null,
        blob_sha256: v.blobSha256 ?? null,
      })
      .execute();
    // A take with a file is measured (loudness, true peak, length) by a job queued with it.
    if (v.blobSha256 && s.jobs) jobId = await insertAnalyzeJob(trx, actor, songId, id, v.blobSha256);
  });
  if (jobId) await s.jobs?.enqueue(jobId, "analyze");
  return toTake((await readRow(s, id)) as NonNullable<TakeRow>);
}

/** A song's takes by part and number. */
export async function listTakes(s: Studio, actor: Actor, songId: string): Promise<Take[]> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const rows = await s.db
    .selectFrom("takes")
    .select(TAKE_COLUMNS)
    .where("song_id", "=", songId)
    .orderBy("part")
    .orderBy("number")
    .execute();
  return rows.map(toTake);
}

/** The producer rates a take, writes notes and decides: keep, comp or redo. 409 when stale. */
export async function decideTake(s: Studio, actor: Actor, takeId: string, input: unknown): Promise<Take> {
  const v = parseInput(DecideTakeInput, input);
  const row = await readRow(s, takeId);
  if (!row) throw notFound(`take ${takeId}`);
  await authorizeSong(s.db, actor, row.song_id, "take.decide");
  const patch: Record<string, unknown> = {};
  if (v.rating !== undefined) patch.rating = v.rating;
  if (v.notes !== undefined) patch.notes = v.notes;
  if (v.decision !== undefined) patch.decision = v.decision;
  await updateVersioned(s.db, "takes", takeId, v.version, patch, `take ${takeId}`, async () => {
    const r = await readRow(s, takeId);
    return r && toTake(r);
  });
  return toTake((await readRow(s, takeId)) as NonNullable<TakeRow>);
}
