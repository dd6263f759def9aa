import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { Compressor, type CompressorParams } from "./compressor.ts";
import { compressorCurve } from "./gain-computer.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertFinite,
  assertInPlace,
  assertJsonRoundTrip,
  constant,
  garbage,
  noise,
  renderBlocks,
  rmsDb,
  sine,
} from "./test-signals.test.ts";

const fs = 48000;
const mono = { sampleRate: fs, channels: 1 };
const stereo = { sampleRate: fs, channels: 2 };

function run(p: Compressor, input: Float32Array[]): Float32Array[] {
  return renderBlocks(p, input, [512]);
}

/** Steady-state output level (dB RMS) for a 1 kHz sine at RMS level `levelDb`. */
function sineOut(params: Partial<CompressorParams>, levelDb: number): number {
  const p = new Compressor(mono, params);
  const n = Math.round(1.5 * fs);
  const x = sine(n, 1000, fs, Math.SQRT2 * 10 ** (levelDb / 20));
  const [y] = run(p, [x]);
  return rmsDb(y, n - fs / 2, n);
}

/** Time (ms) from `start` until the gain y/x has moved `share` of the way from `from` to `to` dB. */
function crossingMs(
  x: Float32Array,
  y: Float32Array,
  start: number,
  fromDb: number,
  toDb: number,
  share: number,
): number {
  const level = fromDb + share * (toDb - fromDb);
  for (let i = start; i < x.length; i++) {
    const g = 20 * Math.log10(y[i] / x[i]);
    if (toDb < fromDb ? g <= level : g >= level) return ((i - start + 1) / fs) * 1000;
  }
  return Number.POSITIVE_INFINITY;
}

