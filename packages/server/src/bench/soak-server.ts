/**
 * The server side of `npm run bench:soak`, a child process so the traffic does not share its event loop or
 * its memory: a fresh studio (PGlite in a temp folder with the in-process queue, or a fresh schema on
 * PostgreSQL with pg-boss and one local worker), listening on 127.0.0.1; prints one JSON line {port, pid}.
 * SIGTERM closes it and removes what it made.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStudio } from "@controlroom/studio/open-studio.ts";
import pg from "pg";
import { buildServer } from "../app.ts";

const kind = process.argv[2] as "pglite" | "postgres";
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dir = await mkdtemp(join(tmpdir(), "cr-soak-"));
const schema = `soak_${process.pid}`;
const studio = await openStudio({
  dataDir: dir,
  ...(kind === "postgres" ? { databaseUrl: url, schema } : {}),
});
const app = await buildServer(studio, { loginPerMinute: 1e6 });
await app.listen({ host: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port, pid: process.pid }));
const stop = async () => {
  await app.close();
  await studio.close();
  if (kind === "postgres") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`drop schema if exists ${schema}_boss cascade`);
    await client.end();
  }
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
