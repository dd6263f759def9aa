/**
 * The server side of `npm run bench:api`, run as a child process so the load generator does not share its
 * event loop: opens a fresh database (PGlite in a temp folder, or a fresh schema on PostgreSQL), seeds the
 * bulk data, listens on 127.0.0.1 and prints one JSON line {port, token, projectId, versionId}.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStudio } from "@controlroom/studio/open-studio.ts";
import { sql } from "kysely";
import { buildServer } from "../app.ts";
import { seedBulk } from "./seed-bulk.ts";

const kind = process.argv[2] as "pglite" | "postgres";
const songs = Number(process.argv[3] ?? 10000);
const comments = Number(process.argv[4] ?? 100000);
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dir = await mkdtemp(join(tmpdir(), "cr-bench-"));
const schema = `bench_${process.pid}`;
const studio = await openStudio({
  dataDir: dir,
  queue: "none",
  ...(kind === "postgres"
    ? { databaseUrl: url, schema, poolSize: Number(process.env.BENCH_POOL ?? 10) }
    : {}),
});
const t0 = performance.now();
const seed = await seedBulk(studio, songs, comments);
const seedSeconds = (performance.now() - t0) / 1000;
await sql`vacuum analyze`.execute(studio.db);
const app = await buildServer(studio, { loginPerMinute: 1e6 });
await app.listen({ host: "127.0.0.1", port: 0 });
const port = (app.server.address() as { port: number }).port;
console.log(JSON.stringify({ port, seedSeconds, ...seed }));
const stop = async () => {
  await app.close();
  // Let requests the load generator left in flight finish before the schema goes.
  await new Promise((r) => setTimeout(r, 1000));
  if (kind === "postgres") await sql.raw(`drop schema ${schema} cascade`).execute(studio.db);
  await studio.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