describe("compressor", () => {
  test("static curve, hard and soft knee: steady sines −60 … 0 dB RMS land on the designed curve (±0.1 dB)", () => {
    for (const kneeDb of [0, 12]) {
      const params = {
        thresholdDb: -30,
        ratio: 4,
        kneeDb,
        attackMs: 5,
        releaseMs: 50,
        detection: "rms" as const,
        rmsMs: 50,
      };
      for (let L = -60; L <= 0; L += 6) {
        const got = sineOut(params, L);
        const want = compressorCurve(L, -30, 4, kneeDb);
        assert.ok(
          Math.abs(got - want) < 0.1,
          `knee ${kneeDb}, in ${L} dB: out ${got.toFixed(3)} vs ${want.toFixed(3)}`,
        );
      }
    }
  });

  test("static curve, peak detection on DC levels matches the formula (±0.001 dB), knee corners too", () => {
    const T = -20;
    const R = 3;
    const W = 10;
    for (const L of [-40, -26, -25, -22, -20, -17, -15, -10, -3, 0]) {
      const p = new Compressor(mono, { thresholdDb: T, ratio: R, kneeDb: W, attackMs: 1, releaseMs: 10 });
      const a = 10 ** (L / 20);
      const [y] = run(p, [constant(fs / 2, a)]);
      const got = 20 * Math.log10(y[y.length - 1]);
      assert.ok(Math.abs(got - compressorCurve(L, T, R, W)) < 1e-3, `${L} dB → ${got}`);
    }
    // The soft knee is continuous with the straight parts and has the right slopes at its ends.
    assert.equal(compressorCurve(-25, T, R, W), -25);
    assert.ok(Math.abs(compressorCurve(-15, T, R, W) - (T + 5 / R)) < 1e-12);
  });

  test("attack and release time constants: 63% of a level step in attackMs / releaseMs (±10%)", () => {
    for (const [attackMs, releaseMs] of [
      [10, 100],
      [1, 300],
    ]) {
      const p = new Compressor(mono, { thresholdDb: -30, ratio: 4, attackMs, releaseMs });
      const n = fs;
      const x = new Float32Array(2 * n);
      // −40 dB → −10 dB → −40 dB: gain reduction 0 → 15 → 0 dB.
      for (let i = 0; i < 2 * n; i++) x[i] = i >= n / 4 && i < n ? 10 ** (-10 / 20) : 0.01;
      const [y] = run(p, [x]);
      const att = crossingMs(x, y, n / 4, 0, -15, 1 - Math.exp(-1));
      const rel = crossingMs(x, y, n, -15, 0, 1 - Math.exp(-1));
      assert.ok(Math.abs(att / attackMs - 1) < 0.1, `attack ${att} ms vs ${attackMs}`);
      assert.ok(Math.abs(rel / releaseMs - 1) < 0.1, `release ${rel} ms vs ${releaseMs}`);
    }
  });

  test("decoupled ballistics reach the same steady state and release at releaseMs", () => {
    const p = new Compressor(mono, {
      thresholdDb: -30,
      ratio: 4,
      attackMs: 2,
      releaseMs: 100,
      ballistics: "decoupled",
    });
    const n = fs;
    const x = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) x[i] = i < n ? 10 ** (-10 / 20) : 0.01;
    const [y] = run(p, [x]);
    assert.ok(Math.abs(20 * Math.log10(y[n - 1] / x[n - 1]) + 15) < 1e-3);
    const rel = crossingMs(x, y, n, -15, 0, 1 - Math.exp(-1));
    // Release then attack in series: the attack stage adds ~attackMs of lag.
    assert.ok(rel > 100 && rel < 110, `release ${rel}`);
  });

  test("lookahead delays the audio by exactly lookaheadMs and reports it as latency", () => {
    const p = new Compressor(mono, { ratio: 1, lookaheadMs: 5 });
    assert.equal(p.latency, 240);
    const x = noise(4000, 3, 0.5);
    const [y] = run(p, [x]);
    for (let i = 0; i < 4000; i++) assert.equal(y[i], i < 240 ? 0 : x[i - 240]);
    // With lookahead the gain is already down when a step arrives at the output.
    const q = new Compressor(mono, {
      thresholdDb: -30,
      ratio: 10,
      attackMs: 1,
      releaseMs: 100,
      lookaheadMs: 5,
    });
    const s = new Float32Array(9600);
    s.fill(0.5, 4800);
    const [z] = run(q, [s]);
    assert.ok(20 * Math.log10(z[4800 + 240] / 0.5) < -20, `gain at the step ${z[5040]}`);
  });

  test("external sidechain: a loud key ducks a quiet input by the key's gain reduction", () => {
    const p = new Compressor(mono, { thresholdDb: -30, ratio: 4, attackMs: 1, releaseMs: 50 });
    const n = fs / 2;
    const x = sine(n, 440, fs, 0.01);
    const key = constant(n, 10 ** (-10 / 20));
    const y = new Float32Array(n);
    p.processWithSidechain([x], [key], [y], n);
    // −10 dB key, T −30, R 4: 15 dB reduction applied to the input.
    assert.ok(Math.abs(rmsDb(y, n - 4800, n) - (rmsDb(x, n - 4800, n) - 15)) < 0.01);
    // Back to self-keying afterwards: the quiet input alone is not compressed (gain recovers).
    const y2 = new Float32Array(n);
    p.process([x], [y2], n);
    assert.ok(Math.abs(rmsDb(y2, n - 4800, n) - rmsDb(x, n - 4800, n)) < 0.01);
    assert.throws(() => p.setSidechain([]), /sidechain/);
    assert.throws(
      () => p.processWithSidechain([x], [key.subarray(0, 10)], [y], n),
      /sidechain: channel 0 holds 10 frames/,
    );
  });

  test("stereo link: 1 = same gain on both channels, 0 = a quiet channel is left alone", () => {
    const n = fs / 2;
    const loud = constant(n, 0.5);
    const quiet = constant(n, 0.001);
    const linked = run(new Compressor(stereo, { thresholdDb: -30, ratio: 4, stereoLink: 1 }), [loud, quiet]);
    const g = linked[0][n - 1] / 0.5;
    assert.ok(Math.abs(linked[1][n - 1] / 0.001 - g) < 1e-6 && g < 0.2);
    const free = run(new Compressor(stereo, { thresholdDb: -30, ratio: 4, stereoLink: 0 }), [loud, quiet]);
    assert.equal(free[1][n - 1], quiet[n - 1]);
    assert.ok(Math.abs(free[0][n - 1] - linked[0][n - 1]) < 1e-6);
  });

  test("sidechain high-pass: bass no longer drives the gain, treble still does", () => {
    const n = fs;
    const params = { thresholdDb: -30, ratio: 4, detection: "rms" as const, rmsMs: 50, sidechainHpfHz: 500 };
    const bass = sine(n, 50, fs, 0.5);
    const [yb] = run(new Compressor(mono, params), [bass]);
    // 50 Hz is 40 dB down in the detector (12 dB/oct, a decade below): −49 dB, under the threshold.
    assert.ok(Math.abs(rmsDb(yb, n / 2, n) - rmsDb(bass, n / 2, n)) < 0.01);
    const treble = sine(n, 5000, fs, 0.5);
    const [yt] = run(new Compressor(mono, params), [treble]);
    const L = rmsDb(treble, n / 2, n);
    assert.ok(Math.abs(rmsDb(yt, n / 2, n) - compressorCurve(L, -30, 4, 0)) < 0.1);
  });

  test("mix 0 passes the input; makeup adds its gain; parameter jumps are smoothed (no click)", () => {
    const x = noise(9600, 4, 0.8);
    const [dry] = run(new Compressor(mono, { thresholdDb: -40, ratio: 10, mix: 0 }), [x]);
    assert.deepEqual(dry, x);
    const [up] = run(new Compressor(mono, { ratio: 1, makeupDb: 6 }), [x]);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(up[i] - x[i] * 10 ** (6 / 20)) < 1e-6);
    const p = new Compressor(mono, { thresholdDb: 0, ratio: 10, attackMs: 0, releaseMs: 1 });
    const n = 4800;
    const a = constant(n, 0.5);
    const y = new Float32Array(2 * n);
    p.process([a], [y.subarray(0, n)], n);
    p.setParams({ thresholdDb: -40 });
    p.process([a], [y.subarray(n)], n);
    // Instant attack, yet the threshold glides over ~20 ms: the largest step is far below the 0.45 jump.
    let step = 0;
    for (let i = 1; i < 2 * n; i++) step = Math.max(step, Math.abs(y[i] - y[i - 1]));
    assert.ok(step < 0.02, `largest step ${step}`);
    assert.ok(y[2 * n - 1] < 0.02);
  });

  test("silence gives exact zeros; ±1e30 and full-scale garbage give finite output", () => {
    const p = new Compressor(stereo, { detection: "rms", sidechainHpfHz: 80, stereoLink: 0.5, kneeDb: 6 });
    const z = run(p, [new Float32Array(fs), new Float32Array(fs)]);
    for (const c of z) for (const v of c) assert.equal(v, 0);
    const big = garbage(4800);
    for (const params of [{}, { ratio: 1 }, { ratio: 100, attackMs: 0, detection: "rms" as const }]) {
      const y = run(new Compressor(stereo, params), [big, noise(4800, 5)]);
      assertFinite(y, JSON.stringify(params));
    }
    // After garbage, silence decays back to exact zeros (no denormal tail).
    const q = new Compressor(mono, { sidechainHpfHz: 100, detection: "rms" });
    run(q, [big]);
    const [after] = run(q, [new Float32Array(10 * fs)]);
    assert.equal(after[after.length - 1], 0);
  });

  test("block-size independent, bypass nulls, in place, JSON round trip, clear errors", () => {
    const input = [noise(20000, 1, 0.7), noise(20000, 2, 0.3)];
    const opts = {
      thresholdDb: -24,
      ratio: 6,
      attackMs: 3,
      releaseMs: 80,
      kneeDb: 6,
      makeupDb: 3,
      stereoLink: 0.5,
      lookaheadMs: 1.3,
      sidechainHpfHz: 120,
      detection: "rms" as const,
      rmsMs: 5,
    };
    for (const sizes of [[1], [13], [128], [4096]]) {
      const a = renderBlocks(new Compressor(stereo, opts), input, [20000]);
      const b = renderBlocks(new Compressor(stereo, opts), input, sizes);
      assert.deepEqual(b, a, `blocks of ${sizes}`);
    }
    assertBlockIndependent(
      () => new Compressor(stereo, { ...opts, ballistics: "decoupled", mix: 0.5 }),
      input,
    );
    assertBypassNull(new Compressor(stereo, opts), input);
    assertInPlace(() => new Compressor(stereo, opts), input);
    assertJsonRoundTrip(new Compressor(stereo, opts), (j) => new Compressor(stereo, j), input);
    assert.throws(
      () => new Compressor(stereo, { ratio: 0.5 }),
      /compressor\.ratio: must be between 1 and 100, got 0\.5/,
    );
    assert.throws(() => new Compressor(stereo, { attackMs: -1 }), ParamError);
    assert.throws(
      () => new Compressor(stereo, { detection: "avg" as "rms" }),
      /compressor\.detection: must be one of peak, rms/,
    );
    assert.throws(() => new Compressor(stereo, { thresholdDb: Number.NaN }), /compressor\.thresholdDb/);
  });
});

