/**
 * `detectFile` in chunks (small ones, so the test is fast) against the whole-file detection of the same file,
 * WAV and FLAC (which cannot seek back cheaply: the chunks' margins are kept, not read again).
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { detectProblems } from "@controlroom/engine/repair/detect.ts";
import { ChunkedDetection } from "@controlroom/engine/repair/detect-chunked.ts";
import { sungSignal } from "@controlroom/engine/repair/test-signal.test.ts";
import { readWholeFile } from "../files/open.ts";
import { createAudioWriter } from "../files/write.ts";
import { detectFile } from "./detect-file.ts";

const RATE = 16000;
const SECONDS = 45;
const CHUNK_SECONDS = 8;

describe("detectFile in chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-detect-"));
  const files = [join(dir, "take.wav"), join(dir, "take.flac")];
  const clicks: number[] = [];
  before(async () => {
    const n = SECONDS * RATE;
    const x = new Float32Array(n);
    for (let at = 0, seed = 1; at < n; seed++) {
      const phrase = sungSignal(RATE, 4, seed);
      x.set(phrase.subarray(0, Math.min(phrase.length, n - at)), at);
      at += phrase.length;
    }
    const { chunkFrames } = new ChunkedDetection(RATE, 2, { chunkSeconds: CHUNK_SECONDS });
    // Clicks on, just before and just after every chunk edge; hum and DC throughout.
    for (let edge = chunkFrames; edge < n - 1000; edge += chunkFrames) clicks.push(edge - 2, edge + 401);
    for (const p of clicks) x[p] += 0.3;
    for (let i = 0; i < n; i++) x[i] += 0.03 * Math.sin((2 * Math.PI * 50 * i) / RATE) + 0.005;
    const y = x.map((v) => -0.7 * v);
    for (const path of files) {
      const w = await createAudioWriter(path, {
        sampleRate: RATE,
        channels: 2,
        bitDepth: 24,
        dither: "none",
      });
      await w.write([x, y]);
      await w.close();
    }
  });

  for (const [k, name] of ["WAV", "FLAC"].entries()) {
    it(`reports on a ${name} file what the whole-file detection does`, async () => {
      const file = files[k];
      const fractions: number[] = [];
      const parts = await detectFile(file, {
        chunkSeconds: CHUNK_SECONDS,
        onProgress: (f) => fractions.push(f),
      });
      const { info, channels } = await readWholeFile(file, { maxFrames: SECONDS * RATE });
      const whole = detectProblems(channels, info.sampleRate);
      for (const p of clicks)
        for (const c of [0, 1])
          assert.equal(
            parts.clicks.events.filter((e) => e.channel === c && e.start <= p && e.start + e.length > p)
              .length,
            1,
            `click at ${p} ch ${c}`,
          );
      assert.deepEqual(parts.clicks, whole.clicks);
      assert.deepEqual(parts.clipping, whole.clipping);
      assert.deepEqual(parts.hum, whole.hum);
      assert.deepEqual(parts.dc, whole.dc);
      assert.ok(Math.abs(parts.noise.floorDb - whole.noise.floorDb) < 1e-9);
      assert.deepEqual(parts.summary, whole.summary);
      assert.ok(fractions.length > 5 && fractions.every((f, i) => i === 0 || f >= fractions[i - 1]));
      assert.equal(fractions.at(-1), 1);
    });
  }

  it("scans a file that fits in one chunk whole", async () => {
    const parts = await detectFile(files[0]);
    const { info, channels } = await readWholeFile(files[0], { maxFrames: SECONDS * RATE });
    assert.deepEqual(parts, { input: files[0], ...detectProblems(channels, info.sampleRate) });
  });
});
