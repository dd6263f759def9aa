/**
 * Measurement helpers for the EQ tests: a processor's impulse response and its spectrum, and the analog
 * prototypes of the RBJ cookbook filters mapped by the bilinear transform (an independent analytic reference).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FFT } from "../../core/fft.ts";
import type { Processor } from "../../core/processor.ts";

/** Complex number as [re, im]. */
export type Complex = [number, number];

const mul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const div = (a: Complex, b: Complex): Complex => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};

/** Evaluates a polynomial c0 + c1·s + c2·s² at s (coefficients lowest first). */
function poly(c: number[], s: Complex): Complex {
  let r: Complex = [0, 0];
  for (let i = c.length - 1; i >= 0; i--) {
    r = mul(r, s);
    r[0] += c[i];
  }
  return r;
}

/**
 * The RBJ cookbook's analog prototype H(s) (normalised to ω0 = 1) evaluated at the frequency the bilinear
 * transform pre-warped at f0 maps `freq` to: s = j·tan(π f/fs)/tan(π f0/fs). This is what the digital filter
 * must equal exactly, magnitude and phase.
 */
export function rbjAnalog(
  kind: string,
  freq: number,
  sampleRate: number,
  f0: number,
  q: number,
  gainDb = 0,
): Complex {
  const s: Complex = [0, Math.tan((Math.PI * freq) / sampleRate) / Math.tan((Math.PI * f0) / sampleRate)];
  const A = 10 ** (gainDb / 40);
  const rA = Math.sqrt(A);
  const den = [1, 1 / q, 1];
  let n: number[];
  let d = den;
  switch (kind) {
    case "lowpass":
      n = [1];
      break;
    case "highpass":
      n = [0, 0, 1];
      break;
    case "bandpass":
      n = [0, 1 / q];
      break;
    case "notch":
      n = [1, 0, 1];
      break;
    case "allpass":
      n = [1, -1 / q, 1];
      break;
    case "peak":
      n = [1, A / q, 1];
      d = [1, 1 / (A * q), 1];
      break;
    case "lowshelf":
      n = [A * A, (A * rA) / q, A];
      d = [1, rA / q, A];
      break;
    case "highshelf":
      n = [A, (A * rA) / q, A * A];
      d = [A, rA / q, 1];
      break;
    default:
      throw new Error(kind);
  }
  return div(poly(n, s), poly(d, s));
}

/** |H|² of an order-n Butterworth (bilinear, pre-warped at f0) at freq. */
export function butterworthPower(
  kind: "lowpass" | "highpass",
  order: number,
  freq: number,
  sampleRate: number,
  f0: number,
): number {
  const w = Math.tan((Math.PI * freq) / sampleRate) / Math.tan((Math.PI * f0) / sampleRate);
  const r = kind === "lowpass" ? w : 1 / w;
  return 1 / (1 + r ** (2 * order));
}

/** Impulse response of a fresh processor fed a unit impulse on every channel, `n` samples, channel `c`. */
export function impulseResponse(p: Processor, n: number, c = 0): Float32Array {
  const x = Array.from({ length: p.channels }, () => new Float32Array(n));
  for (const ch of x) ch[0] = 1;
  const y = Array.from({ length: p.outputChannels }, () => new Float32Array(n));
  p.process(x, y, n);
  return y[c];
}

/** Spectrum (re, im) of x (zero-padded / truncated to n, a power of two). */
export function spectrum(x: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < Math.min(n, x.length); i++) re[i] = x[i];
  new FFT(n).forward(re, im);
  return { re, im };
}

/** About `count` FFT bins spaced evenly in log frequency between lo and hi Hz. */
export function logBins(count: number, lo: number, hi: number, n: number, sampleRate: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < count; i++) {
    const f = lo * (hi / lo) ** (i / (count - 1));
    out.add(Math.max(1, Math.round((f * n) / sampleRate)));
  }
  return [...out];
}

export const toDb = (m: number): number => 20 * Math.log10(m);

/** Phase difference wrapped to −π … π. */
export function phaseDiff(a: number, b: number): number {
  const d = a - b;
  return Math.atan2(Math.sin(d), Math.cos(d));
}

test("measure: analog prototypes meet their defining points", () => {
  const fs = 48000;
  // Peak gain at f0, shelf half gain at f0, Butterworth −3 dB at f0.
  const pk = rbjAnalog("peak", 1000, fs, 1000, 2, 6);
  assert.ok(Math.abs(toDb(Math.hypot(...pk)) - 6) < 1e-9);
  const sh = rbjAnalog("lowshelf", 1000, fs, 1000, Math.SQRT1_2, 6);
  assert.ok(Math.abs(toDb(Math.hypot(...sh)) - 3) < 1e-9);
  assert.ok(Math.abs(10 * Math.log10(butterworthPower("lowpass", 4, 1000, fs, 1000)) + 3.0103) < 1e-4);
});
