/** Inserting a job row and handing it to the queue — shared by the service functions that start jobs. */
import { randomUUID } from "node:crypto";
import type { Actor, Studio } from "../context.ts";
import { StudioError } from "../errors.ts";
import { type Job, readJob } from "./jobs.ts";

/**
 * Records a queued job of `kind` for a project and enqueues it. Authorization is the caller's.
 * @param input the job's input as the worker gets it (JSON).
 */
export async function queueJob(
  s: Studio,
  actor: Actor,
  projectId: string,
  kind: string,
  input: Record<string, unknown>,
): Promise<Job> {
  if (!s.jobs) throw new StudioError(503, "unavailable", "no job queue is running");
  const id = randomUUID();
  await s.db
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
  await s.jobs.enqueue(id, kind);
  return (await readJob(s.db, id)) as Job;
}
