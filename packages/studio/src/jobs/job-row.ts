/** A job as the API shows it, read from its row in the `jobs` table (the truth whatever the queue). */
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

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

export function toJob(r: Database["jobs"] extends infer T ? Record<keyof T, unknown> : never): Job {
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
