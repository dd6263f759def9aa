/**
 * Soak test: `npm run bench:soak [-- --minutes N --clients N --pglite|--postgres]` (default 10 minutes, 8
 * clients, both databases). Starts the studio server in a child process on 127.0.0.1 and sends it mixed
 * traffic (packages/server/src/bench/soak.ts): dashboards, comments read and posted, uploads made versions,
 * a render every minute and a master every 90 s. Prints throughput, p50/p99 per kind of request, errors
 * (must be 0), the server's resident memory over time (growth must level off), and whether every comment and
 * upload was stored exactly once. Exits non-zero when a request failed or something was lost or doubled.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { runSoak, type SoakResult } from "../packages/server/src/bench/soak.ts";
import { repoRoot } from "./lib.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg("minutes", 10);
const clients = arg("clients", 8);
const only = process.argv.includes("--pglite")
  ? ["pglite"]
  : process.argv.includes("--postgres")
    ? ["postgres"]
    : ["pglite", "postgres"];

let failed = false;
for (const db of only) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", `${repoRoot}/packages/server/src/bench/soak-server.ts`, db],
    { stdio: ["ignore", "pipe", "inherit"], env: { MALLOC_ARENA_MAX: "2", ...process.env } },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const { port, pid } = JSON.parse(line) as { port: number; pid: number };
  console.log(`${db}: ${minutes} min, ${clients} clients, server pid ${pid}`);
  let r: SoakResult;
  try {
    r = await runSoak({
      baseUrl: `http://127.0.0.1:${port}`,
      seconds: minutes * 60,
      concurrency: clients,
      serverPid: pid,
      log: (l) => console.log(l),
    });
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  console.log(
    `${db}: ${r.requests} requests in ${r.seconds.toFixed(0)} s = ${r.requestsPerSecond.toFixed(0)}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`,
  );
  for (const [k, v] of Object.entries(r.byKind))
    console.log(
      `  ${k.padEnd(10)} ${String(v.count).padStart(7)}  p50 ${v.p50Ms.toFixed(1)} ms  p99 ${v.p99Ms.toFixed(1)} ms`,
    );
  if (r.rss)
    console.log(
      `  resident memory: start ${r.rss.startMb} MB, end ${r.rss.endMb} MB, max ${r.rss.maxMb} MB; samples (s, MB): ${r.rss.samples.map(([t, m]) => `${t}:${m}`).join(" ")}`,
    );
  console.log(
    `  comments: ${r.comments.posted} posted, ${r.comments.storedOnce} stored once, ${r.comments.missing} missing, ${r.comments.duplicated} doubled`,
  );
  console.log(
    `  uploads: ${r.uploads.posted} posted, ${r.uploads.storedOnce} stored once, ${r.uploads.missing} missing, ${r.uploads.duplicated} doubled`,
  );
  console.log(`  jobs: ${r.jobs.done} of ${r.jobs.started} done ${r.jobs.notDone.join("; ")}`);
  for (const e of r.errorSamples) console.log(`  error: ${e}`);
  if (
    r.errors ||
    r.comments.storedOnce !== r.comments.posted ||
    r.uploads.storedOnce !== r.uploads.posted ||
    r.jobs.done !== r.jobs.started
  )
    failed = true;
}
process.exit(failed ? 1 : 0);
