/**
 * Repair in the studio, end to end through the embedded worker-thread queue: a synthesised take (a sung-like
 * 196 Hz note with vibrato and a faint hiss) with ten clicks injected at known samples is analysed — the take
 * list shows "10 clicks" — then repaired by a job into a new take linked to the original (which is kept), with
 * the report stored; the repaired file is measured against the clean signal. A version repairs into a new
 * version with a "repair" report. The job has exactly one result; cancel works; bad requests are 4xx naming
 * the field.
 */
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { REPAIR_FIXES } from "@controlroom/engine/repair/repair-channels.ts";
import { readWholeFile } from "@controlroom/node/files/open.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import type { Studio } from "../context.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { cancelJob, getJob, type Job, markDone, readJob, submitJob } from "../jobs/jobs.ts";
import {
  REPAIR_FIX_NAMES,
  type RepairJobResult,
  startTakeRepair,
  startVersionRepair,
} from "../jobs/kinds/repair.ts";
import { createSong } from "../songs/songs.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { createVersion, listVersions } from "../versions/mix-versions.ts";
import { getVersionReport } from "../versions/version-reports.ts";
import { getTakeRepairReport } from "./take-repair-report.ts";
import { createTake, listTakes, type Take } from "./takes.ts";

const SR = 48000;
const CLICKS = 10;

/** The clean take: 196 Hz with 1 % vibrato at 5 Hz, two harmonics, hiss at −60 dBFS (seeded). */
function cleanTake(seconds: number): Float32Array {
  const n = Math.round(seconds * SR);
  const x = new Float32Array(n);
  let seed = 7;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  let ph = 0;
  for (let i = 0; i < n; i++) {
    ph += (2 * Math.PI * 196 * (1 + 0.01 * Math.sin((2 * Math.PI * 5 * i) / SR))) / SR;
    x[i] = 0.25 * Math.sin(ph) + 0.1 * Math.sin(2 * ph + 0.3) + 0.05 * Math.sin(3 * ph + 1) + 0.002 * noise();
  }
  return x;
}

/** Where the clicks go: spread over the take, off any regular grid. */
function clickPositions(n: number): number[] {
  return Array.from({ length: CLICKS }, (_, k) => Math.round(((k + 0.5) * n) / CLICKS) + 37 * k);
}

/** Two-sample clicks of alternating sign (0.6, then −0.3 of full scale). */
function withClicks(clean: Float32Array): Float32Array {
  const x = new Float32Array(clean);
  clickPositions(x.length).forEach((p, k) => {
    const sign = k % 2 ? 1 : -1;
    x[p] += 0.6 * sign;
    x[p + 1] -= 0.3 * sign;
  });
  return x;
}

