/**
 * Render and mastering jobs end to end on both databases, through the embedded worker-thread queue: a
 * 2-track session stored for a song renders into a new mix version whose samples equal the sum computed
 * here from the pan law and faders; a mix masters to a preset within ±0.5 LU with the true peak under the
 * ceiling (measured with the engine's Analyzer on the stored master); cancel works; bad input is a 4xx
 * naming the field.
 */
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Analyzer } from "@controlroom/engine";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { integratedLoudness } from "@controlroom/engine/mastering/index.ts";
import { readWholeFile } from "@controlroom/node/files/open.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import type { Studio } from "../context.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { cancelJob, getJob, type Job, readJob, submitJob } from "../jobs/jobs.ts";
import { type MasterJobResult, startMaster } from "../jobs/kinds/master.ts";
import { type RenderJobResult, startRender } from "../jobs/kinds/render.ts";
import { PgBossQueue, startPgBossWorker } from "../jobs/pg-boss-queue.ts";
import { createSong } from "../songs/songs.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  TEST_DATABASE_URL,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { createVersion, listVersions } from "../versions/mix-versions.ts";
import { getVersionReport } from "../versions/version-reports.ts";
import { getSongSession, putSongSession } from "./song-session.ts";

const SR = 48000;
const SECONDS = 5;

function sine(freq: number, amp: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / SR);
  return x;
}

const stripNum = (x: number) => x.toFixed(2);

