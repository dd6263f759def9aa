import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Biquad, designBiquad } from "../../core/biquad.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
} from "./harness.test.ts";
import { Reverb, type ReverbParams, type ReverbPreset } from "./reverb.ts";

const fs = 48000;

/** Impulse response (wet only, no predelay), left and right. */
function impulseResponse(params: Partial<ReverbParams>, seconds: number, rate = fs): Float32Array[] {
  const p = new Reverb({ sampleRate: rate, channels: 1 }, { mix: 1, predelayMs: 0, ...params });
  const x = new Float32Array(Math.round(seconds * rate));
  x[0] = 1;
  return renderBlocks(p, [x], [4096]);
}

/** Octave band around `freq`: two cascaded band-pass sections (Q √2 ≈ one octave). */
function octave(x: Float32Array, freq: number, rate = fs): Float32Array {
  const c = designBiquad("bandpass", rate, freq, Math.SQRT2);
  const y = new Float32Array(x.length);
  new Biquad(c).process(x, y);
  new Biquad(c).process(y, y);
  return y;
}

/**
 * Reverberation time from the Schroeder backward-integrated energy decay curve: a least-squares line
 * through −5 … −35 dB (T30), extrapolated to 60 dB.
 */
export function t30(x: Float32Array, rate = fs): number {
  const n = x.length;
  const edc = new Float64Array(n);
  let acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    acc += x[i] * x[i];
    edc[i] = acc;
  }
  const db = (i: number) => 10 * Math.log10(edc[i] / edc[0]);
  let a = 0;
  while (db(a) > -5) a++;
  let b = a;
  while (db(b) > -35) b++;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let m = 0;
  for (let i = a; i <= b; i++) {
    const t = i / rate;
    const y = db(i);
    sx += t;
    sy += y;
    sxx += t * t;
    sxy += t * y;
    m++;
  }
  const slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  return -60 / slope;
}

function sum(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}

