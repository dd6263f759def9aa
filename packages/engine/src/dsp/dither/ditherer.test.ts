import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FFT } from "../../core/fft.ts";
import { ParamError } from "../../core/params.ts";
import { Dither } from "./dither-processor.ts";
import { Ditherer, type DitherKind, xorshiftJump } from "./ditherer.ts";

const FS = 48000;
const N = 1 << 16;

/** A sine of `amp` (full scale 1) exactly on FFT bin `bin`, so it has no leakage with a rectangular window. */
function sine(amp: number, bin: number, n = N): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * bin * i) / n);
  return x;
}

/** Quantisation error in LSB: codes − input·2^(bits−1). */
function errorOf(x: Float32Array, bits: number, kind: DitherKind, seed = 1): Float64Array {
  const q = new Int32Array(x.length);
  new Ditherer({ bits, kind, seed }).quantize(x, q);
  const s = 2 ** (bits - 1);
  const e = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) e[i] = q[i] - x[i] * s;
  return e;
}

/** Power spectrum |X[k]|² / N² of a real signal (k = 0 … N/2). */
function powerSpectrum(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  new FFT(n).forward(re, im);
  const p = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) p[k] = (re[k] * re[k] + im[k] * im[k]) / (n * n);
  return p;
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return s[s.length >> 1];
}

function bandPower(p: Float64Array, loHz: number, hiHz: number): number {
  let sum = 0;
  for (let k = Math.ceil((loHz * N) / FS); k <= Math.floor((hiHz * N) / FS); k++) sum += p[k];
  return sum;
}

