import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ParamError } from "../../core/params.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  powerSpectrum,
  sine,
} from "../space/harness.test.ts";
import { Oversampler } from "./oversampler.ts";
import { Saturation, type SaturationMode } from "./saturation.ts";

const fs = 48000;
const N = 32768;
/** 15 kHz sits exactly on bin 10240 of a 32768-point FFT at 48 kHz, and so do all its aliases (3 kHz steps). */
const K15 = 10240;

function drive15k(mode: SaturationMode, drive: number, oversample: number, adaa: boolean) {
  const p = new Saturation({ sampleRate: fs, channels: 1 }, { mode, drive, oversample, adaa });
  const skip = 8192;
  const x = sine(N + skip, 15000, fs, 0.5);
  const y = new Float32Array(x.length);
  p.process([x], [y]);
  const s = powerSpectrum(y, skip, N);
  let other = 0;
  // Everything but the fundamental, from 20 Hz up (below is the DC blocker's settling, not aliasing).
  for (let k = 14; k <= N / 2; k++) if (k !== K15) other += s[k];
  return 10 * Math.log10(other / s[K15]);
}

describe("saturation", () => {
  test("15 kHz at −6 dBFS driven 12 dB: aliasing ≥ 80 dB down with the default 4× + ADAA, far worse without", () => {
    const results: string[] = [];
    for (const mode of ["soft", "tape"] as const) {
      const off = drive15k(mode, 12, 1, false);
      const x4plain = drive15k(mode, 12, 4, false);
      const x4 = drive15k(mode, 12, 4, true);
      const x8plain = drive15k(mode, 12, 8, false);
      results.push(
        `${mode}: none ${off.toFixed(1)} dB, 4× ${x4plain.toFixed(1)} dB, 4×+ADAA ${x4.toFixed(1)} dB, 8× ${x8plain.toFixed(1)} dB`,
      );
      assert.ok(x4 < -80, `${mode} 4× + ADAA: ${x4} dB`);
      assert.ok(x8plain < -80, `${mode} 8×: ${x8plain} dB`);
      assert.ok(off > -25, `${mode} without oversampling should alias clearly: ${off} dB`);
    }
    // Driven 24 dB the harmonics reach past 4× Nyquist; the antiderivative method takes their aliases down.
    for (const mode of ["soft", "hard"] as const) {
      const plain = drive15k(mode, 24, 4, false);
      const adaa = drive15k(mode, 24, 4, true);
      results.push(`${mode} 24 dB: 4× ${plain.toFixed(1)} dB, 4×+ADAA ${adaa.toFixed(1)} dB`);
      assert.ok(adaa < plain - 15, `${mode} 24 dB: ${adaa} vs ${plain} dB`);
    }
    console.log(`alias (non-fundamental energy re fundamental): ${results.join("; ")}`);
  });

  test("symmetric modes make odd harmonics only; tube makes even ones too and no DC", () => {
    // Bin 683 ≈ 1000.5 Hz; harmonics land on multiples of it.
    const k1 = 683;
    const f = (k1 * fs) / N;
    for (const mode of ["soft", "hard", "tape", "tube"] as const) {
      const p = new Saturation({ sampleRate: fs, channels: 1 }, { mode, drive: 12, oversample: 4 });
      const skip = fs;
      const x = sine(N + skip, f, fs, 0.5);
      const y = new Float32Array(x.length);
      p.process([x], [y]);
      const s = powerSpectrum(y, skip, N);
      const rel = (h: number) => 10 * Math.log10(s[h * k1] / s[k1]);
      assert.ok(rel(3) > -40, `${mode} 3rd harmonic ${rel(3)} dB`);
      if (mode === "tube") {
        assert.ok(rel(2) > -40, `tube 2nd harmonic ${rel(2)} dB`);
        let mean = 0;
        for (let i = skip; i < skip + N; i++) mean += y[i];
        mean /= N;
        assert.ok(Math.abs(mean) < 1e-5, `tube DC ${mean}`);
      } else {
        for (const h of [2, 4, 6]) assert.ok(rel(h) < -100, `${mode} even harmonic ${h}: ${rel(h)} dB`);
      }
    }
  });

  test("drive 0 dB leaves a quiet signal at unity", () => {
    for (const mode of ["soft", "hard", "tube", "tape"] as const) {
      const p = new Saturation({ sampleRate: fs, channels: 1 }, { mode, drive: 0 });
      const x = sine(fs, 1000, fs, 0.01);
      const y = new Float32Array(x.length);
      p.process([x], [y]);
      let px = 0;
      let py = 0;
      const lat = p.latency;
      for (let i = fs / 2; i < fs - lat; i++) {
        px += x[i] * x[i];
        py += y[i + lat] * y[i + lat];
      }
      const db = 10 * Math.log10(py / px);
      assert.ok(Math.abs(db) < 0.02, `${mode}: ${db} dB`);
    }
  });

  test("oversampler: images and would-be aliases ≥ 95 dB down", () => {
    const lines: string[] = [];
    for (const f of [2, 4, 8] as const) {
      // Up: a 15 kHz tone's images (33, 63, 81 … kHz) at the high rate, relative to the tone.
      const os = new Oversampler(f);
      const n = N;
      const x = sine(n + 4096, 15000, fs, 0.5);
      const hi = new Float64Array((n + 4096) * f);
      os.upsample(x, hi, n + 4096);
      const hiSpec = powerSpectrum(Float32Array.from(hi), 4096 * f, n * f);
      const tone = hiSpec[K15];
      let images = 0;
      for (let k = 1; k <= (n * f) / 2; k++) if (k !== K15) images += hiSpec[k];
      // Down: a 40.5 kHz tone at the high rate would fold to 7.5 kHz (bin 5120); it must be removed.
      const os2 = new Oversampler(f);
      const v = new Float64Array((n + 4096) * f);
      for (let i = 0; i < v.length; i++) v[i] = 0.5 * Math.sin((2 * Math.PI * 40500 * i) / (fs * f));
      const y = new Float32Array(n + 4096);
      os2.downsample(v, y, n + 4096);
      const ySpec = powerSpectrum(y, 4096, n);
      let leak = 0;
      for (let k = 0; k <= n / 2; k++) leak += ySpec[k];
      const img = 10 * Math.log10(images / tone);
      const alias = 10 * Math.log10(leak / tone);
      lines.push(`${f}×: images ${img.toFixed(1)} dB, fold-back ${alias.toFixed(1)} dB`);
      assert.ok(img < -95, `${f}× images ${img} dB`);
      assert.ok(alias < -95, `${f}× fold-back ${alias} dB`);
    }
    console.log(`oversampler: ${lines.join("; ")}`);
  });

  test("oversampler: flat pass band, integer latency", () => {
    for (const f of [2, 4, 8] as const) {
      const os = new Oversampler(f);
      assert.ok(Number.isInteger(os.latency));
      const n = 16384;
      const x = sine(n, 19000, fs, 0.5);
      const hi = new Float64Array(n * f);
      os.upsample(x, hi, n);
      const y = new Float32Array(n);
      os.downsample(hi, y, n);
      // Round trip is a pure delay for in-band content.
      let err = 0;
      for (let i = 4000; i < n; i++) err = Math.max(err, Math.abs(y[i] - x[i - os.latency]));
      assert.ok(err < 2e-4, `${f}×: round-trip error ${err}`);
    }
  });

  test("block-size independent, bypass nulls, JSON round trip", () => {
    const ctx = { sampleRate: fs, channels: 2 };
    const input = [noise(6000, 3, 0.8), noise(6000, 4, 0.8)];
    for (const mode of ["soft", "tube", "tape", "hard"] as const) {
      assertBlockIndependent(() => new Saturation(ctx, { mode, drive: 18, mix: 0.7 }), input);
    }
    assertBypassNull(new Saturation(ctx, { drive: 18 }), input);
    assertInPlace(() => new Saturation(ctx, { mode: "tube", drive: 18, mix: 0.6 }), input);
    assertJsonRoundTrip(
      new Saturation(ctx, { mode: "tube", drive: 9, outputDb: -3, mix: 0.5, oversample: 2 }),
      (j) => new Saturation(ctx, j),
      input,
    );
  });

  test("bad parameters name the parameter and the allowed values", () => {
    const ctx = { sampleRate: fs, channels: 1 };
    assert.throws(
      () => new Saturation(ctx, { oversample: 3 }),
      (e: unknown) =>
        e instanceof ParamError && /saturation\.oversample: must be 1, 2, 4 or 8, got 3/.test(e.message),
    );
    assert.throws(() => new Saturation(ctx, { drive: 60 }), /saturation\.drive: must be between 0 and 48 dB/);
    assert.throws(
      () => new Saturation(ctx, { mode: "fuzz" as SaturationMode }),
      /saturation\.mode: must be one of tape, tube, soft, hard/,
    );
    const p = new Saturation(ctx);
    assert.throws(() => p.setParams({ oversample: 5 }), /saturation\.oversample/);
    assert.equal(p.getParams().oversample, 4);
  });
});
