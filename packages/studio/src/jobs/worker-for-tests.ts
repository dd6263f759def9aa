// A worker process for the pg-boss tests: what `controlroom worker` does, pointed at a test schema.
import { tmpdir } from "node:os";
import { openStore } from "../store/store.ts";
import { startPgBossWorker } from "./pg-boss-queue.ts";

const store = await openStore({
  databaseUrl: process.env.DATABASE_URL,
  schema: process.env.STUDIO_SCHEMA,
  poolSize: 2,
});
await startPgBossWorker({
  db: store.db,
  databaseUrl: process.env.DATABASE_URL as string,
  schema: process.env.BOSS_SCHEMA,
  blobRoot: tmpdir(),
  expireInSeconds: 4,
  maintenanceIntervalSeconds: 1,
});