describe("Ditherer", () => {
  it("TPDF: error variance is 3·LSB²/12 whatever the signal level (measured)", () => {
    for (const amp of [0, 1e-6, 10 ** (-90 / 20), 10 ** (-40 / 20), 0.5]) {
      const e = errorOf(sine(amp, 1001), 16, "tpdf");
      let mean = 0;
      for (const v of e) mean += v;
      mean /= e.length;
      let v2 = 0;
      for (const v of e) v2 += (v - mean) ** 2;
      const variance = v2 / e.length;
      assert.ok(Math.abs(mean) < 0.01, `mean error ${mean} LSB at amplitude ${amp}`);
      // LSB²/12 (rounding) + LSB²/6 (triangular ±1 LSB dither) = 0.25 LSB².
      assert.ok(Math.abs(variance - 0.25) < 0.01, `variance ${variance} LSB² at amplitude ${amp}`);
    }
  });

  it("TPDF: a −90 dBFS sine at 16 bit has no harmonics above the noise floor (plain rounding has)", () => {
    const bin = 1001; // ≈ 733 Hz
    const x = sine(10 ** (-90 / 20), bin);
    const spectrum = (kind: DitherKind) => {
      const q = new Int32Array(N);
      new Ditherer({ bits: 16, kind, seed: 7 }).quantize(x, q);
      return powerSpectrum(q);
    };
    // The reference floor is the dithered noise floor (plain rounding has no noise between its harmonics).
    const floor = median(spectrum("tpdf"));
    const harmonicPeak = (kind: DitherKind) => {
      const p = spectrum(kind);
      let worst = 0;
      for (let h = 2; h <= 9; h++) worst = Math.max(worst, p[h * bin] / floor);
      return 10 * Math.log10(worst);
    };
    const dithered = harmonicPeak("tpdf");
    const rounded = harmonicPeak("none");
    // Per-bin noise power is exponentially distributed: 8 bins exceed 10 dB over the median with p ≈ 3e-4.
    assert.ok(dithered < 10, `TPDF worst harmonic ${dithered.toFixed(1)} dB over the noise floor`);
    assert.ok(rounded > 30, `plain rounding worst harmonic ${rounded.toFixed(1)} dB over the dithered floor`);
  });

  it("shaped: noise in 1–5 kHz at least 10 dB below TPDF, total noise higher", () => {
    const x = sine(10 ** (-60 / 20), 1001);
    const pt = powerSpectrum(errorOf(x, 16, "tpdf"));
    const ps = powerSpectrum(errorOf(x, 16, "shaped"));
    const bandDb = 10 * Math.log10(bandPower(ps, 1000, 5000) / bandPower(pt, 1000, 5000));
    const totalDb = 10 * Math.log10(bandPower(ps, 0, FS / 2) / bandPower(pt, 0, FS / 2));
    // The 9-tap filter's noise gain is −13 … −24 dB across 1–5 kHz, so the band average is ≈ −18 dB.
    assert.ok(bandDb < -10, `shaped vs TPDF in 1–5 kHz: ${bandDb.toFixed(1)} dB`);
    assert.ok(totalDb > 3, `shaped vs TPDF over the whole band: ${totalDb.toFixed(1)} dB`);
  });

  it("is reproducible by seed and independent of block size", () => {
    const x = sine(0.3, 123, 4096);
    for (const kind of ["tpdf", "shaped"] as const) {
      const whole = new Int32Array(4096);
      new Ditherer({ bits: 16, kind, seed: 5 }).quantize(x, whole);
      const parts = new Int32Array(4096);
      const d = new Ditherer({ bits: 16, kind, seed: 5 });
      for (let i = 0; i < 4096; i += 1000) {
        const n = Math.min(1000, 4096 - i);
        const tmp = new Int32Array(n);
        d.quantize(x.subarray(i, i + n), tmp, n);
        parts.set(tmp, i);
      }
      assert.deepEqual(parts, whole);
      const other = new Int32Array(4096);
      new Ditherer({ bits: 16, kind, seed: 6 }).quantize(x, other);
      assert.notDeepEqual(other, whole);
    }
  });

  it("clips at full scale and stays stable when shaped", () => {
    const x = new Float32Array(1000).fill(1.5);
    for (let i = 500; i < 1000; i++) x[i] = -1.5;
    for (const kind of ["none", "tpdf", "shaped"] as const) {
      const q = new Int32Array(1000);
      new Ditherer({ bits: 16, kind }).quantize(x, q);
      assert.equal(Math.max(...q), 32767);
      assert.equal(Math.min(...q), -32768);
    }
  });

  it("quantizeBytes packs the same codes as quantize (grid samples passed, clipping, NaN found)", () => {
    for (const bits of [16, 24] as const) {
      const bytes = (bits / 8) as 2 | 3;
      const n = 5000;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = 1.3 * Math.sin(i * 0.011) * Math.exp(-i / 2000);
      x.fill(0, 3000, 3500); // digital silence
      for (let i = 3500; i < 3600; i++) x[i] = (i - 3550) / 2 ** (bits - 1); // on the output grid
      x[10] = -1;
      x[11] = 1;
      const a = new Ditherer({ bits, kind: "tpdf", seed: 9 });
      const b = new Ditherer({ bits, kind: "tpdf", seed: 9 });
      const codes = new Int32Array(n);
      const out = new Uint8Array(n * 2 * bytes).fill(0xaa);
      // In two calls and interleaved (stride of two samples), as a stereo writer packs.
      for (const [from, to] of [
        [0, 1234],
        [1234, n],
      ]) {
        a.quantize(x.subarray(from, to), codes.subarray(from, to), to - from);
        assert.equal(
          b.quantizeBytes(x.subarray(from, to), to - from, out, from * 2 * bytes, 2 * bytes, bytes, true),
          -1,
        );
      }
      const s = 2 ** (bits - 1);
      for (let i = 0; i < n; i++) {
        const t = x[i] * s;
        const want = Number.isInteger(t) && t >= -s && t < s ? t : codes[i];
        let got = out[i * 2 * bytes] | (out[i * 2 * bytes + 1] << 8);
        if (bytes === 3) got |= out[i * 2 * bytes + 2] << 16;
        got = (got << (32 - bits)) >> (32 - bits);
        assert.equal(got, want, `${bits} bit, sample ${i}`);
        assert.equal(out[i * 2 * bytes + bytes], 0xaa, "the other channel's bytes are left alone");
      }
      const bad = Float32Array.from([0.1, 0.2, Number.NaN, 0.3]);
      assert.equal(b.quantizeBytes(bad, 4, out, 0, bytes, bytes, true), 2);
      assert.throws(() =>
        new Ditherer({ bits, kind: "shaped" }).quantizeBytes(bad, 1, out, 0, bytes, bytes, true),
      );
    }
  });

  it("quantizeBytes jumps the noise over silent blocks to the state stepping would reach", () => {
    const step = (x: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x;
    };
    for (const n of [0, 1, 2, 3, 31, 4096, 16384, 100_003]) {
      let x = 0x2545f491;
      for (let i = 0; i < n; i++) x = step(x);
      assert.equal(xorshiftJump(0x2545f491, n) >>> 0, x >>> 0, `${n} steps`);
    }
    // Silent calls, then music, then a silent call again: the same bytes as a loop that dithers every sample.
    const a = new Ditherer({ bits: 24, kind: "tpdf", seed: 4 });
    const b = new Ditherer({ bits: 24, kind: "tpdf", seed: 4 });
    const music = Float32Array.from({ length: 3000 }, (_, i) => 0.5 * Math.sin(i / 9));
    const parts = [new Float32Array(4096), new Float32Array(777), music, new Float32Array(100), music];
    for (const x of parts) {
      const codes = new Int32Array(x.length);
      a.quantize(x, codes);
      const out = new Uint8Array(x.length * 3);
      assert.equal(b.quantizeBytes(x, x.length, out, 0, 3, 3, true), -1);
      for (let i = 0; i < x.length; i++) {
        const t = x[i] * 2 ** 23;
        const want = Number.isInteger(t) ? t : codes[i]; // samples on the grid (silence too) pass unchanged
        const got = ((out[i * 3] | (out[i * 3 + 1] << 8) | (out[i * 3 + 2] << 16)) << 8) >> 8;
        assert.equal(got, want);
      }
    }
  });

  it("quantizeBytes gives the bytes it always has (pinned: files written before stay reproducible)", () => {
    // FNV-1a over the packed bytes, and a few codes, recorded from the first implementation: any change to
    // the noise sequence, the rounding, the grid pass, the silence jump or the clipping shows here.
    const fnv1a = (b: Uint8Array) => {
      let h = 0x811c9dc5;
      for (const v of b) h = Math.imul(h ^ v, 0x01000193);
      return h >>> 0;
    };
    const pinned = {
      16: { hash: 0xc4f77bd2, codes: [-3157, -3017, -2877, -2737, -2595, -2452, -2309, -2165] },
      24: {
        hash: 0x1d96d2b3,
        codes: [-808337, -772585, -736645, -700523, -664223, -627751, -591113, -554314],
      },
    };
    for (const bits of [16, 24] as const) {
      const bytes = (bits / 8) as 2 | 3;
      const n = 100_000;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = 1.2 * Math.sin(i * 0.0123) * Math.sin(i * 0.00031); // clips too
      for (let i = 5000; i < 6000; i++) x[i] = Math.round(x[i] * 2 ** (bits - 1)) / 2 ** (bits - 1); // on the grid
      x.fill(0, 8192, 12288); // a silent block
      // Full scale and the codes next to it, both signs (the clip's edges).
      for (let i = 14000; i < 14400; i++) x[i] = (i & 1 ? 1 : -1) * (1 - ((i % 40) * 0.37) / 2 ** (bits - 1));
      x[7] = -0;
      const d = new Ditherer({ bits, kind: "tpdf", seed: 12345 });
      const out = new Uint8Array(n * 2 * bytes);
      for (let at = 0; at < n; at += 4096) {
        const k = Math.min(4096, n - at);
        assert.equal(
          d.quantizeBytes(x.subarray(at, at + k), k, out, at * 2 * bytes, 2 * bytes, bytes, true),
          -1,
        );
      }
      assert.equal(fnv1a(out).toString(16), pinned[bits].hash.toString(16), `${bits} bit`);
      const one = new Uint8Array(n * bytes);
      new Ditherer({ bits, kind: "tpdf", seed: 12345 }).quantizeBytes(x, n, one, 0, bytes, bytes, true);
      const codes = [];
      for (let i = 1000; i < 1008; i++) {
        let c = one[i * bytes] | (one[i * bytes + 1] << 8);
        if (bytes === 3) c |= one[i * bytes + 2] << 16;
        codes.push((c << (32 - bits)) >> (32 - bits));
      }
      assert.deepEqual(codes, pinned[bits].codes, `${bits} bit`);
    }
  });

  it("rejects bad options", () => {
    assert.throws(() => new Ditherer({ bits: 4, kind: "tpdf" }), /bits must be an integer between 8 and 32/);
    assert.throws(() => new Ditherer({ bits: 16, kind: "pink" as DitherKind }), /kind must be one of/);
  });
});