async function until<T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 2400; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const kind of DATABASES) {
  describe(`render and master jobs on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let dir: string;
    let queue: InProcessQueue;
    let songId: string;
    let a: Float32Array;
    let b: Float32Array;
    const shas: Record<string, string> = {};

    /** Writes planar float audio as a 32-bit float WAV and uploads it. */
    async function upload(name: string, channels: Float32Array[]): Promise<string> {
      const path = join(dir, `${name}.wav`);
      const w = await createAudioWriter(path, { sampleRate: SR, channels: channels.length, bitDepth: 32 });
      await w.write(channels, channels[0].length);
      await w.close();
      return (await uploadAudio(s, team.actors.engineer, team.projectId, createReadStream(path))).sha256;
    }

    /** Two mono tracks: A (220 Hz) at −6 dB panned half left, B (330 Hz) at −2 dB panned 0.3 right, 0.5 s later. */
    function twoTrackSession(): Record<string, unknown> {
      const ref = (sha: string, x: Float32Array) => ({
        sha256: sha,
        path: "elsewhere.wav",
        sampleRate: SR,
        channels: 1,
        frames: x.length,
      });
      return {
        version: 2,
        name: "two sines",
        sampleRate: SR,
        audio: { a: ref(shas.a, a), b: ref(shas.b, b) },
        tracks: [
          {
            id: "a",
            volumeDb: -6,
            pan: -0.5,
            takes: [{ id: "t1", clips: [{ audio: "a", start: 0, length: SECONDS - 0.5 }] }],
          },
          {
            id: "b",
            volumeDb: -2,
            pan: 0.3,
            takes: [{ id: "t1", clips: [{ audio: "b", start: 0.5, length: SECONDS - 0.5 }] }],
          },
        ],
      };
    }

    async function finished(job: Job): Promise<Job> {
      return until(`job ${job.kind}`, async () => {
        const j = await readJob(s.db, job.id);
        return j && j.status !== "queued" && j.status !== "running" && j;
      });
    }

    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-render-jobs-"));
      // One job at a time, so a job behind another is reliably still queued.
      queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs"), concurrency: 1 });
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
      team = await seedTeam(s);
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Sines" })).id;
      a = sine(220, 0.4, SECONDS - 0.5);
      b = sine(330, 0.3, SECONDS - 0.5);
      shas.a = await upload("a", [a]);
      shas.b = await upload("b", [b]);
    });
    after(async () => {
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("the session is stored per song with optimistic versions; bad sessions name the field", async () => {
      const { engineer, mixing_engineer, mastering_engineer, viewer } = team.actors;
      await assert.rejects(getSongSession(s, viewer, songId), { status: 404 });
      await assert.rejects(putSongSession(s, mastering_engineer, songId, { session: twoTrackSession() }), {
        status: 403,
      });
      const bad = twoTrackSession();
      (bad.tracks as { takes: { clips: { audio: string }[] }[] }[])[1].takes[0].clips[0].audio = "c";
      await assert.rejects(
        putSongSession(s, engineer, songId, { session: bad }),
        (e: Error & { status: number }) => {
          assert.equal(e.status, 400);
          assert.match(e.message, /^session\.tracks\[1\]\.takes\[0\]\.clips\[0\]\.audio: /);
          return true;
        },
      );
      const unknownBlob = twoTrackSession();
      (unknownBlob.audio as Record<string, { sha256: string }>).b.sha256 = "f".repeat(64);
      await assert.rejects(putSongSession(s, engineer, songId, { session: unknownBlob }), {
        message: /^session\.audio\.b\.sha256: no uploaded file/,
      });
      await assert.rejects(putSongSession(s, engineer, songId, { session: "x" }), { message: /^session: / });
      const first = await putSongSession(s, engineer, songId, { session: twoTrackSession() });
      assert.equal(first.version, 1);
      const second = await putSongSession(s, mixing_engineer, songId, {
        version: 1,
        session: twoTrackSession(),
      });
      assert.equal(second.version, 2);
      await assert.rejects(putSongSession(s, engineer, songId, { version: 1, session: twoTrackSession() }), {
        status: 409,
      });
      const read = await getSongSession(s, viewer, songId);
      assert.equal(read.version, 2);
      assert.equal(read.session.tracks[0].volumeDb, -6);
    });

    test("a render job adds a mix version whose samples are the reference sum", async (ctx) => {
      const { engineer, mastering_engineer, artist } = team.actors;
      await assert.rejects(startRender(s, mastering_engineer, songId, {}), { status: 403 });
      await assert.rejects(startRender(s, engineer, songId, { bits: 20 }), { message: /^bits: / });
      await assert.rejects(startRender(s, engineer, songId, { start: 3, end: 2 }), {
        message: /^end: must be after start/,
      });
      await assert.rejects(startRender(s, engineer, songId, { sessionVersion: 1 }), { status: 409 });
      const job = await startRender(s, engineer, songId, {
        bits: 32,
        label: "rough from session",
        stems: true,
      });
      const done = await finished(job);
      assert.equal(done.status, "done", String(done.error));
      assert.equal(done.progress, 1);
      const r = done.result as RenderJobResult;
      assert.equal(r.frames, SECONDS * SR);
      // The version stack has the new mix, labelled, with its measured loudness.
      const versions = await listVersions(s, artist, songId);
      const v = versions.find((x) => x.id === r.versionId);
      assert.ok(v, "new version in the stack");
      assert.equal(v.kind, "mix");
      assert.equal(v.label, "rough from session");
      assert.equal(v.blobSha256, r.mix.sha256);
      assert.equal(v.integratedLufs, r.integratedLufs);
      assert.equal((await getVersionReport(s, artist, v.id)).kind, "render");
      // The stored WAV against the sum computed here: mono constant-power pan, faders in dB.
      const mix = await readWholeFile((s.blobs as BlobStore).pathOf(r.mix.sha256), { maxFrames: 1e7 });
      assert.equal(mix.info.channels, 2);
      const pan = (p: number) => [Math.cos(((p + 1) * Math.PI) / 4), Math.sin(((p + 1) * Math.PI) / 4)];
      const ga = 10 ** (-6 / 20);
      const gb = 10 ** (-2 / 20);
      const off = 0.5 * SR;
      let maxErr = 0;
      const ref: Float32Array[] = [new Float32Array(r.frames), new Float32Array(r.frames)];
      for (let c = 0; c < 2; c++) {
        const pa = pan(-0.5)[c];
        const pb = pan(0.3)[c];
        for (let i = 0; i < r.frames; i++) {
          const x =
            (i < a.length ? ga * pa * a[i] : 0) + (i >= off && i - off < b.length ? gb * pb * b[i - off] : 0);
          ref[c][i] = x;
          maxErr = Math.max(maxErr, Math.abs(mix.channels[c][i] - x));
        }
      }
      assert.ok(maxErr < 1e-6, `max sample error ${maxErr}`);
      ctx.diagnostic(
        `render: max |mix − reference sum| = ${maxErr.toExponential(2)}; ${r.integratedLufs.toFixed(2)} LUFS`,
      );
      // Its loudness is the reference sum's (BS.1770 over the same samples).
      assert.ok(Math.abs(r.integratedLufs - integratedLoudness(ref, SR)) < 0.01, `${r.integratedLufs} LUFS`);
      assert.ok(r.stems && r.stems.files.length === 2, "two stems in the zip");
    });

    test("a master job refuses an unreachable target, lands on a reachable one within ±0.5 LU, true peak under the ceiling", async (ctx) => {
      const { engineer, mixing_engineer, mastering_engineer, artist } = team.actors;
      const sha = await upload("song", exampleSong({ sampleRate: SR, seconds: 8 }));
      const mix = await createVersion(s, engineer, songId, { kind: "mix", blobSha256: sha, label: "song" });
      await assert.rejects(startMaster(s, mixing_engineer, { versionId: mix.id, target: "spotify" }), {
        status: 403,
      });
      await assert.rejects(startMaster(s, mastering_engineer, { versionId: mix.id, target: "radio" }), {
        message: /^target: /,
      });
      await assert.rejects(
        startMaster(s, mastering_engineer, {
          versionId: mix.id,
          target: "spotify",
          referenceVersionId: "nope",
        }),
        { message: /^referenceVersionId: no version nope/ },
      );
      // Spotify's −14 LUFS needs more limiting than allowed on this peaky mix: the job fails, saying so.
      const refused = await finished(
        await startMaster(s, mastering_engineer, { versionId: mix.id, target: "spotify" }),
      );
      assert.equal(refused.status, "failed");
      assert.match(String(refused.error), /needs [\d.]+ dB of limiting, more than the 6 dB allowed/);
      const job = await startMaster(s, mastering_engineer, { versionId: mix.id, target: "apple" });
      const done = await finished(job);
      assert.equal(done.status, "done", String(done.error));
      const r = done.result as MasterJobResult;
      assert.equal(r.sourceVersionId, mix.id);
      const v = (await listVersions(s, artist, songId)).find((x) => x.id === r.versionId);
      assert.ok(v);
      assert.equal(v.kind, "master");
      assert.equal(v.label, "master v1 (apple)");
      await assert.rejects(startMaster(s, mastering_engineer, { versionId: v.id, target: "apple" }), {
        message: /^versionId: .* is a master/,
      });
      // Measured here, on the stored master, with the engine's Analyzer.
      const m = await readWholeFile((s.blobs as BlobStore).pathOf(v.blobSha256 as string), {
        maxFrames: 1e7,
      });
      const an = new Analyzer({ sampleRate: m.info.sampleRate, channels: m.info.channels });
      an.process(m.channels, m.channels[0].length);
      const rep = an.finish();
      assert.ok(Math.abs(rep.integratedLufs - -16) <= 0.5, `integrated ${rep.integratedLufs} LUFS`);
      assert.ok(rep.truePeakDbtp <= -1, `true peak ${rep.truePeakDbtp} dBTP`);
      ctx.diagnostic(
        `master (apple −16 LUFS / −1 dBTP): ${stripNum(rep.integratedLufs)} LUFS, ${stripNum(rep.truePeakDbtp)} dBTP; refused spotify: ${refused.error}`,
      );
      assert.ok(Math.abs((v.integratedLufs as number) - rep.integratedLufs) < 0.05);
      const stored = (await getVersionReport(s, artist, v.id)).report as MasterJobResult;
      assert.equal(stored.report.target.lufs, -16);
      assert.equal(stored.report.target.ceilingDbtp, -1);
      assert.ok(stored.report.before.integratedLufs < stored.report.after.integratedLufs - 1);
      assert.ok(["pass", "warn", "fail"].includes(stored.qc.verdict));
      assert.ok(stored.qc.checks.some((c) => c.id === "loudness"));
    });

    test("cancel: a queued render never runs, a running one is stopped; neither adds a version", async () => {
      const { producer, engineer } = team.actors;
      const before = (await listVersions(s, producer, songId)).length;
      const blocker = await submitJob(s, producer, team.projectId, { kind: "wait", input: { seconds: 30 } });
      await until("the blocker to run", async () => (await readJob(s.db, blocker.id))?.status === "running");
      const queued = await startRender(s, engineer, songId, {});
      assert.equal((await cancelJob(s, engineer, queued.id)).status, "cancelled");
      await cancelJob(s, producer, blocker.id);
      // 20 minutes of timeline: far longer than it takes to see it running and cancel it.
      const long = await startRender(s, engineer, songId, { end: 1200 });
      await until("the long render to run", async () => queue.threadOf(long.id));
      assert.equal((await cancelJob(s, engineer, long.id)).status, "cancelled");
      await queue.idle();
      for (const j of [queued, long]) {
        const now = await getJob(s, engineer, j.id);
        assert.equal(now.status, "cancelled");
        assert.equal(now.result, null);
      }
      assert.equal((await listVersions(s, producer, songId)).length, before);
    });
  });
}

describe("render through pg-boss with a worker (PostgreSQL)", () => {
  let t: TestStudio;
  let s: Studio;
  let team: TeamFixture;
  let dir: string;
  let queue: PgBossQueue;
  let worker: { stop(): Promise<void> };
  const outcomes = new Map<string, string>();
  before(async () => {
    t = await openTestStudio("postgres");
    dir = await mkdtemp(join(tmpdir(), "cr-render-boss-"));
    const boss = {
      databaseUrl: TEST_DATABASE_URL,
      schema: `${t.schema}_boss`,
      maintenanceIntervalSeconds: 1,
    };
    queue = await PgBossQueue.start(boss);
    // The worker shares the blob folder, as `controlroom worker` processes share the data folder.
    worker = await startPgBossWorker({
      ...boss,
      db: t.studio.db,
      blobRoot: join(dir, "blobs"),
      onJob: (id, outcome) => outcomes.set(id, outcome),
    });
    s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
    team = await seedTeam(s);
  });
  after(async () => {
    await worker.stop();
    await queue.close();
    await t.studio.db.schema.dropSchema(`${t.schema}_boss`).ifExists().cascade().execute();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test("a render runs on the worker; a cancelled running render stops early and adds nothing", async () => {
    const { producer, engineer } = team.actors;
    const x = sine(440, 0.5, 2);
    const path = join(dir, "x.wav");
    const w = await createAudioWriter(path, { sampleRate: SR, channels: 1, bitDepth: 32 });
    await w.write([x], x.length);
    await w.close();
    const sha = (await uploadAudio(s, engineer, team.projectId, createReadStream(path))).sha256;
    const songId = (await createSong(s, producer, team.projectId, { title: "Boss" })).id;
    await putSongSession(s, engineer, songId, {
      session: {
        version: 2,
        sampleRate: SR,
        audio: { x: { sha256: sha, path: "x.wav", sampleRate: SR, channels: 1, frames: x.length } },
        tracks: [
          { id: "x", channels: 1, takes: [{ id: "t", clips: [{ audio: "x", start: 0, length: 2 }] }] },
        ],
      },
    });
    const settle = (id: string) =>
      until("the job to end", async () => {
        const j = await readJob(s.db, id);
        return j && !["queued", "running"].includes(j.status) && outcomes.has(id) && j;
      });
    const job = await startRender(s, engineer, songId, { bits: 32 });
    const done = await settle(job.id);
    assert.equal(done.status, "done", String(done.error));
    const r = done.result as RenderJobResult;
    const mix = await readWholeFile((s.blobs as BlobStore).pathOf(r.mix.sha256), { maxFrames: 1e7 });
    // Mono at centre: cos(π/4) on both sides.
    let maxErr = 0;
    for (let i = 0; i < x.length; i++)
      maxErr = Math.max(maxErr, Math.abs(mix.channels[1][i] - x[i] * Math.SQRT1_2));
    assert.ok(maxErr < 1e-6, `max sample error ${maxErr}`);
    assert.equal((await listVersions(s, producer, songId)).filter((v) => v.id === r.versionId).length, 1);

    // 20 minutes of timeline through a reverb (silence into a bare track is skipped, and would render in no
    // time): the worker hears of the cancel through its progress reports and stops.
    await putSongSession(s, engineer, songId, {
      version: (await getSongSession(s, engineer, songId)).version,
      session: {
        version: 2,
        sampleRate: SR,
        audio: { x: { sha256: sha, path: "x.wav", sampleRate: SR, channels: 1, frames: x.length } },
        tracks: [
          {
            id: "x",
            channels: 1,
            inserts: [{ type: "reverb", preset: "hall" }],
            takes: [{ id: "t", clips: [{ audio: "x", start: 0, length: 2 }] }],
          },
        ],
      },
    });
    const long = await startRender(s, engineer, songId, { end: 1200 });
    await until(
      "the long render to report progress",
      async () => ((await readJob(s.db, long.id))?.progress ?? 0) > 0,
    );
    assert.equal((await cancelJob(s, engineer, long.id)).status, "cancelled");
    const ended = await settle(long.id);
    assert.equal(ended.status, "cancelled");
    assert.equal(outcomes.get(long.id), "failed: cancelled; no output written");
    assert.equal((await listVersions(s, producer, songId)).length, 1);
  });
});
