import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { biquadResponse, designBiquad } from "../../core/biquad.ts";
import { Delay, type DelayNote, noteBeats } from "./delay.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  sine,
} from "./harness.test.ts";

const fs = 48000;

function impulse(n: number): Float32Array {
  const x = new Float32Array(n);
  x[0] = 1;
  return x;
}

function run(p: Delay, input: Float32Array[]): Float32Array[] {
  const out = Array.from({ length: p.outputChannels }, () => new Float32Array(input[0].length));
  p.process(input, out);
  return out;
}

describe("delay", () => {
  test("echoes at the delay time, each `feedback` quieter; mono in gives stereo out", () => {
    const p = new Delay({ sampleRate: fs, channels: 1 }, { timeMs: 10, feedback: 0.5, mix: 1 });
    assert.equal(p.outputChannels, 2);
    const [l, r] = run(p, [impulse(2000)]);
    for (const [i, v] of [
      [480, 1],
      [960, 0.5],
      [1440, 0.25],
    ]) {
      assert.ok(Math.abs(l[i] - v) < 1e-7, `sample ${i}: ${l[i]}`);
      assert.equal(r[i], l[i]);
    }
    let other = 0;
    for (let i = 0; i < 2000; i++) if (i % 480 !== 0) other = Math.max(other, Math.abs(l[i]));
    assert.ok(other < 1e-7, `energy between echoes ${other}`);
  });

  test("a whole-sample delay at rest equals the feedback recursion written out, bit for bit (in place too)", () => {
    const n = 30000;
    const x = noise(n, 7, 0.5);
    const d = 480; // 10 ms
    const fb = 0.4;
    const mix = 0.3;
    // Reference: w[i] = x[i] + fb·w[i − d] stored as float32, y = (1 − mix)·x + mix·w[i − d].
    const w = new Float32Array(n);
    const want = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const e = i >= d ? w[i - d] : 0;
      w[i] = x[i] + fb * e;
      want[i] = (1 - mix) * x[i] + mix * e;
    }
    const p = new Delay({ sampleRate: fs, channels: 1 }, { timeMs: 10, feedback: fb, mix });
    const inPlace = x.slice();
    const right = new Float32Array(n);
    for (let at = 0; at < n; at += 4096) {
      const m = Math.min(4096, n - at);
      const io = inPlace.subarray(at, at + m);
      p.process([io], [io, right.subarray(at, at + m)], m);
    }
    assert.deepEqual(inPlace, want);
    assert.deepEqual(right, want);
  });

  test("fractional delay: a sine comes out delayed by the exact (non-integer) time", () => {
    const dSamples = 480.37;
    const p = new Delay(
      { sampleRate: fs, channels: 1 },
      { timeMs: (dSamples / fs) * 1000, feedback: 0, mix: 1 },
    );
    const f = 1000;
    const [y] = run(p, [sine(4000, f, fs, 0.5)]);
    let err = 0;
    for (let i = 1000; i < 4000; i++) {
      err = Math.max(err, Math.abs(y[i] - 0.5 * Math.sin((2 * Math.PI * f * (i - dSamples)) / fs)));
    }
    assert.ok(err < 2e-4, `error ${err}`);
  });

  test("tempo sync: note at bpm overrides timeMs", () => {
    const cases: [DelayNote, number][] = [
      ["1/4", 1],
      ["1/8", 0.5],
      ["1/8d", 0.75],
      ["1/4t", 2 / 3],
      ["1/16", 0.25],
      ["1/1", 4],
    ];
    for (const [n, beats] of cases) assert.ok(Math.abs(noteBeats(n) - beats) < 1e-12, n);
    const p = new Delay({ sampleRate: fs, channels: 1 }, { timeMs: 100, note: "1/8d", bpm: 120, mix: 1 });
    assert.equal(p.effectiveTimeMs, 375);
    const [y] = run(p, [impulse(20000)]);
    assert.ok(Math.abs(y[18000] - 1) < 1e-7);
    p.setParams({ note: "off" });
    assert.equal(p.effectiveTimeMs, 100);
    const slow = new Delay({ sampleRate: fs, channels: 1 }, { note: "1/1", bpm: 20 });
    assert.equal(slow.effectiveTimeMs, 5000, "limited to 5 s");
  });

  test("ping-pong: echoes alternate left, right, left", () => {
    const p = new Delay(
      { sampleRate: fs, channels: 2 },
      { timeMs: 10, feedback: 0.5, mix: 1, pingPong: true },
    );
    const x = impulse(2000);
    const [l, r] = run(p, [x, x]);
    assert.ok(Math.abs(l[480] - 1) < 1e-7 && r[480] === 0);
    assert.ok(Math.abs(r[960] - 0.5) < 1e-7 && l[960] === 0);
    assert.ok(Math.abs(l[1440] - 0.25) < 1e-7 && r[1440] === 0);
  });

  test("feedback filters shape each repeat as designed", () => {
    const p = new Delay(
      { sampleRate: fs, channels: 1 },
      { timeMs: 50, feedback: 0.8, mix: 1, highCutHz: 3000, lowCutHz: 200 },
    );
    const T = 2400;
    const [y] = run(p, [impulse(2 * T + T)]);
    // The second echo is 0.8 · (high-pass ∘ low-pass) impulse response; compare its spectrum with the design.
    const lp = designBiquad("lowpass", fs, 3000, Math.SQRT1_2);
    const hp = designBiquad("highpass", fs, 200, Math.SQRT1_2);
    for (const f of [100, 500, 1000, 3000, 8000]) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < T; i++) {
        re += y[2 * T + i] * Math.cos((2 * Math.PI * f * i) / fs);
        im -= y[2 * T + i] * Math.sin((2 * Math.PI * f * i) / fs);
      }
      const want = 0.8 * biquadResponse(lp, f, fs).magnitude * biquadResponse(hp, f, fs).magnitude;
      const got = Math.hypot(re, im);
      assert.ok(Math.abs(20 * Math.log10(got / want)) < 0.1, `${f} Hz: ${got} vs ${want}`);
    }
  });

  test("time changes glide without clicks and settle at the new time", () => {
    const p = new Delay({ sampleRate: fs, channels: 1 }, { timeMs: 100, feedback: 0, mix: 1 });
    const n = fs;
    const x = sine(3 * n, 440, fs, 0.5);
    const y = new Float32Array(3 * n);
    const y2 = new Float32Array(3 * n);
    p.process([x.subarray(0, n)], [y.subarray(0, n), y2.subarray(0, n)]);
    p.setParams({ timeMs: 300 });
    p.process([x.subarray(n)], [y.subarray(n), y2.subarray(n)]);
    // A 440 Hz sine at 0.5 changes by ≤ 0.029 per sample; a glide at ≤ 1.5× speed by ≤ 0.044. A jump would be ~1.
    let step = 0;
    for (let i = n / 2; i < 3 * n; i++) step = Math.max(step, Math.abs(y[i] - y[i - 1]));
    assert.ok(step < 0.045, `largest step ${step}`);
    for (let i = 2 * n; i < 3 * n; i++) {
      assert.ok(Math.abs(y[i] - x[i - 14400]) < 1e-4, `settled at 300 ms (sample ${i})`);
    }
  });

  test("silence after a burst decays to exact zero, without NaN", () => {
    const p = new Delay(
      { sampleRate: fs, channels: 2 },
      { timeMs: 100, feedback: 0.5, mix: 1, highCutHz: 5000, lowCutHz: 100, pingPong: true },
    );
    const block = 4800;
    const l = noise(block, 9);
    const r = noise(block, 10);
    const out = [new Float32Array(block), new Float32Array(block)];
    p.process([l, r], out);
    l.fill(0);
    r.fill(0);
    for (let b = 0; b < (60 * fs) / block; b++) {
      p.process([l, r], out);
      for (const o of out) for (const v of o) assert.ok(Number.isFinite(v));
    }
    for (const o of out) for (const v of o) assert.equal(v, 0);
  });

  test("block-size independent, bypass nulls, JSON round trip, clear errors", () => {
    const ctx = { sampleRate: fs, channels: 2 };
    const input = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];
    const opts = { timeMs: 37.3, feedback: 0.7, mix: 0.5, highCutHz: 6000, lowCutHz: 150 };
    assertBlockIndependent(() => new Delay(ctx, opts), input);
    assertBlockIndependent(() => new Delay(ctx, { ...opts, pingPong: true }), input);
    assertBlockIndependent(() => new Delay({ sampleRate: fs, channels: 1 }, opts), [input[0]]);
    assertBypassNull(new Delay(ctx, opts), input);
    assertInPlace(() => new Delay(ctx, { ...opts, pingPong: true }), input);
    assertInPlace(() => new Delay({ sampleRate: fs, channels: 1 }, opts), [input[0]]);
    assertJsonRoundTrip(
      new Delay(ctx, { ...opts, note: "1/16t", bpm: 140 }),
      (j) => new Delay(ctx, j),
      input,
    );
    assert.throws(
      () => new Delay(ctx, { feedback: 1.2 }),
      /delay\.feedback: must be between 0 and 0\.98, got 1\.2/,
    );
    assert.throws(
      () => new Delay(ctx, { note: "1/5" as DelayNote }),
      /delay\.note: must be one of off, 1\/1/,
    );
    assert.throws(() => new Delay(ctx, { pingPong: "yes" as unknown as boolean }), /delay\.pingPong/);
  });
});
