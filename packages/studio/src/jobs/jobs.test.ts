import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import type { Studio } from "../context.ts";
import { createSong } from "../songs/songs.ts";
import {
  openTestStudio,
  seedTeam,
  TEST_DATABASE_URL,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { createVersion, listVersions } from "../versions/mix-versions.ts";
import { InProcessQueue } from "./in-process-queue.ts";
import { cancelJob, getJob, type Job, readJob, submitJob } from "./jobs.ts";
import { PgBossQueue } from "./pg-boss-queue.ts";

async function until<T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("in-process job queue (PGlite)", () => {
  let t: TestStudio;
  let s: Studio;
  let team: TeamFixture;
  let dir: string;
  let queue: InProcessQueue;
  before(async () => {
    t = await openTestStudio("pglite");
    dir = await mkdtemp(join(tmpdir(), "cr-jobs-"));
    queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs"), concurrency: 2 });
    s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
    team = await seedTeam(s);
  });
  after(async () => {
    await queue.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test("analyze measures an uploaded mix and stores its loudness on the version", async () => {
    const { producer, engineer, artist } = team.actors;
    const wav = join(dir, "song.wav");
    const w = await createAudioWriter(wav, { sampleRate: 48000, channels: 2, bitDepth: 24, ditherSeed: 1 });
    await w.write(exampleSong({ sampleRate: 48000, seconds: 6 }));
    await w.close();
    const blob = await uploadAudio(s, engineer, team.projectId, createReadStream(wav));
    const song = await createSong(s, producer, team.projectId, { title: "Analysed" });
    const v = await createVersion(s, engineer, song.id, { kind: "mix", blobSha256: blob.sha256 });
    await assert.rejects(
      submitJob(s, artist, team.projectId, { kind: "analyze", input: { versionId: v.id } }),
      { status: 403 },
    );
    await assert.rejects(
      submitJob(s, engineer, team.projectId, { kind: "analyze", input: {} }),
      /input.versionId:/,
    );
    const job = await submitJob(s, engineer, team.projectId, { kind: "analyze", input: { versionId: v.id } });
    const done = await until("analysis", async () => {
      const j = await getJob(s, artist, job.id);
      return j.status !== "queued" && j.status !== "running" && j;
    });
    assert.equal(done.status, "done", String(done.error));
    const r = done.result as { integratedLufs: number; durationSeconds: number };
    assert.ok(Math.abs(r.durationSeconds - 6) < 1e-6);
    assert.ok(r.integratedLufs > -40 && r.integratedLufs < -3, `integrated ${r.integratedLufs} LUFS`);
    const [after] = await listVersions(s, producer, song.id);
    assert.equal(after.integratedLufs, r.integratedLufs);
  });

  test("a job whose worker thread dies is retried and yields exactly one result", async () => {
    const job = await submitJob(s, team.actors.engineer, team.projectId, {
      kind: "wait",
      input: { seconds: 1 },
    });
    const thread = await until("the job to start", async () => queue.threadOf(job.id));
    await thread.terminate(); // as if the thread crashed
    const done = await until("the retry", async () => {
      const j = await readJob(s.db, job.id);
      return j?.status === "done" && j;
    });
    assert.equal(done.attempts, 2);
    assert.equal((done.result as { pid: number }).pid, process.pid);
    await queue.idle();
    assert.equal((await readJob(s.db, job.id))?.status, "done");
  });

  test("cancel stops a running job; it stays cancelled", async () => {
    const job = await submitJob(s, team.actors.producer, team.projectId, {
      kind: "wait",
      input: { seconds: 30 },
    });
    await until("the job to start", async () => queue.threadOf(job.id));
    const c = await cancelJob(s, team.actors.producer, job.id);
    assert.equal(c.status, "cancelled");
    await queue.idle();
    assert.equal((await readJob(s.db, job.id))?.status, "cancelled");
    assert.equal((await readJob(s.db, job.id))?.result, null);
  });
});

describe("pg-boss job queue with worker processes (PostgreSQL)", () => {
  let t: TestStudio;
  let s: Studio;
  let team: TeamFixture;
  let queue: PgBossQueue;
  const children: ChildProcess[] = [];
  const worker = (bossSchema: string) => {
    const c = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./worker-for-tests.ts", import.meta.url).pathname],
      {
        env: {
          ...process.env,
          DATABASE_URL: TEST_DATABASE_URL,
          STUDIO_SCHEMA: t.schema,
          BOSS_SCHEMA: bossSchema,
        },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    children.push(c);
    return c;
  };
  before(async () => {
    t = await openTestStudio("postgres");
    queue = await PgBossQueue.start({
      databaseUrl: TEST_DATABASE_URL,
      schema: `${t.schema}_boss`,
      expireInSeconds: 4,
      maintenanceIntervalSeconds: 1,
    });
    s = { ...t.studio, jobs: queue };
    team = await seedTeam(s);
  });
  after(async () => {
    for (const c of children) c.kill("SIGKILL");
    await queue.close();
    await t.studio.db.schema.dropSchema(`${t.schema}_boss`).ifExists().cascade().execute();
    await t.cleanup();
  });

  test("a killed worker's job is retried on another worker and yields exactly one result; cancel works", async () => {
    const boss = `${t.schema}_boss`;
    const a = worker(boss);
    const job = await submitJob(s, team.actors.engineer, team.projectId, {
      kind: "wait",
      input: { seconds: 1 },
    });
    const running = await until("worker A to take the job", async () => {
      const j = await readJob(s.db, job.id);
      return j?.status === "running" && j;
    });
    assert.equal(running.attempts, 1);
    a.kill("SIGKILL");
    const b = worker(boss);
    const done: Job = await until("worker B to finish it", async () => {
      const j = await readJob(s.db, job.id);
      return j?.status === "done" && j;
    });
    // Retried after A died (A's attempt expired); B's answer is the only one recorded.
    assert.ok(done.attempts >= 2, `attempts ${done.attempts}`);
    assert.equal((done.result as { pid: number }).pid, b.pid);
    // Cancel a queued job before any worker touches it... and one that is running.
    const long = await submitJob(s, team.actors.engineer, team.projectId, {
      kind: "wait",
      input: { seconds: 30 },
    });
    await until(
      "worker B to take the long job",
      async () => (await readJob(s.db, long.id))?.status === "running",
    );
    assert.equal((await cancelJob(s, team.actors.producer, long.id)).status, "cancelled");
    const h = await queue.health();
    assert.ok(h.ok, h.detail);
  });
});