describe("compressor fast paths", () => {
  test("reading peaks from float32 bits, and releasing through silence, give what the detector path gives", () => {
    // Keying the detector from the input itself (a sidechain) takes the general path with the same maths.
    for (const ctx of [mono, stereo]) {
      const n = 4 * 4096 + 77;
      const x = Array.from({ length: ctx.channels }, (_, c) => {
        const v = noise(n, 5 + c, 0.9);
        // Loud, quiet and silent (+0) stretches, so the gain attacks, holds and releases, in sound and silence.
        for (let i = 0; i < n; i++) v[i] = i < 4000 ? v[i] : i < 5000 ? v[i] * 0.01 : i < 12400 ? 0 : v[i];
        return v;
      });
      for (const lookaheadMs of [0, 2]) {
        const params = { thresholdDb: -20, ratio: 4, attackMs: 3, releaseMs: 60, makeupDb: 2, lookaheadMs };
        const fast = new Compressor(ctx, params);
        const general = new Compressor(ctx, params);
        const yFast = x.map(() => new Float32Array(n));
        const yGen = x.map(() => new Float32Array(n));
        for (let at = 0; at < n; at += 4096) {
          const m = Math.min(4096, n - at);
          const xs = x.map((v) => v.subarray(at, at + m));
          fast.process(
            xs,
            yFast.map((v) => v.subarray(at, at + m)),
            m,
          );
          general.processWithSidechain(
            xs,
            xs,
            yGen.map((v) => v.subarray(at, at + m)),
            m,
          );
        }
        let worst = 0;
        for (let c = 0; c < ctx.channels; c++) {
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(yFast[c][i] - yGen[c][i]));
        }
        // Logs of |x| vs of x² and one rounding here or there: float32 last bits at most.
        assert.ok(worst < 2e-7, `${ctx.channels} ch: worst difference ${worst}`);
        assert.ok(fast.gainReductionDb >= 0);
        assert.ok(Math.abs(fast.gainReductionDb - general.gainReductionDb) < 1e-9);
      }
    }
  });

  test("the mono fast path gives the bits of the stereo one fed the same channel twice", () => {
    const n = 3 * 4096 + 5;
    const v = noise(n, 11, 0.9);
    // Loud, quiet and silent (+0) stretches: attack, release in sound, release through silence.
    for (let i = 0; i < n; i++) v[i] = i < 3000 ? v[i] : i < 6000 ? v[i] * 0.02 : i < 9000 ? 0 : v[i];
    for (const lookaheadMs of [0, 1.5]) {
      const params = { thresholdDb: -24, ratio: 3, attackMs: 10, releaseMs: 120, makeupDb: 1, lookaheadMs };
      const one = new Compressor(mono, params);
      const two = new Compressor(stereo, params);
      const y1 = new Float32Array(n);
      const y2 = [new Float32Array(n), new Float32Array(n)];
      for (let at = 0; at < n; at += 1000) {
        const m = Math.min(1000, n - at);
        const x = v.subarray(at, at + m);
        one.process([x], [y1.subarray(at, at + m)], m);
        two.process(
          [x, x],
          y2.map((y) => y.subarray(at, at + m)),
          m,
        );
      }
      assert.deepEqual(y1, y2[0], `lookahead ${lookaheadMs} ms`);
      assert.equal(one.gainReductionDb, two.gainReductionDb);
    }
  });
});
