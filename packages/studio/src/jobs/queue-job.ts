/** Inserting a job row and handing it to the queue — shared by every service function that starts a job. */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { StudioError } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import type { JobJson } from "./job-kind.ts";
import { type Job, readJob } from "./job-row.ts";

/**
 * Inserts a queued job row (inside the caller's transaction when `db` is one); queue it after commit.
 * @returns the job's id.
 */
export async function insertJob(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  kind: string,
  input: JobJson,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("jobs")
    .values({
      id,
      kind,
      project_id: projectId,
      status: "queued",
      input: JSON.stringify(input),
      created_by: actor.userId,
    })
    .execute();
  return id;
}

/**
 * Records a queued job of `kind` for a project and enqueues it. Authorization is the caller's.
 * @param input the job's input as the worker gets it (JSON).
 * @param inserted runs after the row is inserted, before the job is queued.
 */
export async function queueJob<I extends JobJson>(
  s: Studio,
  actor: Actor,
  projectId: string,
  kind: { name: string; input: z.ZodType<I> },
  input: I,
  inserted?: (jobId: string) => Promise<void>,
): Promise<Job> {
  if (!s.jobs) throw new StudioError(503, "unavailable", "no job queue is running");
  const id = await insertJob(s.db, actor, projectId, kind.name, input);
  await inserted?.(id);
  await s.jobs.enqueue(id, kind.name);
  return (await readJob(s.db, id)) as Job;
}
