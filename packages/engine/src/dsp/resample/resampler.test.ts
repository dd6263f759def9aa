import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { corpusPath, hasCorpus, NO_CORPUS } from "../../../../../scripts/test-corpus.ts";
import { noise } from "../space/harness.test.ts";
import { Resampler, resampleChannels } from "./resampler.ts";

function sine(n: number, f: number, fs: number, amp = 1, phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * f * i) / fs + phase);
  return x;
}

function db(x: number): number {
  return 20 * Math.log10(x);
}

function rms(x: Float32Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i] * x[i];
  return Math.sqrt(s / (end - start));
}

/**
 * Least-squares fit of a·sin + b·cos at `f` Hz to y[start, end): returns the amplitude and the residual's RMS
 * (everything that is not that sine: images, aliases, interpolation error).
 */
function fitSine(y: Float32Array, f: number, fs: number, start: number, end: number) {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  const w = (2 * Math.PI * f) / fs;
  for (let i = start; i < end; i++) {
    const s = Math.sin(w * i);
    const c = Math.cos(w * i);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[i] * s;
    yc += y[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let r = 0;
  for (let i = start; i < end; i++) {
    const e = y[i] - a * Math.sin(w * i) - b * Math.cos(w * i);
    r += e * e;
  }
  return { amplitude: Math.hypot(a, b), residual: Math.sqrt(r / (end - start)) };
}

/** Steady part of a converted signal: skips the kernel's reach at both ends. */
function steady(r: { taps: number }, outRate: number, inRate: number, n: number): [number, number] {
  const edge = Math.ceil((r.taps / 2) * (outRate / inRate)) + 8;
  return [edge, n - edge];
}

function convert(x: Float32Array, from: number, to: number) {
  const r = new Resampler({ fromRate: from, toRate: to, channels: 1 });
  const taps = r.taps;
  const y = resampleChannels([x], from, to)[0];
  return { y, taps };
}

describe("resampler", () => {
  test("alias rejection: 96k→44.1k and 48k→44.1k, tones above the output Nyquist come out ≤ −100 dB", () => {
    const cases: [number, number, number[]][] = [
      [96000, 44100, [22500, 23000, 25000, 28000, 31000, 34000, 37000, 40000, 46000]],
      [48000, 44100, [22100, 22500, 23000, 23500, 23990]],
      [192000, 48000, [24100, 30000, 50000, 90000]],
      // An arbitrary ratio (interpolated phase table).
      [96000, 44100.5, [22500, 25000, 31000, 40000]],
    ];
    const report: string[] = [];
    for (const [from, to, freqs] of cases) {
      let worst = -Infinity;
      for (const f of freqs) {
        const x = sine(from / 4, f, from, 0.5);
        const { y, taps } = convert(x, from, to);
        const [a, b] = steady({ taps }, to, from, y.length);
        // Everything that comes out is an alias (the tone itself is above the output Nyquist).
        const level = db(rms(y, a, b) / (0.5 / Math.SQRT2));
        worst = Math.max(worst, level);
        assert.ok(level <= -100, `${from}→${to}, ${f} Hz: ${level.toFixed(1)} dB`);
      }
      report.push(`${from}→${to} worst ${worst.toFixed(1)} dB`);
    }
    console.log(`alias rejection: ${report.join("; ")}`);
  });

  test("image rejection: upsampling puts nothing but the tone into the output (≤ −100 dB)", () => {
    let worst = -Infinity;
    for (const [from, to] of [
      [44100, 48000],
      [44100, 96000],
      [48000, 192000],
    ]) {
      for (const f of [100, 1000, 7000, 15000, 19800]) {
        const x = sine(from / 4, f, from, 0.5);
        const { y, taps } = convert(x, from, to);
        const [a, b] = steady({ taps }, to, from, y.length);
        const fit = fitSine(y, f, to, a, b);
        const level = db(fit.residual / (0.5 / Math.SQRT2));
        worst = Math.max(worst, level);
        assert.ok(level <= -100, `${from}→${to}, ${f} Hz: residual ${level.toFixed(1)} dB`);
      }
    }
    console.log(`image + interpolation residual, worst: ${worst.toFixed(1)} dB`);
  });

  test("passband ripple ≤ 0.01 dB up to 0.45 × the lower rate", () => {
    let worst = 0;
    for (const [from, to] of [
      [44100, 48000],
      [48000, 44100],
      [96000, 44100],
      [44100, 47999.5],
    ]) {
      const edge = 0.45 * Math.min(from, to);
      for (let k = 0; k <= 24; k++) {
        const f = 20 + (k / 24) * (edge - 20);
        const x = sine(from / 5, f, from, 0.5);
        const { y, taps } = convert(x, from, to);
        const [a, b] = steady({ taps }, to, from, y.length);
        const g = db(fitSine(y, f, to, a, b).amplitude / 0.5);
        worst = Math.max(worst, Math.abs(g));
        assert.ok(Math.abs(g) <= 0.01, `${from}→${to}, ${f.toFixed(0)} Hz: ${g.toFixed(5)} dB`);
      }
    }
    console.log(`passband deviation, worst: ${worst.toFixed(6)} dB`);
  });

  test("quality presets: medium ≥ 80 dB and low ≥ 60 dB rejection with fewer taps", () => {
    const high = new Resampler({ fromRate: 96000, toRate: 44100, channels: 1 }).taps;
    for (const [quality, floor, edge] of [
      ["medium", -80, 0.43],
      ["low", -60, 0.4],
    ] as const) {
      const r = new Resampler({ fromRate: 96000, toRate: 44100, channels: 1, quality });
      assert.ok(r.taps < high, `${quality}: ${r.taps} taps vs ${high}`);
      for (const f of [22100, 25000, 40000]) {
        const y = resampleChannels([sine(24000, f, 96000, 0.5)], 96000, 44100, quality)[0];
        const [a, b] = steady(r, 44100, 96000, y.length);
        const level = db(rms(y, a, b) / (0.5 / Math.SQRT2));
        assert.ok(level <= floor, `${quality}, ${f} Hz: ${level.toFixed(1)} dB`);
      }
      const y = resampleChannels([sine(24000, edge * 44100, 96000, 0.5)], 96000, 44100, quality)[0];
      const [a, b] = steady(r, 44100, 96000, y.length);
      const g = db(fitSine(y, edge * 44100, 44100, a, b).amplitude / 0.5);
      assert.ok(Math.abs(g) < 0.01, `${quality}: passband edge ${g} dB`);
    }
  });

  test("alignment: output n is the input at time n·from/to (1 kHz sine matches analytically, ≤ −100 dB)", () => {
    for (const [from, to] of [
      [44100, 48000],
      [48000, 44100],
      [8000, 384000],
      [44100, 47999.5],
    ]) {
      const x = sine(from / 2, 1000, from, 0.5, 0.3);
      const { y, taps } = convert(x, from, to);
      const [a, b] = steady({ taps }, to, from, y.length);
      let e = 0;
      for (let i = a; i < b; i++) {
        e = Math.max(e, Math.abs(y[i] - 0.5 * Math.sin((2 * Math.PI * 1000 * i) / to + 0.3)));
      }
      assert.ok(db(e / 0.5) <= -100, `${from}→${to}: peak error ${db(e / 0.5).toFixed(1)} dB`);
    }
  });

  test("1 kHz sine 44.1k → 48k → 44.1k returns the original within −100 dB (away from the edges)", () => {
    const x = sine(44100, 1000, 44100, 0.5);
    const y = resampleChannels([x], 44100, 48000);
    const z = resampleChannels(y, 48000, 44100)[0];
    assert.equal(z.length, x.length);
    let e = 0;
    for (let i = 1000; i < x.length - 1000; i++) e = Math.max(e, Math.abs(z[i] - x[i]));
    const level = db(e / 0.5);
    console.log(`round trip 44.1→48→44.1 peak residual: ${level.toFixed(1)} dB`);
    assert.ok(level <= -100, `${level} dB`);
  });

  test("length: exactly round(n·to/from) after flush, for any n and ratio", () => {
    for (const [from, to] of [
      [44100, 48000],
      [48000, 44100],
      [96000, 44100],
      [8000, 384000],
      [384000, 8000],
      [44100, 47999.5],
      [48000, 48000],
    ]) {
      for (const n of [0, 1, 2, 3, 47, 147, 160, 1000, 12345]) {
        const y = resampleChannels([noise(n, 3), noise(n, 4)], from, to);
        const want = Math.round((n * to) / from);
        assert.equal(y[0].length, want, `${from}→${to}, n=${n}`);
        assert.equal(y[1].length, want);
        for (const v of y[0]) assert.ok(Number.isFinite(v));
      }
    }
  });

  test("block-size independent, bit-exact (rational and arbitrary ratios); reset starts a new stream", () => {
    const n = 9000;
    const x = [noise(n, 11, 0.5), noise(n, 12, 0.5)];
    for (const [from, to] of [
      [44100, 48000],
      [96000, 44100],
      [44100, 47999.5],
      [48000, 48000],
    ]) {
      const whole = resampleChannels(x, from, to);
      for (const sizes of [[1], [7, 128, 333, 2, 1000, 64], [4096]]) {
        const r = new Resampler({ fromRate: from, toRate: to, channels: 2 });
        const parts: Float32Array[][] = [];
        let pos = 0;
        let k = 0;
        while (pos < n) {
          const len = Math.min(sizes[k++ % sizes.length], n - pos);
          parts.push(
            r.process(
              x.map((c) => c.subarray(pos, pos + len)),
              len,
            ),
          );
          pos += len;
        }
        parts.push(r.flush());
        for (let c = 0; c < 2; c++) {
          const got = new Float32Array(parts.reduce((s, p) => s + p[c].length, 0));
          let at = 0;
          for (const p of parts) {
            got.set(p[c], at);
            at += p[c].length;
          }
          assert.deepEqual(got, whole[c], `${from}→${to}, blocks ${sizes.join(",")}, channel ${c}`);
        }
        // After flush the resampler starts over: the same input gives the same output.
        const a = r.process(x, n);
        const b = r.flush();
        assert.deepEqual(
          Float32Array.from([...a[0], ...b[0]]),
          whole[0],
          `${from}→${to}: a second stream after flush`,
        );
      }
    }
  });

  test("latency: reports the held-back output; process holds back no more than that", () => {
    const r = new Resampler({ fromRate: 44100, toRate: 48000, channels: 1 });
    assert.equal(r.latencyInputFrames, r.taps / 2);
    assert.ok(Math.abs(r.latency - (r.taps / 2) * (48000 / 44100)) < 1e-9);
    const [out] = r.process([noise(10000, 1)], 10000);
    const held = (10000 * 48000) / 44100 - out.length;
    assert.ok(Math.abs(held - r.latency) <= 1, `held back ${held}, latency ${r.latency}`);
    assert.equal(new Resampler({ fromRate: 48000, toRate: 48000, channels: 1 }).latency, 0);
  });

  test("clear errors for bad rates, channels, input", () => {
    assert.throws(
      () => new Resampler({ fromRate: 4000, toRate: 48000, channels: 1 }),
      /resampler fromRate: must be a sample rate between 8000 and 384000 Hz, got 4000/,
    );
    assert.throws(
      () => new Resampler({ fromRate: 48000, toRate: Number.NaN, channels: 1 }),
      /resampler toRate/,
    );
    assert.throws(() => new Resampler({ fromRate: 48000, toRate: 44100, channels: 0 }), /resampler channels/);
    assert.throws(
      () => new Resampler({ fromRate: 48000, toRate: 44100, channels: 1, quality: "best" as never }),
      /resampler quality/,
    );
    const r = new Resampler({ fromRate: 48000, toRate: 44100, channels: 2 });
    assert.throws(() => r.process([new Float32Array(10)], 10), /expected 2 channel arrays, got 1/);
    assert.throws(() => r.process([new Float32Array(10), new Float32Array(5)], 10), /channel 1 has fewer/);
    assert.throws(
      () => resampleChannels([new Float32Array(3), new Float32Array(2)], 48000, 44100),
      /channel 1/,
    );
  });

  test("matches sox `rate -v` on a corpus excerpt (48k → 44.1k and 48k → 96k)", (t) => {
    const file = corpusPath("mixes", "song1-rough-mix.flac");
    if (!hasCorpus("mixes", "song1-rough-mix.flac")) {
      t.skip(NO_CORPUS);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "cr-resample-"));
    try {
      // 4 s of the chorus, mono (left channel), as raw 32-bit float.
      const raw = join(dir, "in.f32");
      execFileSync("ffmpeg", [
        ...["-v", "error", "-ss", "34", "-t", "4", "-i", file],
        ...["-af", "pan=mono|c0=c0", "-f", "f32le", "-y", raw],
      ]);
      const buf = readFileSync(raw);
      const x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      const report: string[] = [];
      for (const to of [44100, 96000]) {
        const soxOut = join(dir, `out${to}.f32`);
        const rawOpts = ["-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1"];
        execFileSync("sox", [
          "-D",
          ...rawOpts,
          "-r",
          "48000",
          raw,
          ...rawOpts,
          soxOut,
          "rate",
          "-v",
          String(to),
        ]);
        const sb = readFileSync(soxOut);
        const s = new Float32Array(sb.buffer.slice(sb.byteOffset, sb.byteOffset + sb.byteLength));
        const y = resampleChannels([x], 48000, to)[0];
        assert.equal(y.length, s.length, "same length as sox");
        // Both are linear phase and aligned; they differ only where the filters differ (sox -v keeps more of
        // the top: passband to ~0.48 × the lower rate vs our 0.45×). Compare in full and below 18 kHz.
        const edge = Math.round(0.05 * to);
        const [a, b] = [edge, y.length - edge];
        const d = new Float32Array(y.length);
        for (let i = 0; i < y.length; i++) d[i] = y[i] - s[i];
        const full = db(rms(d, a, b) / rms(s, a, b));
        const band = db(rms(lowpass18k(d, to), a, b) / rms(s, a, b));
        report.push(
          `48k→${to / 1000}k ${full.toFixed(1)} dB (full band), ${band.toFixed(1)} dB below 18 kHz`,
        );
        assert.ok(band <= -90, `48k→${to}: below 18 kHz: ${band} dB`);
        assert.ok(full <= -40, `48k→${to}: full band: ${full} dB`);
      }
      console.log(`difference from sox rate -v: ${report.join("; ")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Low-passes at 18 kHz with a long linear-phase FIR (Blackman), to compare the passband only. */
function lowpass18k(x: Float32Array, rate: number): Float32Array {
  const taps = rate > 50000 ? 1023 : 511;
  const fc = 18000 / rate;
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) {
    const t = i - mid;
    const w =
      0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1));
    h[i] = (t === 0 ? fc : Math.sin(Math.PI * fc * t) / (Math.PI * t)) * w;
  }
  const y = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    for (let k = 0; k < taps; k++) {
      const j = n - k + mid;
      if (j >= 0 && j < x.length) s += h[k] * x[j];
    }
    y[n] = s;
  }
  return y;
}

test("throughput (x real time)", { skip: !process.env.CR_BENCH && "set CR_BENCH=1" }, () => {
  for (const [from, to] of [
    [44100, 48000],
    [48000, 44100],
    [96000, 44100],
    [44100, 47999.5],
  ]) {
    const r = new Resampler({ fromRate: from, toRate: to, channels: 2 });
    const block = 1024;
    const x = [noise(block, 1, 0.5), noise(block, 2, 0.5)];
    for (let i = 0; i < 50; i++) r.process(x, block);
    const blocks = Math.ceil((5 * from) / block);
    let best = 0;
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      for (let i = 0; i < blocks; i++) r.process(x, block);
      best = Math.max(best, (blocks * block * 1000) / from / (performance.now() - t0));
    }
    console.log(`resample ${from}→${to} stereo: ${best.toFixed(0)}x real time`);
  }
});
