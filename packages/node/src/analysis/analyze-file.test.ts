/**
 * The parallel analysis (two workers, measurements and true-peak channels split between them) must give
 * the very report the one-thread analysis gives, on material where each part of the work is costly.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ffmpeg, tempFolder } from "../files/test-support.ts";
import { AnalysisPool, analyzeFile } from "./analyze-file.ts";

describe("analyzeFile", () => {
  const tmp = tempFolder("analyze");
  after(() => tmp.remove());
  for (const channels of [2, 3]) {
    it(`two workers equal one thread to the last bit (${channels} channels of noise, a sweep, a clipped tone)`, async () => {
      const path = tmp.path(`dense-${channels}.wav`);
      // Dense material, where true peak is interpolated nearly everywhere; channels differ.
      const mono = "aformat=sample_fmts=dbl:channel_layouts=mono";
      const gains = Array.from({ length: channels }, (_, c) => `c${c}=${1 - 0.1 * c}*c0`).join("|");
      const graph = [
        `anoisesrc=d=3:c=white:r=48000:a=0.7,${mono}[n]`,
        `aevalsrc=0.9*sin(2*PI*(20+3000*t)*t):d=3:s=48000,${mono}[w]`,
        `aevalsrc=max(-0.8\\,min(0.8\\,3*sin(2*PI*997*t))):d=3:s=48000,${mono}[t]`,
        `[n][w][t]concat=n=3:v=0:a=1,pan=${channels}c|${gains}`,
      ].join(";");
      ffmpeg(["-filter_complex", graph, "-c:a", "pcm_s24le", path]);
      const one = await analyzeFile(path, { parallel: false, blockFrames: 30000 });
      const two = await analyzeFile(path, { parallel: true, blockFrames: 30000 });
      assert.equal(one.info.channels, channels);
      assert.deepEqual(two.report, one.report);
      assert.ok(one.report.truePeakDbtp > one.report.samplePeakDbfs, "interpolated peaks above the samples");
    });
  }
  it("one pool of workers serves file after file, the same reports as one thread, and recovers from a failure", async () => {
    const a = tmp.path("pool-a.wav");
    const b = tmp.path("pool-b.wav");
    const bad = tmp.path("pool-4k.wav");
    ffmpeg(["-f", "lavfi", "-i", "anoisesrc=d=25:c=pink:r=48000:a=0.5", "-ac", "2", "-c:a", "pcm_s24le", a]);
    ffmpeg(["-f", "lavfi", "-i", "sine=f=997:d=22:r=44100", "-ac", "3", "-c:a", "pcm_s16le", b]);
    // 4 kHz: the file opens, but the workers' Analyzer refuses the rate (8 kHz at least).
    ffmpeg(["-f", "lavfi", "-i", "sine=f=300:d=30:r=4000", "-c:a", "pcm_s16le", bad]);
    const pool = new AnalysisPool();
    try {
      const first = await analyzeFile(a, { pool, parallel: true });
      await assert.rejects(analyzeFile(bad, { pool, parallel: true }), /sampleRate/);
      const second = await analyzeFile(b, { pool, parallel: true });
      const again = await analyzeFile(a, { pool, parallel: true });
      assert.deepEqual(first.report, (await analyzeFile(a, { parallel: false })).report);
      assert.deepEqual(second.report, (await analyzeFile(b, { parallel: false })).report);
      assert.deepEqual(again.report, first.report);
    } finally {
      await pool.close();
    }
  });
});
