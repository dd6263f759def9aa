import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AnalysisPart, Analyzer, mergeReports } from "./analyzer.ts";

/**
 * A stereo programme that exercises every piece of the levels, phase and overview measurements: silent head,
 * noise with a DC offset, a clipped passage (plateaus on both channels), digital silence in the middle, an
 * out-of-phase stretch and a quiet tail. Deterministic (a small LCG), so a failure reproduces.
 */
function programme(sampleRate: number, seconds: number): Float32Array[] {
  const n = Math.round(sampleRate * seconds);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / n;
    if (t < 0.05) continue; // silent head
    let a = 0.3 * rand() + 0.01;
    let b = 0.25 * rand() - 0.3 * a;
    if (t > 0.3 && t < 0.35) {
      // clipped: a loud sine cut at ±0.8
      const s = 1.3 * Math.sin(i * 0.05);
      a = Math.max(-0.8, Math.min(0.8, s));
      b = Math.max(-0.8, Math.min(0.8, -0.9 * s));
    } else if (t > 0.5 && t < 0.55) {
      a = 0;
      b = 0;
    } else if (t > 0.7 && t < 0.8) b = -a;
    else if (t > 0.95) {
      a *= 1e-4;
      b *= 1e-4;
    }
    l[i] = a;
    r[i] = b;
  }
  return [l, r];
}

function run(x: Float32Array[], sampleRate: number, parts: AnalysisPart[], blocks: number[]) {
  const a = new Analyzer({
    sampleRate,
    channels: 2,
    bitDepth: 24,
    parts: Object.fromEntries(parts.map((p) => [p, true])),
  });
  for (let i = 0, b = 0; i < x[0].length; b++) {
    const n = Math.min(blocks[b % blocks.length], x[0].length - i);
    a.process(
      x.map((c) => c.subarray(i, i + n)),
      n,
    );
    i += n;
  }
  return a.finish();
}

describe("Analyzer: levels, phase and overview of a stereo block in one pass", () => {
  it("reports the same numbers, to the last bit, as the three measured one at a time", () => {
    // 8 kHz for 60 s: the overview runs out of buckets and halves twice; blocks of odd lengths cut spans,
    // phase steps and buckets everywhere.
    const fs = 8000;
    const x = programme(fs, 60);
    for (const blocks of [[65536], [1237, 7, 4800, 511], [80]]) {
      const together = run(x, fs, ["levels", "phase", "overview"], blocks);
      const apart = mergeReports(
        (["levels", "phase", "overview"] as AnalysisPart[]).map((p) => ({
          parts: [p],
          report: run(x, fs, [p], blocks),
        })),
      );
      assert.ok(together.clipRuns > 0, "the programme has clipping");
      assert.ok(together.overview.bucketSeconds > 0.01, "the overview halved");
      assert.deepEqual(
        {
          peak: together.samplePeakDbfs,
          rms: together.rmsDbfs,
          dc: together.dcOffset,
          clipped: together.clippedSamples,
          runs: together.clipPositions,
          silence: together.silence,
          correlation: together.correlation,
          worst: together.worstCorrelation,
          monoLoss: together.monoLossDb,
          overview: together.overview,
          perChannel: together.perChannel,
        },
        {
          peak: apart.samplePeakDbfs,
          rms: apart.rmsDbfs,
          dc: apart.dcOffset,
          clipped: apart.clippedSamples,
          runs: apart.clipPositions,
          silence: apart.silence,
          correlation: apart.correlation,
          worst: apart.worstCorrelation,
          monoLoss: apart.monoLossDb,
          overview: apart.overview,
          perChannel: apart.perChannel,
        },
        `blocks ${blocks.join(", ")}`,
      );
    }
  });
});