describe("reverb", () => {
  test("RT60 (T30 at 1 kHz, Schroeder) matches decayS within 10% for every preset", () => {
    const lines: string[] = [];
    for (const preset of ["plate", "room", "hall"] as const) {
      for (const decayS of [0.5, 1.8, 4]) {
        // −90 dB by the end: the backward integral is not bent by the cut-off in the −5 … −35 dB range.
        const [l, r] = impulseResponse({ preset, decayS }, decayS * 1.5 + 0.3);
        const t = t30(octave(sum(l, r), 1000));
        lines.push(`${preset} ${decayS} s → ${t.toFixed(3)} s`);
        assert.ok(Math.abs(t / decayS - 1) < 0.1, `${preset} decayS ${decayS}: measured ${t} s`);
      }
    }
    console.log(`RT60 at 1 kHz: ${lines.join("; ")}`);
  });

  test("RT60 holds at other sizes; damping 0 gives the same time broadband; damping shortens the highs", () => {
    const lines: string[] = [];
    const cases: [ReverbPreset, number][] = [
      ["plate", 0.5],
      ["plate", 2],
      ["hall", 2],
      ["room", 0.5],
    ];
    for (const [preset, size] of cases) {
      const [l, r] = impulseResponse({ preset, decayS: 1.8, size }, 3);
      const t = t30(octave(sum(l, r), 1000));
      lines.push(`${preset} size ${size}: ${t.toFixed(3)} s`);
      assert.ok(Math.abs(t / 1.8 - 1) < 0.1, `${preset} size ${size}: ${t} s`);
    }
    for (const preset of ["plate", "hall"] as const) {
      const [l, r] = impulseResponse({ preset, decayS: 1.8, damping: 0 }, 3);
      const t = t30(sum(l, r));
      lines.push(`${preset} damping 0 broadband: ${t.toFixed(3)} s`);
      assert.ok(Math.abs(t / 1.8 - 1) < 0.1, `${preset} broadband ${t} s`);
      const [dl, dr] = impulseResponse({ preset, decayS: 1.8, damping: 1 }, 3);
      const hf = t30(octave(sum(dl, dr), 8000));
      lines.push(`${preset} damping 1 at 8 kHz: ${hf.toFixed(3)} s`);
      assert.ok(hf < 0.6 * 1.8, `${preset} damped highs ${hf} s`);
    }
    console.log(`RT60: ${lines.join("; ")}`);
  });

  test("sample-rate aware: the same RT60 at 44.1 and 96 kHz", () => {
    const lines: string[] = [];
    for (const rate of [44100, 96000]) {
      for (const preset of ["plate", "room", "hall"] as const) {
        const [l, r] = impulseResponse({ preset, decayS: 1.8 }, 3, rate);
        const t = t30(octave(sum(l, r), 1000, rate), rate);
        lines.push(`${preset} @${rate}: ${t.toFixed(3)} s`);
        assert.ok(Math.abs(t / 1.8 - 1) < 0.1, `${preset} at ${rate} Hz: ${t} s`);
      }
    }
    console.log(`RT60 (decayS 1.8): ${lines.join("; ")}`);
  });

  test("predelay delays the onset; mix 0 is the dry signal; width 0 is mono", () => {
    for (const preset of ["plate", "room", "hall"] as const) {
      const onset = (predelayMs: number) => {
        const [l] = impulseResponse({ preset, predelayMs }, 0.3);
        let first = 0;
        while (l[first] === 0) first++;
        return first;
      };
      const direct = onset(0);
      // The first reflection comes after the shortest path through the tank (≤ 40 ms at size 1).
      assert.ok(direct < 0.04 * fs, `${preset}: onset at ${direct}`);
      assert.equal(onset(100), direct + 4800, `${preset}: predelay 100 ms moves the onset by 4800 samples`);
      const [a, b] = impulseResponse({ preset, width: 0 }, 0.5);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-7);
    }
    const p = new Reverb({ sampleRate: fs, channels: 2 }, { mix: 0 });
    const x = [noise(5000, 1), noise(5000, 2)];
    const y = renderBlocks(p, x, [1000]);
    assert.deepEqual(y, x);
  });

  test("60 s of silence after a burst ends in exact zeros, no NaN, no denormals", () => {
    // Denormals are what stall a reverb tail on the CPU; the check is on the numbers, not on a clock, so it
    // cannot flake on a busy machine: the tail must go from audible to exact zero without ever holding a
    // subnormal value (|v| < 2^-126 and not 0) in its output.
    const SUBNORMAL = 2 ** -126;
    for (const preset of ["plate", "room", "hall"] as const) {
      const p = new Reverb({ sampleRate: fs, channels: 2 }, { preset, decayS: 4, mix: 1, damping: 0 });
      const block = 4800;
      const out = [new Float32Array(block), new Float32Array(block)];
      p.process([noise(block, 1), noise(block, 2)], out);
      const silence = [new Float32Array(block), new Float32Array(block)];
      for (let s = 0; s < 60; s++) {
        for (let b = 0; b < fs / block; b++) {
          p.process(silence, out);
          for (const o of out) {
            for (const v of o) {
              if (!Number.isFinite(v)) assert.fail(`${preset}: ${v}`);
              if (v !== 0 && Math.abs(v) < SUBNORMAL) assert.fail(`${preset}: subnormal ${v} after ${s} s`);
            }
          }
        }
      }
      for (const o of out) for (const v of o) assert.equal(v, 0, `${preset} did not reach exact zero`);
    }
  });

  test("block-size independent, bypass nulls, JSON round trip, parameter changes, clear errors", () => {
    const ctx = { sampleRate: fs, channels: 2 };
    const input = [noise(12000, 1, 0.5), noise(12000, 2, 0.5)];
    for (const preset of ["plate", "room", "hall"] as const) {
      assertBlockIndependent(() => new Reverb(ctx, { preset, mix: 0.5, predelayMs: 7 }), input);
      assertBypassNull(new Reverb(ctx, { preset }), input);
      assertInPlace(() => new Reverb(ctx, { preset, mix: 0.5 }), input);
      assertInPlace(() => new Reverb({ sampleRate: fs, channels: 1 }, { preset, mix: 0.5 }), [input[0]]);
      assertJsonRoundTrip(
        new Reverb(ctx, { preset, decayS: 3, damping: 0.7, size: 1.3, width: 0.5 }),
        (j) => new Reverb(ctx, j),
        input,
      );
    }
    // A size change glides with fractional reads, then returns to the whole-sample path: still bit-exact
    // whatever the blocks.
    const long = [noise(30000, 5, 0.5), noise(30000, 6, 0.5)];
    for (const preset of ["plate", "room", "hall"] as const) {
      const run = (a: number[], b: number[]) => {
        const p = new Reverb(ctx, { preset, mix: 1 });
        const first = renderBlocks(
          p,
          long.map((c) => c.subarray(0, 5000)),
          a,
        );
        p.setParams({ size: 1.6 });
        const second = renderBlocks(
          p,
          long.map((c) => c.subarray(5000)),
          b,
        );
        return [...first, ...second];
      };
      // The glide takes ~14 time constants of 15 ms to settle to 1e-4 sample: 25 000 samples cover it.
      const whole = run([5000], [25000]);
      const cut = run([333, 1, 64], [777, 5, 64, 1000]);
      for (let c = 0; c < whole.length; c++)
        assert.deepEqual(whole[c], cut[c], `${preset} after a size change`);
    }
    // Size, predelay and preset changes while running: finite output, no jumps bigger than the signal's.
    const p = new Reverb(ctx, { preset: "hall", mix: 1 });
    const x = [noise(48000, 3, 0.3), noise(48000, 4, 0.3)];
    const y = [new Float32Array(48000), new Float32Array(48000)];
    p.process(
      x.map((c) => c.subarray(0, 24000)),
      y.map((c) => c.subarray(0, 24000)),
    );
    p.setParams({ size: 1.7, predelayMs: 200, decayS: 3 });
    p.process(
      x.map((c) => c.subarray(24000)),
      y.map((c) => c.subarray(24000)),
    );
    for (const c of y) for (const v of c) assert.ok(Number.isFinite(v) && Math.abs(v) < 4);
    p.setParams({ preset: "plate" });
    assert.equal(p.getParams().preset, "plate");
    // A preset change crossfades: a ringing tail fades out over 50 ms instead of stopping dead.
    const q = new Reverb({ sampleRate: fs, channels: 1 }, { preset: "hall", mix: 1, predelayMs: 0 });
    const imp = new Float32Array(24000);
    imp[0] = 1;
    renderBlocks(q, [imp], [4096]);
    q.setParams({ preset: "room" });
    const after = renderBlocks(q, [new Float32Array(4800)], [100]);
    // The old tail fades out linearly over 50 ms (2400 samples): compare with the hall left alone.
    const ref = new Reverb({ sampleRate: fs, channels: 1 }, { preset: "hall", mix: 1, predelayMs: 0 });
    renderBlocks(ref, [imp], [4096]);
    const tail = renderBlocks(ref, [new Float32Array(4800)], [100]);
    for (let i = 0; i < 2400; i++) {
      const t = (2400 - i) / 2400;
      assert.ok(Math.abs(after[0][i] - t * tail[0][i]) < 1e-7, `sample ${i} of the fade`);
    }
    let late = 0;
    for (let i = 2400; i < 4800; i++) late = Math.max(late, Math.abs(after[0][i]));
    assert.equal(late, 0, "the new engine heard only silence; the old one has faded out");
    assert.throws(
      () => new Reverb(ctx, { decayS: 30 }),
      /reverb\.decayS: must be between 0\.1 and 20 s, got 30/,
    );
    assert.throws(
      () => new Reverb(ctx, { preset: "cathedral" as ReverbPreset }),
      /reverb\.preset: must be one of plate, room, hall/,
    );
    assert.throws(() => new Reverb(ctx, { predelayMs: -1 }), /reverb\.predelayMs/);
  });
});