/** Error energy against the clean signal over ±`half` samples around each click, dB (10·log10 Σe²). */
function clickErrorDb(x: Float32Array, clean: Float32Array, half = 16): number {
  let e = 0;
  for (const p of clickPositions(clean.length))
    for (let i = p - half; i <= p + half; i++) e += (x[i] - clean[i]) ** 2;
  return 10 * Math.log10(e);
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 4800; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("the kind's fix names are the engine's, in its order", () => {
  assert.deepEqual([...REPAIR_FIX_NAMES], [...REPAIR_FIXES]);
});

for (const kind of DATABASES) {
  describe(`repair jobs on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let dir: string;
    let queue: InProcessQueue;
    let songId: string;
    let clean: Float32Array;
    let clicked: Float32Array;
    let sha: string;
    let original: Take;

    async function upload(name: string, x: Float32Array): Promise<string> {
      const path = join(dir, `${name}.wav`);
      const w = await createAudioWriter(path, { sampleRate: SR, channels: 1, bitDepth: 32 });
      await w.write([x], x.length);
      await w.close();
      return (await uploadAudio(s, team.actors.engineer, team.projectId, createReadStream(path))).sha256;
    }

    async function finished(id: string): Promise<Job> {
      return until(`job ${id}`, async () => {
        const j = await readJob(s.db, id);
        return j && j.status !== "queued" && j.status !== "running" && j;
      });
    }

    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-take-repair-"));
      // One job at a time, so a job behind another is reliably still queued.
      queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs"), concurrency: 1 });
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
      team = await seedTeam(s);
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Clicks" })).id;
      clean = cleanTake(2);
      clicked = withClicks(clean);
      sha = await upload("clicked", clicked);
      original = await createTake(s, team.actors.engineer, songId, {
        part: "lead vocal",
        performerName: "V",
        blobSha256: sha,
      });
      await finished(original.analysisJobId as string);
    });
    after(async () => {
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("the take analysis finds the clicks: the take list shows the badge and the counts", async () => {
      const listed = (await listTakes(s, team.actors.viewer, songId)).find((x) => x.id === original.id);
      assert.ok(listed?.problems, "problems stored");
      assert.equal(listed.problems.clicks, CLICKS);
      assert.ok(listed.problems.summary.includes(`${CLICKS} clicks`), listed.problems.summary.join(" | "));
      assert.ok(listed.problems.fixes.includes("declick"));
      assert.equal(listed.problems.clippedRuns, 0);
      assert.equal(listed.problems.hum, null);
      assert.equal(listed.repairedFromTakeId, null);
      console.log(`analysed take: ${listed.problems.summary.join(", ")}`);
    });

    test("a repair job makes a new take linked to the kept original, with the report; clicks restored", async () => {
      const job = await startTakeRepair(s, team.actors.mixing_engineer, original.id, { fixes: ["declick"] });
      assert.equal(job.kind, "repair");
      const done = await finished(job.id);
      assert.equal(done.status, "done", done.error ?? "");
      const result = done.result as RepairJobResult;
      const takes = await listTakes(s, team.actors.viewer, songId);
      const repaired = takes.find((x) => x.id === result.takeId);
      assert.ok(repaired, "the new take is listed");
      assert.equal(repaired.repairedFromTakeId, original.id);
      assert.equal(repaired.repairJobId, job.id);
      assert.equal(repaired.part, "lead vocal");
      assert.equal(repaired.number, 2);
      assert.equal(repaired.performerName, "V");
      assert.match(repaired.notes, /repaired from take 1 \(declick\)/);
      assert.notEqual(repaired.blobSha256, sha);
      assert.equal(repaired.problems?.clicks, 0, repaired.problems?.summary.join(" | "));
      // The original is kept as it was.
      const kept = takes.find((x) => x.id === original.id);
      assert.equal(kept?.blobSha256, sha);
      assert.equal(kept?.repairedFromTakeId, null);
      // Declicking touches a few samples: the loudness barely moves.
      assert.ok(Math.abs((repaired.integratedLufs as number) - (kept?.integratedLufs as number)) < 0.1);
      assert.equal(repaired.durationSeconds, 2);

      const stored = await getTakeRepairReport(s, team.actors.viewer, repaired.id);
      assert.equal(stored.jobId, job.id);
      assert.equal(stored.repairedFromTakeId, original.id);
      assert.deepEqual(stored.report.fixes, ["declick"]);
      assert.ok(stored.report.found.includes(`${CLICKS} clicks`));
      const action = (
        stored.report.report.actions as { fix: string; count: number; events: { start: number }[] }[]
      )[0];
      assert.equal(action.fix, "declick");
      assert.equal(action.count, CLICKS);
      // Every injected click found where it was put (a click spans its first sample).
      for (const p of clickPositions(clean.length))
        assert.ok(
          action.events.some((e) => e.start <= p && p < e.start + 8),
          `click at ${p} in ${action.events.map((e) => e.start)}`,
        );
      await assert.rejects(getTakeRepairReport(s, team.actors.viewer, original.id), { status: 404 });

      // The repaired file against the clean take, around the clicks.
      const file = await readWholeFile(s.blobs?.pathOf(repaired.blobSha256 as string) as string, {
        maxFrames: 10 * SR,
      });
      const before = clickErrorDb(clicked, clean);
      const afterDb = clickErrorDb(file.channels[0], clean);
      console.log(`error energy around the clicks: ${before.toFixed(1)} dB → ${afterDb.toFixed(1)} dB`);
      assert.ok(afterDb < before - 20, `${before.toFixed(1)} → ${afterDb.toFixed(1)} dB`);

      // Exactly one result: the job recorded again (a retried worker) changes nothing.
      const count = (await listTakes(s, team.actors.viewer, songId)).length;
      assert.equal(await markDone(s.db, job.id, result), false);
      assert.equal((await listTakes(s, team.actors.viewer, songId)).length, count);
      const audit = await s.db
        .selectFrom("audit_log")
        .select("action")
        .where("subject_id", "=", repaired.id)
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ["take.repair"],
      );
    });

    test("a version repairs into a new version of its kind with a repair report", async () => {
      const { producer } = team.actors;
      const mix = await createVersion(s, producer, songId, { kind: "mix", blobSha256: sha });
      const job = await startVersionRepair(s, producer, mix.id, {
        fixes: ["declick"],
        label: "mix, clicks out",
      });
      const done = await finished(job.id);
      assert.equal(done.status, "done", done.error ?? "");
      const result = done.result as RepairJobResult;
      const versions = await listVersions(s, producer, songId);
      const made = versions.find((v) => v.id === result.versionId);
      assert.ok(made);
      assert.equal(made.kind, "mix");
      assert.equal(made.label, "mix, clicks out");
      assert.equal(made.blobSha256, result.repaired.sha256);
      assert.ok(
        versions.some((v) => v.id === mix.id),
        "the original version is kept",
      );
      const report = await getVersionReport(s, producer, made.id);
      assert.equal(report.kind, "repair");
      assert.equal((report.report as RepairJobResult).sourceVersionId, mix.id);
      assert.equal((report.report as RepairJobResult).problemsAfter, null);
    });

    test("bad requests are refused naming the field; only producers and engineers may repair", async () => {
      const { engineer, viewer, mastering_engineer } = team.actors;
      await assert.rejects(startTakeRepair(s, engineer, original.id, { fixes: ["declonk"] }), (e: Error) => {
        assert.equal((e as { status?: number }).status, 400);
        assert.match(e.message, /^fixes\.0: must be one of declip, dc, declick, decrackle, dehum, denoise/);
        return true;
      });
      await assert.rejects(startTakeRepair(s, engineer, original.id, { fixes: [] }), {
        status: 400,
        message: /^fixes: give at least one fix, or auto/,
      });
      await assert.rejects(startTakeRepair(s, engineer, original.id, { noiseFrom: [1, 5] }), {
        status: 400,
        message: /^noiseFrom: 1–5 s is not inside the file \(0–2\.000 s\)/,
      });
      await assert.rejects(startTakeRepair(s, engineer, original.id, { noiseFrom: [1, 0.5] }), {
        status: 400,
        message: /^noiseFrom/,
      });
      await assert.rejects(startTakeRepair(s, engineer, original.id, { amountDb: 60 }), {
        status: 400,
        message: /^amountDb/,
      });
      const bare = await createTake(s, engineer, songId, { part: "bass", performerName: "B" });
      await assert.rejects(startTakeRepair(s, engineer, bare.id, {}), {
        status: 400,
        message: /^takeId: .* has no uploaded file/,
      });
      await assert.rejects(startTakeRepair(s, engineer, "nope", {}), { status: 404 });
      await assert.rejects(startTakeRepair(s, viewer, original.id, {}), { status: 403 });
      await assert.rejects(startTakeRepair(s, mastering_engineer, original.id, {}), { status: 403 });
      // The generic jobs route does not take repair jobs (they have routes of their own).
      await assert.rejects(
        submitJob(s, engineer, team.projectId, { kind: "repair", input: { takeId: original.id } }),
        { status: 400 },
      );
    });

    test("cancel: a queued repair never runs, a running one is stopped; neither adds a take", async () => {
      const { producer, engineer } = team.actors;
      const before = (await listTakes(s, producer, songId)).length;
      const blocker = await submitJob(s, producer, team.projectId, { kind: "wait", input: { seconds: 30 } });
      await until("the blocker to run", async () => (await readJob(s.db, blocker.id))?.status === "running");
      const queued = await startTakeRepair(s, engineer, original.id, { fixes: ["declick"] });
      assert.equal((await cancelJob(s, engineer, queued.id)).status, "cancelled");
      await cancelJob(s, producer, blocker.id);
      // Two minutes of audio with every fix: far longer than it takes to see it running and cancel it.
      const longSha = await upload("long", withClicks(cleanTake(120)));
      const long = await createTake(s, engineer, songId, {
        part: "lead vocal",
        performerName: "V",
        blobSha256: longSha,
      });
      await cancelJob(s, engineer, long.analysisJobId as string);
      const running = await startTakeRepair(s, engineer, long.id, { fixes: [...REPAIR_FIX_NAMES] });
      await until("the long repair to run", async () => queue.threadOf(running.id));
      assert.equal((await cancelJob(s, engineer, running.id)).status, "cancelled");
      await queue.idle();
      for (const j of [queued, running]) {
        const now = await getJob(s, engineer, j.id);
        assert.equal(now.status, "cancelled");
        assert.equal(now.result, null);
      }
      // The long take itself was added; no repaired take was.
      assert.equal((await listTakes(s, producer, songId)).length, before + 1);
    });
  });
}
