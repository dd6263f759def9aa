/**
 * Opens the whole studio: database (PGlite in `<data>/db`, or PostgreSQL by URL), blob store in
 * `<data>/blobs`, and a job queue (worker threads in this process, or pg-boss on PostgreSQL).
 */
import { join } from "node:path";
import { BlobStore } from "./blobs/blob-store.ts";
import type { Studio } from "./context.ts";
import { InProcessQueue } from "./jobs/in-process-queue.ts";
import { PgBossQueue, startPgBossWorker } from "./jobs/pg-boss-queue.ts";
import type { JobQueue } from "./jobs/queue.ts";
import { openStore } from "./store/store.ts";

/** Where and how to run. */
export interface OpenStudioOptions {
  /** Data folder (created on first run): PGlite database and blobs. */
  dataDir: string;
  /** PostgreSQL URL; when given the database lives there (blobs stay in the data folder). */
  databaseUrl?: string;
  /** PostgreSQL schema (default: the server's search path). */
  schema?: string;
  /** PostgreSQL connections in the pool (default 10). */
  poolSize?: number;
  /** Job queue: "in-process" (default on PGlite), "pg-boss" (default on PostgreSQL), or "none". */
  queue?: "in-process" | "pg-boss" | "none";
  /** With pg-boss: job workers to run inside this process too (default 1; 0 = only `controlroom worker`s). */
  localWorkers?: number;
  /** In-process queue: jobs running at once (default 2). */
  concurrency?: number;
}

/** An open studio with a close() for shutdown. */
export interface OpenStudio extends Studio {
  close(): Promise<void>;
}

/** Opens database, blob store and queue. */
export async function openStudio(o: OpenStudioOptions): Promise<OpenStudio> {
  const store = await openStore(
    o.databaseUrl
      ? { databaseUrl: o.databaseUrl, schema: o.schema, poolSize: o.poolSize }
      : { dataDir: join(o.dataDir, "db") },
  );
  const blobRoot = join(o.dataDir, "blobs");
  const blobs = new BlobStore(blobRoot);
  const kind = o.queue ?? (o.databaseUrl ? "pg-boss" : "in-process");
  let jobs: JobQueue | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  if (kind === "in-process")
    jobs = await InProcessQueue.start(store.db, { blobRoot, concurrency: o.concurrency });
  else if (kind === "pg-boss") {
    if (!o.databaseUrl) throw new Error("queue: pg-boss needs --database-url (a PostgreSQL server)");
    const boss = { databaseUrl: o.databaseUrl, schema: o.schema ? `${o.schema}_boss` : undefined };
    jobs = await PgBossQueue.start(boss);
    if ((o.localWorkers ?? 1) > 0)
      worker = await startPgBossWorker({ ...boss, db: store.db, blobRoot, concurrency: o.localWorkers ?? 1 });
  }
  return {
    store,
    db: store.db,
    blobs,
    jobs,
    close: async () => {
      await worker?.stop();
      await jobs?.close();
      await store.close();
    },
  };
}
