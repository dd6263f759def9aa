/**
 * A studio process for the kill tests (jobs/kill.test.ts): the embedded database and blob store in a data
 * folder, the in-process queue running every job kind at once. Run with `node --import tsx kill-host.ts
 * <data> <mode>`:
 *
 * - `run <point>` — seeds the fixture on first use, queues one job of every kind (ids to `<data>/jobs.json`),
 *   then kills itself with SIGKILL when the point is reached: `started` (every job claimed by a worker) or
 *   `midway` (every job running and one of them at ≥ 30 %) or `late` (every job at ≥ 50 % or finished: the
 *   slow ones are writing their output).
 * - `recover` — opens the studio again (the queue picks up what was left), waits until the queue is idle,
 *   checks the blob store, sweeps a crash's leftovers, checks again, and prints a JSON report.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { checkBlobStore, sweepBlobStore } from "../blobs/blob-sweep.ts";
import type { InProcessQueue } from "../jobs/in-process-queue.ts";
import { type Job, readJob } from "../jobs/job-row.ts";
import { JOB_KINDS } from "../jobs/kinds/index.ts";
import { openStudio } from "../open-studio.ts";
import { type JobFixture, KIND_FIXTURES, seedJobFixture } from "./job-fixtures.ts";

const [data, mode, point] = process.argv.slice(2);
const studio = await openStudio({ dataDir: data, concurrency: JOB_KINDS.length });
const fixtureFile = `${data}/fixture.json`;
const jobsFile = `${data}/jobs.json`;

if (mode === "run") {
  let fx: JobFixture;
  try {
    fx = JSON.parse(readFileSync(fixtureFile, "utf8"));
  } catch {
    fx = await seedJobFixture(studio, data, 8);
    writeFileSync(fixtureFile, JSON.stringify(fx));
  }
  const jobs: Record<string, string> = {};
  for (const k of JOB_KINDS) jobs[k.name] = (await KIND_FIXTURES[k.name].start(studio, fx)).id;
  writeFileSync(jobsFile, JSON.stringify(jobs));
  const atLeast = (j: Job, p: number) => j.status !== "queued" && (j.status !== "running" || j.progress >= p);
  const reached = (all: Job[]) =>
    point === "started"
      ? all.every((j) => j.status !== "queued")
      : point === "midway"
        ? // every job running and one at 30 % (or, when one finished before that, every job at 30 % or done)
          (all.every((j) => j.status === "running") && all.some((j) => j.progress >= 0.3)) ||
          all.every((j) => atLeast(j, 0.3))
        : all.every((j) => atLeast(j, 0.5));
  for (;;) {
    const all = await Promise.all(Object.values(jobs).map((id) => readJob(studio.db, id)));
    if (reached(all as Job[])) process.kill(process.pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 5));
  }
} else if (mode === "recover") {
  const fx: JobFixture = JSON.parse(readFileSync(fixtureFile, "utf8"));
  const ids: Record<string, string> = JSON.parse(readFileSync(jobsFile, "utf8"));
  const before = await checkBlobStore(studio, true);
  await (studio.jobs as InProcessQueue).idle();
  const jobs: Record<string, { status: string; attempts: number; error: string | null; results: number }> =
    {};
  for (const [kind, id] of Object.entries(ids)) {
    const j = (await readJob(studio.db, id)) as Job;
    jobs[kind] = {
      status: j.status,
      attempts: j.attempts,
      error: j.error,
      results: await KIND_FIXTURES[kind].results(studio, fx, j),
    };
  }
  const afterJobs = await checkBlobStore(studio, true);
  const swept = await sweepBlobStore(studio, { graceMs: 0, now: Date.now() + 1000 });
  const afterSweep = await checkBlobStore(studio, true);
  await studio.close();
  process.stdout.write(JSON.stringify({ before, jobs, afterJobs, swept, afterSweep }));
} else {
  console.error(`kill-host: mode ${mode}: expected run or recover`);
  process.exit(2);
}
