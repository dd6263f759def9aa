import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { noise, sine } from "../space/harness.test.ts";
import { Crossover, type CrossoverSlope } from "./crossover.ts";
import { cascadeResponse, linkwitzRileyAllpassSections, linkwitzRileySections } from "./design.ts";
import { cascadeMagnitude } from "./linear-phase.ts";
import { spectrum, toDb } from "./measure.test.ts";

const N = 1 << 16;

function split(x: Crossover, input: Float32Array[], sizes: number[]): Float32Array[][] {
  const n = input[0].length;
  const out = Array.from({ length: x.bands }, () =>
    Array.from({ length: x.channels }, () => new Float32Array(n)),
  );
  let pos = 0;
  let k = 0;
  while (pos < n) {
    const len = Math.min(sizes[k++ % sizes.length], n - pos);
    x.process(
      input.map((c) => c.subarray(pos, pos + len)),
      out.map((b) => b.map((c) => c.subarray(pos, pos + len))),
      len,
    );
    pos += len;
  }
  return out;
}

describe("crossover", () => {
  for (const fs of [44100, 48000, 96000]) {
    test(`bands sum flat (±0.01 dB) to the allpass product, each band −6 dB at its edges, ${fs} Hz`, () => {
      for (const slope of [12, 24, 48] as CrossoverSlope[]) {
        for (const freqs of [[1000], [120, 2500], [80, 400, 2000, 8000]]) {
          const x = new Crossover({ sampleRate: fs, channels: 1 }, freqs, slope);
          const imp = new Float32Array(N);
          imp[0] = 1;
          const bands = split(x, [imp], [N]);
          const sum = new Float64Array(N);
          for (const b of bands) for (let i = 0; i < N; i++) sum[i] += b[0][i];
          const { re, im } = spectrum(sum, N);
          const ap = freqs.flatMap((f) => linkwitzRileyAllpassSections(slope, fs, f));
          let worst = 0;
          let worstPhase = 0;
          for (let k = 1; k < N / 2; k += 5) {
            worst = Math.max(worst, Math.abs(toDb(Math.hypot(re[k], im[k]))));
            const want = cascadeResponse(ap, (k * fs) / N, fs).phase;
            const d = Math.atan2(im[k], re[k]) - want;
            worstPhase = Math.max(worstPhase, Math.abs(Math.atan2(Math.sin(d), Math.cos(d))));
          }
          assert.ok(worst < 0.01, `slope ${slope} ${freqs}: sum off by ${worst} dB`);
          assert.ok(worstPhase < 1e-3, `slope ${slope} ${freqs}: phase off by ${worstPhase}`);
          // Band b is −6.02 dB at its lower and upper crossover (the allpasses do not change magnitude).
          for (let b = 0; b < bands.length; b++) {
            const edges = [freqs[b - 1], freqs[b]].filter((f) => f !== undefined);
            for (const f of edges) {
              let cr = 0;
              let ci = 0;
              const h = bands[b][0];
              for (let i = 0; i < N; i++) {
                cr += h[i] * Math.cos((2 * Math.PI * f * i) / fs);
                ci -= h[i] * Math.sin((2 * Math.PI * f * i) / fs);
              }
              // Band b = highpasses of all splits below it · lowpass of its own split (allpasses are flat).
              const lp = freqs[b] !== undefined ? linkwitzRileySections("lowpass", slope, fs, freqs[b]) : [];
              const hp = freqs.slice(0, b).flatMap((g) => linkwitzRileySections("highpass", slope, fs, g));
              const want = toDb(cascadeMagnitude([...lp, ...hp], (2 * Math.PI * f) / fs));
              assert.ok(Math.abs(toDb(Math.hypot(cr, ci)) - want) < 0.01, `band ${b} at ${f} Hz`);
              if (freqs.length === 1) assert.ok(Math.abs(want + 6.0206) < 1e-3);
            }
          }
        }
      }
    });
  }

  test("block-size independent; frequency changes glide without clicks; stereo channels independent", () => {
    const fs = 48000;
    const input = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];
    const a = split(new Crossover({ sampleRate: fs, channels: 2 }, [200, 3000]), input, [20000]);
    const b = split(new Crossover({ sampleRate: fs, channels: 2 }, [200, 3000]), input, [1, 7, 64, 4096]);
    assert.deepEqual(a, b);
    const mono = split(new Crossover({ sampleRate: fs, channels: 1 }, [200, 3000]), [input[1]], [512]);
    for (let k = 0; k < 3; k++) assert.deepEqual(a[k][1], mono[k][0]);
    // Sweep the crossover under a sine: the band sum must stay smooth.
    const x = new Crossover({ sampleRate: fs, channels: 1 }, [100, 1000]);
    const s = sine(fs, 300, fs, 0.5);
    const out = [[new Float32Array(fs)], [new Float32Array(fs)], [new Float32Array(fs)]];
    const h = fs / 2;
    x.process(
      [s.subarray(0, h)],
      out.map((bnd) => [bnd[0].subarray(0, h)]),
      h,
    );
    x.setFrequencies([500, 5000]);
    x.process(
      [s.subarray(h)],
      out.map((bnd) => [bnd[0].subarray(h)]),
      h,
    );
    assert.deepEqual(x.frequencies, [500, 5000]);
    // A click is a corner: it shows in the second difference, which for the sine alone is at most
    // a·(2 sin(π f/fs))². Moving bands change gain and phase over 20 ms, which may add a little (measured ≤ 1.6×);
    // switching the filters abruptly gives 3.4×, 25× and 250× in the three bands.
    const curve = 0.5 * (2 * Math.sin((Math.PI * 300) / fs)) ** 2;
    for (const bnd of out) {
      let d = 0;
      for (let i = fs / 4; i < fs; i++)
        d = Math.max(d, Math.abs(bnd[0][i] - 2 * bnd[0][i - 1] + bnd[0][i - 2]));
      assert.ok(d < 2 * curve, `second difference ${d} vs ${curve}`);
    }
  });

  test("bad frequencies and slopes are ParamErrors naming the entry", () => {
    const ctx = { sampleRate: 48000, channels: 1 };
    const bad = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof ParamError && re.test(e.message));
    bad(
      () => new Crossover(ctx, [500, 400]),
      /crossover\.frequencies\[1\]: must be above the previous frequency 500 Hz/,
    );
    bad(() => new Crossover(ctx, [5]), /crossover\.frequencies\[0\]: must be between 10 and 21600 Hz/);
    bad(() => new Crossover(ctx, []), /crossover\.frequencies: must list 1 to 15/);
    bad(() => new Crossover(ctx, [100], 36 as CrossoverSlope), /crossover\.slope: must be 12, 24 or 48/);
    bad(() => new Crossover(ctx, [100, 200]).setFrequencies([100]), /must keep 2 frequencies/);
  });
});
