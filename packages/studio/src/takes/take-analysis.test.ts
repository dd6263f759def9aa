/**
 * Takes are measured on the server: creating a take with a file queues an analyze job whose result stores
 * the take's integrated loudness, true peak and length, shown in the take list. Checked against the
 * analytic values of a 997 Hz sine (BS.1770: K-weighting is ≈ 0 dB there, so a sine of peak A in both
 * channels of a stereo file reads 20·log10(A) LUFS; its true peak is 20·log10(A) dBTP).
 */
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ChunkedDetection } from "@controlroom/engine/repair/detect-chunked.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { BlobStore } from "../blobs/blob-store.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import type { Studio } from "../context.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { readJob, submitJob } from "../jobs/jobs.ts";
import { createSong } from "../songs/songs.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { createTake, listTakes } from "./takes.ts";

const SR = 48000;
const SECONDS = 3;
const AMPLITUDE = 0.25;

async function settle(s: Studio, id: string) {
  for (let i = 0; i < 1200; i++) {
    const j = await readJob(s.db, id);
    if (j && !["queued", "running"].includes(j.status)) return j;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

for (const kind of DATABASES) {
  describe(`take analysis on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let dir: string;
    let queue: InProcessQueue;
    let team: TeamFixture;
    let songId: string;
    let sha: string;
    before(async () => {
      t = await openTestStudio(kind);
      dir = await mkdtemp(join(tmpdir(), "cr-take-analysis-"));
      queue = await InProcessQueue.start(t.studio.db, { blobRoot: join(dir, "blobs") });
      s = { ...t.studio, blobs: new BlobStore(join(dir, "blobs")), jobs: queue };
      team = await seedTeam(s);
      songId = (await createSong(s, team.actors.producer, team.projectId, { title: "Measured" })).id;
      const x = new Float32Array(SECONDS * SR);
      for (let i = 0; i < x.length; i++) x[i] = AMPLITUDE * Math.sin((2 * Math.PI * 997 * i) / SR);
      const path = join(dir, "take.wav");
      const w = await createAudioWriter(path, { sampleRate: SR, channels: 2, bitDepth: 32 });
      await w.write([x, x], x.length);
      await w.close();
      sha = (await uploadAudio(s, team.actors.engineer, team.projectId, createReadStream(path))).sha256;
    });
    after(async () => {
      await queue.close();
      await t.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    test("a take with a file is analysed by a queued job; the take list shows the measurements", async () => {
      const take = await createTake(s, team.actors.engineer, songId, {
        part: "keys",
        performerName: "K",
        blobSha256: sha,
      });
      assert.ok(take.analysisJobId);
      assert.equal(take.integratedLufs, null);
      const job = await settle(s, take.analysisJobId);
      assert.equal(job.status, "done", job.error ?? "");
      assert.equal(job.kind, "analyze");
      const listed = (await listTakes(s, team.actors.viewer, songId)).find((x) => x.id === take.id);
      assert.ok(listed);
      const expected = 20 * Math.log10(AMPLITUDE); // −12.04
      assert.ok(
        Math.abs((listed.integratedLufs as number) - expected) < 0.05,
        `${listed.integratedLufs} LUFS`,
      );
      assert.ok(Math.abs((listed.truePeakDbtp as number) - expected) < 0.05, `${listed.truePeakDbtp} dBTP`);
      assert.equal(listed.durationSeconds, SECONDS);
      console.log(
        `take measured: ${listed.integratedLufs} LUFS, ${listed.truePeakDbtp} dBTP (expected ${expected})`,
      );
    });

    test("a take longer than a detection chunk (the scan goes in chunks) gets its problem badges", async () => {
      // Any length is scanned since the detection works in chunks; 70 s (16 kHz mono, to keep the test quick)
      // is two chunks of a minute: every click is counted once, including one on the chunk edge.
      const rate = 16000;
      const x = new Float32Array(70 * rate);
      for (let i = 0; i < x.length; i++)
        x[i] =
          0.25 * Math.sin((2 * Math.PI * 197 * i) / rate) +
          0.1 * Math.sin((2 * Math.PI * 394 * i) / rate + 1);
      const { chunkFrames } = new ChunkedDetection(rate, 1);
      const clicks = [rate * 5, chunkFrames, chunkFrames + rate * 4, x.length - rate];
      for (const p of clicks) x[p] += 0.5;
      const path = join(dir, "long-take.wav");
      const w = await createAudioWriter(path, {
        sampleRate: rate,
        channels: 1,
        bitDepth: 24,
        dither: "none",
      });
      await w.write([x]);
      await w.close();
      const blob = (await uploadAudio(s, team.actors.engineer, team.projectId, createReadStream(path)))
        .sha256;
      const take = await createTake(s, team.actors.engineer, songId, {
        part: "live",
        performerName: "Band",
        blobSha256: blob,
      });
      assert.ok(take.analysisJobId);
      const job = await settle(s, take.analysisJobId);
      assert.equal(job.status, "done", job.error ?? "");
      const listed = (await listTakes(s, team.actors.viewer, songId)).find((t) => t.id === take.id);
      assert.equal(listed?.durationSeconds, 70);
      assert.equal(listed?.problems?.clicks, clicks.length, JSON.stringify(listed?.problems));
      assert.ok(listed?.problems?.summary.includes(`${clicks.length} clicks`));
    });

    test("a take without a file queues nothing; analyze can be asked for by take id", async () => {
      const bare = await createTake(s, team.actors.engineer, songId, { part: "vocal", performerName: "V" });
      assert.equal(bare.analysisJobId, null);
      await assert.rejects(
        submitJob(s, team.actors.engineer, team.projectId, { kind: "analyze", input: { takeId: bare.id } }),
        { status: 400, message: "input.takeId: this take has no uploaded file" },
      );
      await assert.rejects(
        submitJob(s, team.actors.engineer, team.projectId, { kind: "analyze", input: { takeId: "nope" } }),
        { status: 400 },
      );
      const withFile = (await listTakes(s, team.actors.engineer, songId)).find((x) => x.blobSha256 === sha);
      assert.ok(withFile);
      const job = await submitJob(s, team.actors.engineer, team.projectId, {
        kind: "analyze",
        input: { takeId: withFile.id },
      });
      assert.equal((await settle(s, job.id)).status, "done");
      const again = (await listTakes(s, team.actors.engineer, songId)).find((x) => x.id === withFile.id);
      assert.equal(again?.analysisJobId, job.id);
      assert.equal(again?.durationSeconds, SECONDS);
    });
  });
}