describe("dither processor", () => {
  it("outputs samples on the target grid, reproducibly", () => {
    const x = sine(0.25, 77, 2048);
    const run = () => {
      const p = new Dither({ sampleRate: FS, channels: 2 }, { bits: 12, kind: "tpdf", seed: 3 });
      const out = [new Float32Array(2048), new Float32Array(2048)];
      p.process([x, x], out, 2048);
      return out;
    };
    const a = run();
    const b = run();
    assert.deepEqual(a, b);
    for (const v of a[0]) assert.equal(Number.isInteger(v * 2048), true);
    // Channels get different noise.
    assert.notDeepEqual(a[0], a[1]);
    let maxErr = 0;
    for (let i = 0; i < 2048; i++) maxErr = Math.max(maxErr, Math.abs(a[0][i] - x[i]) * 2048);
    assert.ok(maxErr <= 1.5, `error ${maxErr} LSB`);
  });

  it("validates parameters by name", () => {
    const ctx = { sampleRate: FS, channels: 1 };
    assert.throws(() => new Dither(ctx, { bits: 30 }), ParamError);
    assert.throws(() => new Dither(ctx, { bits: 15.5 }), /dither.bits: must be a whole number/);
    assert.throws(() => new Dither(ctx, { kind: "pink" as DitherKind }), ParamError);
    assert.deepEqual(new Dither(ctx, { bits: 24 }).toJSON(), {
      type: "dither",
      bits: 24,
      kind: "tpdf",
      seed: 1,
    });
  });
});
