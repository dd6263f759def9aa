import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FFT } from "../../core/fft.ts";
import { Crossover } from "../eq/crossover.ts";
import { Deesser } from "./deesser.ts";
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
const mono = { sampleRate: fs, channels: 1 };
const stereo = { sampleRate: fs, channels: 2 };

/** Amplitude of the `freq` Hz component of x[start … start+len) (a whole number of periods). */
function toneAmp(x: Float32Array, freq: number, start: number, len: number): number {
  let re = 0;
  let im = 0;
  for (let i = start; i < start + len; i++) {
    re += x[i] * Math.cos((2 * Math.PI * freq * i) / fs);
    im += x[i] * Math.sin((2 * Math.PI * freq * i) / fs);
  }
  return (2 * Math.hypot(re, im)) / len;
}

describe("deesser", () => {
  test("a 7 kHz tone above threshold is turned down by the range; 500 Hz beside it is untouched (±0.1 dB)", () => {
    const n = fs;
    const x = sine(n, 7000, fs, 0.7);
    const low = sine(n, 500, fs, 0.3);
    const mix = x.map((v, i) => v + low[i]);
    // Measured over 0.5 … 1 s: 24 000 samples = whole periods of both tones.
    const s = n / 2;
    const len = n / 2;
    const params = { freq: 6500, thresholdDb: -30, rangeDb: 12, ratio: 4 };
    // Wide: the whole signal −12 dB (the detector sits above the range all along).
    const [w] = renderBlocks(new Deesser(mono, { ...params, mode: "wide" }), [x], [512]);
    assert.ok(
      Math.abs(rmsDb(w, s, n) - rmsDb(x, s, n) + 12) < 0.05,
      `wide ${rmsDb(w, s, n) - rmsDb(x, s, n)}`,
    );
    // Split: only the high band loses 12 dB. LR4 bands are in phase, so at 7 kHz the output is
    // |LP| + g·|HP| times the input.
    const [y] = renderBlocks(new Deesser(mono, params), [mix], [512]);
    const xo = new Crossover(mono, [6500], 24);
    const g = 10 ** (-12 / 20);
    const want = 20 * Math.log10(xo.bandResponse(0, 7000).magnitude + g * xo.bandResponse(1, 7000).magnitude);
    const got = 20 * Math.log10(toneAmp(y, 7000, s, len) / 0.7);
    assert.ok(Math.abs(got - want) < 0.1, `7 kHz: ${got} dB vs ${want}`);
    assert.ok(got < -4, `7 kHz is reduced: ${got} dB`);
    const low500 = 20 * Math.log10(toneAmp(y, 500, s, len) / 0.3);
    assert.ok(Math.abs(low500) < 0.1, `500 Hz: ${low500} dB`);
  });

  test("with no reduction the split sums flat: impulse → FFT within ±0.01 dB; loud low tones pass at level", () => {
    const n = 1 << 14;
    const imp = new Float32Array(n);
    imp[0] = 0.001;
    const [a] = renderBlocks(new Deesser(mono), [imp], [512]);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) re[i] = a[i] / 0.001;
    new FFT(n).forward(re, im);
    let worst = 0;
    for (let k = 1; k < n / 2; k++)
      worst = Math.max(worst, Math.abs(10 * Math.log10(re[k] ** 2 + im[k] ** 2)));
    assert.ok(worst < 0.01, `${worst} dB`);
    const loudLow = sine(fs / 2, 500, fs, 0.9);
    const [b] = renderBlocks(new Deesser(mono), [loudLow], [512]);
    assert.ok(Math.abs(rmsDb(b, fs / 4) - rmsDb(loudLow, fs / 4)) < 0.01);
    const [c] = renderBlocks(new Deesser(mono, { mode: "wide" }), [loudLow], [512]);
    assert.ok(Math.abs(rmsDb(c) - rmsDb(loudLow)) < 0.1);
  });

  test("silence, garbage; block sizes 1, 13, 128, 4096 identical; bypass; JSON; errors", () => {
    const z = renderBlocks(new Deesser(stereo), [new Float32Array(fs), new Float32Array(fs)], [480]);
    for (const c of z) for (const v of c) assert.equal(v, 0);
    assertFinite(renderBlocks(new Deesser(stereo), [garbage(4800), noise(4800, 3)], [256]), "garbage");
    const input = [noise(20000, 1, 0.5), noise(20000, 2, 0.05)];
    for (const opts of [{ thresholdDb: -40 }, { thresholdDb: -40, mode: "wide" as const, freq: 4000 }]) {
      assertProcessorBasics((p) => new Deesser(stereo, p), opts, input);
    }
    assert.throws(
      () => new Deesser(stereo, { freq: 500 }),
      /deesser\.freq: must be between 1000 and 16000 Hz, got 500/,
    );
    assert.throws(
      () => new Deesser(stereo, { mode: "band" as "wide" }),
      /deesser\.mode: must be one of split, wide/,
    );
  });
});
