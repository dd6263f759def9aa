import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FFT } from "../../core/fft.ts";
import { Crossover } from "../eq/crossover.ts";
import { compressorCurve } from "./gain-computer.ts";
import { Multiband } from "./multiband.ts";
import {
  assertFinite,
  assertProcessorBasics,
  garbage,
  noise,
  renderBlocks,
  rmsDb,
  sine,
} from "./test-signals.test.ts";

const fs = 48000;
const stereo = { sampleRate: fs, channels: 2 };
const mono = { sampleRate: fs, channels: 1 };

/** Magnitude spectrum in dB of x (length a power of two), bins 1 … N/2 − 1. */
function magnitudeDb(x: ArrayLike<number>, n: number): Float64Array {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < Math.min(n, x.length); i++) re[i] = x[i];
  new FFT(n).forward(re, im);
  const out = new Float64Array(n / 2);
  for (let k = 1; k < n / 2; k++) out[k] = 10 * Math.log10(re[k] * re[k] + im[k] * im[k]);
  return out;
}

describe("crossover", () => {
  test("bands sum to an all-pass: impulse → FFT flat within ±0.05 dB (measured ~1e-9)", () => {
    for (const freqs of [[1000], [120, 2000, 8000], [60, 250, 1000, 4000, 12000]]) {
      const x = new Crossover(mono, freqs, 24);
      const n = 1 << 15;
      const imp = new Float32Array(n);
      imp[0] = 1;
      const bands = Array.from({ length: x.bands }, () => new Float64Array(n));
      x.process(
        [imp],
        bands.map((b) => [b]),
        n,
      );
      const sum = new Float64Array(n);
      for (const b of bands) for (let i = 0; i < n; i++) sum[i] += b[i];
      const mag = magnitudeDb(sum, n);
      let worst = 0;
      for (let k = 1; k < n / 2; k++) worst = Math.max(worst, Math.abs(mag[k]));
      assert.ok(worst < 0.05, `${freqs}: ${worst} dB`);
      assert.ok(worst < 1e-6, `${freqs}: exact in float64, ${worst} dB`);
    }
  });

  test("each band follows the LR4 design: −6 dB at its crossovers, 24 dB/oct outside", () => {
    const freqs = [200, 2000];
    const x = new Crossover(mono, freqs, 24);
    const n = 1 << 15;
    const imp = new Float32Array(n);
    imp[0] = 1;
    const bands = Array.from({ length: 3 }, () => new Float64Array(n));
    x.process(
      [imp],
      bands.map((b) => [b]),
      n,
    );
    for (let b = 0; b < 3; b++) {
      const mag = magnitudeDb(bands[b], n);
      for (const f of [50, 100, 200, 400, 1000, 2000, 4000, 8000]) {
        const k = Math.round((f * n) / fs);
        const want = 20 * Math.log10(x.bandResponse(b, (k * fs) / n).magnitude);
        assert.ok(
          Math.abs(mag[k] - want) < 0.01 || want < -100,
          `band ${b} at ${f} Hz: ${mag[k]} vs ${want}`,
        );
      }
    }
    // Design values: −6.02 dB at the crossover, a further 24 dB one octave away on the stop side.
    assert.ok(Math.abs(20 * Math.log10(x.bandResponse(0, 200).magnitude) + 6.02) < 0.01);
    assert.ok(Math.abs(20 * Math.log10(x.bandResponse(1, 2000).magnitude) + 6.02) < 0.05);
    const oct = 20 * Math.log10(x.bandResponse(0, 1600).magnitude / x.bandResponse(0, 800).magnitude);
    assert.ok(Math.abs(oct + 24) < 0.5, `slope ${oct} dB/oct`);
    assert.throws(() => new Crossover(mono, [2000, 1000], 24), /must be above the previous frequency/);
  });
});

