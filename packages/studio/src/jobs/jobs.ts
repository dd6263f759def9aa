/**
 * Jobs as the service sees them: rows in the `jobs` table that a queue hands to workers. Whatever the queue,
 * the row is the truth, and a result is written only while the job is still queued or running — so a job
 * retried after its worker died, or cancelled meanwhile, ends with exactly one outcome.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { notFound, parseInput, StudioError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { authorize } from "../team/access.ts";
import type { AnyJobKind, JobJson, JobRequest, RequestableJobKind } from "./job-kind.ts";
import { type Job, readJob, toJob } from "./job-row.ts";
import { JOB_KINDS, jobKindNamed } from "./kinds/index.ts";
import { queueJob } from "./queue-job.ts";

export { type Job, readJob } from "./job-row.ts";

/** The kinds clients may submit through the jobs route (those with a `request`). */
type Requestable = Extract<(typeof JOB_KINDS)[number], { request: object }>;
type RequestBody<K> =
  K extends RequestableJobKind<infer N, infer _I, infer _R, infer S>
    ? z.ZodObject<{ kind: z.ZodLiteral<N>; input: S }>
    : never;
const requestable = JOB_KINDS.filter((k): k is Requestable => "request" in k);

/** The body of `POST /api/projects/{projectId}/jobs`: `{kind, input}` for each kind with a `request`. */
export const SubmitJobInput = z.discriminatedUnion(
  "kind",
  requestable.map((k) => z.object({ kind: z.literal(k.name), input: k.request.schema })) as unknown as [
    RequestBody<Requestable>,
    ...RequestBody<Requestable>[],
  ],
);

/**
 * Submits a job of a kind clients may ask for (engineers, producers): "analyze" measures a mix/master
 * version's file and stores its integrated loudness on the version for loudness-matched A/B, or a take's file
 * (`takeId`) and stores its integrated loudness, true peak and length on the take (creating a take with a
 * file queues this by itself); "wait" is a diagnostic. See jobs/kinds.
 */
export async function submitJob(s: Studio, actor: Actor, projectId: string, input: unknown): Promise<Job> {
  const v = parseInput(SubmitJobInput, input);
  await authorize(s.db, actor, projectId, "job.run");
  if (!s.jobs) throw new StudioError(503, "unavailable", "no job queue is running");
  const kind = jobKindNamed(v.kind) as AnyJobKind & { request: JobRequest<JobJson, z.ZodType> };
  const jobInput = await kind.request.prepare(s, projectId, v.input);
  return queueJob(s, actor, projectId, kind, jobInput, async (id) => {
    await kind.request.inserted?.(s, id, jobInput);
  });
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
    const job = { id, kind: r.kind, projectId: r.project_id, createdBy: r.created_by, input: r.input };
    await jobKindNamed(r.kind)?.record?.(trx, job, result);
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
