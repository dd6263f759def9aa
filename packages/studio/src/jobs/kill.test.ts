/**
 * Kill tests for every job kind: a studio process (testing/kill-host.ts, embedded database, in-process
 * queue) runs one job of each kind at once and is killed with SIGKILL at three points — as soon as every job
 * is claimed, when every job runs and one is 30 % done, and when every job is half done or finished — then
 * started again. Every job must be retried to
 * exactly one result, every stored blob must hash to its name (no half-written file where a result goes),
 * no `blobs` row may lack its file, and after the sweep no file may lack its row and nothing may be left in
 * the blob store's tmp folder.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { KIND_FIXTURES } from "../testing/job-fixtures.ts";
import { JOB_KINDS } from "./kinds/index.ts";

const HOST = fileURLToPath(new URL("../testing/kill-host.ts", import.meta.url));

/** Runs the host; resolves with its exit code or signal and its output. */
function host(
  args: string[],
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", HOST, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code, signal, out, err }));
  });
}

describe("SIGKILL during every job kind (in-process queue, PGlite)", { concurrency: false }, () => {
  test("every job kind has a fixture to start it (add one in testing/job-fixtures.ts)", () => {
    for (const k of JOB_KINDS)
      assert.ok(KIND_FIXTURES[k.name], `job kind ${k.name} has no kill-test fixture`);
  });

  const POINTS = {
    started: "as every job is claimed",
    midway: "with every job running, one 30 % done",
    late: "with every job half done or finished",
  };
  for (const [point, when] of Object.entries(POINTS)) {
    test(`killed ${when}: each job is retried to exactly one result, the store stays whole`, async () => {
      const data = await mkdtemp(join(tmpdir(), "cr-kill-"));
      try {
        const run = await host([data, "run", point]);
        assert.equal(run.signal, "SIGKILL", `the host was not killed: exit ${run.code}\n${run.err}`);
        const rec = await host([data, "recover"]);
        assert.equal(rec.code, 0, rec.err);
        const r = JSON.parse(rec.out);
        // Right after the kill: no half-written blob, no row without its file.
        assert.deepEqual(r.before.corruptFiles, []);
        assert.deepEqual(r.before.rowsWithoutFile, []);
        for (const k of JOB_KINDS) {
          const j = r.jobs[k.name];
          assert.equal(j.status, "done", `${k.name}: ${j.status} (${j.error})`);
          assert.equal(j.results, 1, `${k.name}: ${j.results} results`);
          assert.ok(j.attempts >= 1 && j.attempts <= 2, `${k.name}: ${j.attempts} attempts`);
        }
        assert.deepEqual(r.afterJobs.corruptFiles, []);
        assert.deepEqual(r.afterJobs.rowsWithoutFile, []);
        // After the sweep: nothing without a row, nothing temporary.
        assert.deepEqual(r.afterSweep.filesWithoutRow, []);
        assert.deepEqual(r.afterSweep.temporary, []);
        assert.deepEqual(r.afterSweep.rowsWithoutFile, []);
      } finally {
        await rm(data, { recursive: true, force: true });
      }
    });
  }
});