describe("multiband", () => {
  test("with ratio 1 in every band the output is flat in magnitude (impulse → FFT, ±0.05 dB)", () => {
    const p = new Multiband(mono, {
      crossovers: [120, 2000, 8000],
      bands: [{ ratio: 1 }, { ratio: 1 }, { ratio: 1 }, { ratio: 1 }],
    });
    const n = 1 << 15;
    const imp = new Float32Array(n);
    imp[0] = 1;
    const [y] = renderBlocks(p, [imp], [512]);
    const mag = magnitudeDb(y, n);
    let worst = 0;
    for (let k = 1; k < n / 2; k++) worst = Math.max(worst, Math.abs(mag[k]));
    assert.ok(worst < 0.05, `${worst} dB`);
    // Quiet material below every threshold passes flat as well (default ratios, −40 dB noise).
    const q = new Multiband(mono);
    const x = noise(n, 4, 0.01);
    const [z] = renderBlocks(q, [x], [512]);
    assert.ok(Math.abs(rmsDb(z) - rmsDb(x)) < 0.01);
  });

  test("a band compresses only its own range: 490 Hz follows the band-2 curve, 10 kHz is untouched", () => {
    const params = {
      detection: "rms" as const,
      rmsMs: 50,
      crossovers: [120, 2000, 8000],
      bands: [
        { ratio: 1 },
        { thresholdDb: -30, ratio: 4, kneeDb: 0, attackMs: 5, releaseMs: 100 },
        { ratio: 1 },
        { ratio: 1 },
      ],
    };
    const n = fs;
    const a = 0.5;
    const x = sine(n, 490, fs, a);
    const [y1] = renderBlocks(new Multiband(mono, params), [x], [512]);
    // Band 2 carries 490 Hz at −0.06 dB, bands 1 and 3 leak −49 dB each, which is not small next to a band
    // compressed by 15 dB: the expected output sums the bands' exact complex responses.
    const inDb = rmsDb(x, n / 2, n);
    const xo = new Crossover(mono, params.crossovers, 24);
    const r = [0, 1, 2, 3].map((b) => xo.bandResponse(b, 490));
    const b2Db = inDb + 20 * Math.log10(r[1].magnitude);
    const g = 10 ** ((compressorCurve(b2Db, -30, 4, 0) - b2Db) / 20);
    let re = 0;
    let im = 0;
    r.forEach((h, b) => {
      const k = b === 1 ? g : 1;
      re += k * h.magnitude * Math.cos(h.phase);
      im += k * h.magnitude * Math.sin(h.phase);
    });
    const want = inDb + 20 * Math.log10(Math.hypot(re, im));
    const got = rmsDb(y1, n / 2, n);
    assert.ok(Math.abs(got - want) < 0.1, `490 Hz: ${got} dB vs ${want}`);
    const x10 = sine(n, 10000, fs, a);
    const [y10] = renderBlocks(new Multiband(mono, params), [x10], [512]);
    assert.ok(Math.abs(rmsDb(y10, n / 2, n) - rmsDb(x10, n / 2, n)) < 0.1);
  });

  test("silence exact, garbage finite; block sizes 1, 13, 128, 4096 identical; bypass; JSON; errors", () => {
    const p = new Multiband(stereo);
    const z = renderBlocks(p, [new Float32Array(fs), new Float32Array(fs)], [480]);
    for (const c of z) for (const v of c) assert.equal(v, 0);
    assertFinite(renderBlocks(new Multiband(stereo), [garbage(4800), noise(4800, 3)], [256]), "garbage");
    const input = [noise(20000, 1, 0.7), noise(20000, 2, 0.3)];
    const opts = {
      crossovers: [200, 3000],
      bands: [{ thresholdDb: -30, ratio: 3 }, { thresholdDb: -20, ratio: 5, attackMs: 1 }, { makeupDb: 2 }],
      outputDb: -1,
    };
    assertProcessorBasics((p) => new Multiband(stereo, p), opts, input);
    assert.throws(
      () => new Multiband(stereo, { crossovers: [200, 3000] }),
      /multiband\.bands: needs 3 bands for 2 crossovers, got 4/,
    );
    assert.throws(
      () => new Multiband(stereo, { crossovers: [3000, 200], bands: [{}, {}, {}] }),
      /multiband\.crossovers\[1\]: must be above the previous crossover/,
    );
    assert.throws(
      () => new Multiband(stereo, { crossovers: [200], bands: [{}, { ratio: 0 }] }),
      /multiband\.bands\[1\]\.ratio: must be between 1 and 100/,
    );
    assert.throws(
      () => new Multiband(stereo, { crossovers: [200], bands: [{}, { gain: 1 } as never] }),
      /multiband\.bands\[1\]\.gain: unknown band field/,
    );
    assert.throws(
      () => new Multiband({ sampleRate: 22050, channels: 1 }, { crossovers: [12000], bands: [{}, {}] }),
      /multiband\.crossovers\[0\]: must be below 9922\.5 Hz/,
    );
    const q = new Multiband(stereo, opts);
    assert.throws(() => q.setParams({ crossovers: [100] }), /needs 2 bands/);
    assert.deepEqual(q.getParams().crossovers, [200, 3000], "a rejected change leaves the parameters alone");
  });
});
