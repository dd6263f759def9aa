/**
 * What a job sees while it runs in a worker (a thread of the server, or a `controlroom worker` process): the
 * blob store's folder and two callbacks — never the database. What a result changes in the database is the
 * kind's `record`, run later with the job row's update.
 */

/** Where the job may read and write blobs, and how it reports back. */
export interface JobEnvironment {
  blobRoot: string;
  /** Reports progress in 0…1. */
  progress(fraction: number): void;
  /** True once the job was cancelled (queues that cannot kill the worker ask long jobs to stop early). */
  cancelled?: () => boolean;
}
