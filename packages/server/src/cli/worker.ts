/** The `worker` command: a job worker on the PostgreSQL queue (pg-boss). */
import { resolve } from "node:path";
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { closeOnSignal, type StudioCliOptions, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function workerCommand(program: Command): void {
  withStudioOptions(
    program
      .command("worker")
      .description(
        "Run jobs from the PostgreSQL queue (pg-boss); start any number, on any machine sharing --data",
      )
      .option("--concurrency <n>", "jobs at once per kind", "1"),
    false,
  ).action(async (o: StudioCliOptions & { concurrency: string }) => {
    if (!o.databaseUrl)
      throw new Error("--database-url: workers need the PostgreSQL server (or set DATABASE_URL)");
    const store = await S.openStore({ databaseUrl: o.databaseUrl });
    const w = await S.startPgBossWorker({
      db: store.db,
      databaseUrl: o.databaseUrl,
      blobRoot: resolve(o.data, "blobs"),
      concurrency: Number(o.concurrency),
      onJob: (id, outcome) => console.log(`job ${id}: ${outcome}`),
    });
    console.log(`controlroom worker ${process.pid}: waiting for jobs`);
    closeOnSignal(async () => {
      await w.stop();
      await store.close();
    });
  });
}
