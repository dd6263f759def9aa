/** The job queue seen by the service: where job rows get handed to workers. Two implementations exist. */

/** A queue that runs jobs recorded in the `jobs` table. */
export interface JobQueue {
  /** "in-process" (worker threads in this process) or "pg-boss" (worker processes via PostgreSQL). */
  readonly kind: "in-process" | "pg-boss";
  /** Hands a job (already inserted as queued) to the workers. */
  enqueue(jobId: string, kind: string): Promise<void>;
  /** Stops a queued or running job; it ends as cancelled. */
  cancel(jobId: string): Promise<void>;
  /** Whether the queue can take work. */
  health(): Promise<{ ok: boolean; detail: string }>;
  /** Stops taking work and releases resources. */
  close(): Promise<void>;
}
