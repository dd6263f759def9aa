/**
 * Jobs as the service sees them: rows in the `jobs` table that a queue hands to workers. Whatever the queue,
 * the row is the truth, and a result is written only while the job is still queued or running — so a job
 * retried after its worker died, or cancelled meanwhile, ends with exactly one outcome.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput, StudioError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { authorize } from "../team/access.ts";
import { applyJobOutcome } from "./outcomes.ts";

export const SubmitJobInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("analyze"),
    // A mix/master version's file, or a take's: exactly one of the two.
    input: z
      .object({ versionId: z.string().min(1).optional(), takeId: z.string().min(1).optional() })
      .refine((i) => (i.versionId === undefined) !== (i.takeId === undefined), {
        message: "give versionId (a version's file) or takeId (a take's file), not both",
        path: ["versionId"],
      }),
  }),
  z.object({ kind: z.literal("wait"), input: z.object({ seconds: z.number().min(0).max(600) }) }),
]);

/** A job as the API shows it. */
export interface Job {
  id: string;
  kind: string;
  projectId: string | null;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  input: unknown;
  result: unknown;
  error: string | null;
  progress: number;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

function toJob(r: Database["jobs"] extends infer T ? Record<keyof T, unknown> : never): Job {
  return {
    id: r.id as string,
    kind: r.kind as string,
    projectId: r.project_id as string | null,
    status: r.status as Job["status"],
    input: r.input,
    result: r.result ?? null,
    error: r.error as string | null,
    progress: r.progress as number,
    attempts: r.attempts as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/** Reads a job row (no authorization; for queues and workers). */
export async function readJob(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const r = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  return r && toJob(r);
}

/**
 * Submits a job for a project (engineers, producers). "analyze" measures a mix/master version's file and
 * stores its integrated loudness on the version for loudness-matched A/B, or a take's file (`takeId`) and
 * stores its integrated loudness, true peak and length on the take (creating a take with a file queues this
 * by itself).
 */
export async function submitJob(s: Studio, actor: Actor, projectId: string, input: unknown): Promise<Job> {
  const v = parseInput(SubmitJobInput, input);
  await authorize(s.db, actor, projectId, "job.run");
  if (!s.jobs) throw new StudioError(503, "unavailable", "no job queue is running");
  let jobInput: Record<string, unknown> = v.input;
  if (v.kind === "analyze" && v.input.takeId) {
    const take = await s.db
      .selectFrom("takes")
      .innerJoin("songs", "songs.id", "takes.song_id")
      .select(["takes.blob_sha256", "songs.project_id"])
      .where("takes.id", "=", v.input.takeId)
      .executeTakeFirst();
    if (!take || take.project_id !== projectId)
      throw invalid("input.takeId", `no take ${v.input.takeId} in this project`);
    if (!take.blob_sha256) throw invalid("input.takeId", "this take has no uploaded file");
    jobInput = { takeId: v.input.takeId, blobSha256: take.blob_sha256 };
  } else if (v.kind === "analyze" && v.input.versionId) {
    const ver = await s.db
      .selectFrom("mix_versions")
      .innerJoin("songs", "songs.id", "mix_versions.song_id")
      .select(["mix_versions.blob_sha256", "songs.project_id"])
      .where("mix_versions.id", "=", v.input.versionId)
      .executeTakeFirst();
    if (!ver || ver.project_id !== projectId)
      throw invalid("input.versionId", `no version ${v.input.versionId} in this project`);
    if (!ver.blob_sha256) throw invalid("input.versionId", "this version has no uploaded file");
    jobInput = { versionId: v.input.versionId, blobSha256: ver.blob_sha256 };
  }
  const id = randomUUID();
  await s.db
    .insertInto("jobs")
    .values({
      id,
      kind: v.kind,
      project_id: projectId,
      status: "queued",
      input: JSON.stringify(jobInput),
      created_by: actor.userId,
    })
    .execute();
  if (v.kind === "analyze" && v.input.takeId)
    await s.db.updateTable("takes").set({ analysis_job_id: id }).where("id", "=", v.input.takeId).execute();
  await s.jobs.enqueue(id, v.kind);
  return (await readJob(s.db, id)) as Job;
}

async function jobFor(s: Studio, actor: Actor, id: string): Promise<Job> {
  const j = await readJob(s.db, id);
  if (!j?.projectId) throw notFound(`job ${id}`);
  await authorize(s.db, actor, j.projectId, "project.read");
  return j;
}

/** Reads a job (any team member of its project). */
export async function getJob(s: Studio, actor: Actor, id: string): Promise<Job> {
  return jobFor(s, actor, id);
}

/** Cancels a queued or running job (those who may run jobs). Finished jobs are left as they are. */
export async function cancelJob(s: Studio, actor: Actor, id: string): Promise<Job> {
  const j = await jobFor(s, actor, id);
  await authorize(s.db, actor, j.projectId as string, "job.run");
  const moved = await markCancelled(s.db, id);
  if (moved) await s.jobs?.cancel(id);
  return (await readJob(s.db, id)) as Job;
}

/** queued → running, counting the attempt. @returns the job when it was claimed (not cancelled/finished). */
export async function markRunning(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const r = await db
    .updateTable("jobs")
    .set((eb) => ({ status: "running", attempts: eb("attempts", "+", 1), updated_at: new Date() }))
    .where("id", "=", id)
    .where("status", "in", ["queued", "running"])
    .returningAll()
    .executeTakeFirst();
  return r && toJob(r);
}

/** Progress in 0…1 (ignored once the job has ended). @returns false when the job was cancelled. */
export async function markProgress(db: Kysely<Database>, id: string, progress: number): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({ progress: Math.max(0, Math.min(1, progress)), updated_at: new Date() })
    .where("id", "=", id)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Stores the result if — and only if — the job is still live, with the job's side effects in the same
 * transaction. @returns true when this call recorded the outcome.
 */
export async function markDone(
  db: Kysely<Database>,
  id: string,
  result: Record<string, unknown>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("jobs")
      .set({ status: "done", result: JSON.stringify(result), progress: 1, updated_at: new Date() })
      .where("id", "=", id)
      .where("status", "in", ["queued", "running"])
      .returning(["kind", "input", "project_id", "created_by"])
      .executeTakeFirst();
    if (!r) return false;
    const input = r.input as { versionId?: string; takeId?: string };
    const finite = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
    if (r.kind === "analyze" && input.takeId)
      await trx
        .updateTable("takes")
        .set({
          integrated_lufs: finite(result.integratedLufs),
          true_peak_dbtp: finite(result.truePeakDbtp),
          duration_seconds: finite(result.durationSeconds),
        })
        .where("id", "=", input.takeId)
        .execute();
    if (
      r.kind === "analyze" &&
      input.versionId &&
      typeof result.integratedLufs === "number" &&
      Number.isFinite(result.integratedLufs)
    )
      await trx
        .updateTable("mix_versions")
        .set({ integrated_lufs: result.integratedLufs })
        .where("id", "=", input.versionId)
        .execute();
    await applyJobOutcome(
      trx,
      { id, kind: r.kind, projectId: r.project_id, createdBy: r.created_by },
      result,
    );
    return true;
  });
}

/** Marks a live job failed with a message. */
export async function markFailed(db: Kysely<Database>, id: string, error: string): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({ status: "failed", error, updated_at: new Date() })
    .where("id", "=", id)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Puts a running job back in the queue (its worker died). */
export async function markRequeued(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({ status: "queued", updated_at: new Date() })
    .where("id", "=", id)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

async function markCancelled(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db
    .updateTable("jobs")
    .set({ status: "cancelled", updated_at: new Date() })
    .where("id", "=", id)
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
