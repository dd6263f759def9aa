/** What every service function works with: the database, and optionally the blob store and job queue. */
import type { Kysely } from "kysely";
import type { BlobStore } from "./blobs/blob-store.ts";
import type { JobQueue } from "./jobs/queue.ts";
import type { Database } from "./store/schema.ts";
import type { Store } from "./store/store.ts";

/** The open studio. */
export interface Studio {
  store: Store;
  db: Kysely<Database>;
  blobs?: BlobStore;
  jobs?: JobQueue;
}

/** The signed-in person making a request. */
export interface Actor {
  userId: string;
}
