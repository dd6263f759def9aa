/**
 * Second-order IIR sections ("biquads"): coefficient design after R. Bristow-Johnson's Audio EQ Cookbook,
 * first-order sections by the bilinear transform, an exact frequency response, and a block processor
 * (transposed direct form II, 64-bit state).
 */

/** Normalised coefficients (a0 = 1): y = b0·x + b1·x[n-1] + b2·x[n-2] − a1·y[n-1] − a2·y[n-2]. */
export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export type BiquadKind =
  | "peak"
  | "lowshelf"
  | "highshelf"
  | "lowpass"
  | "highpass"
  | "bandpass"
  | "notch"
  | "allpass";

/** The identity section (passes the signal unchanged). */
export const IDENTITY: Readonly<BiquadCoefficients> = Object.freeze({ b0: 1, b1: 0, b2: 0, a1: 0, a2: 0 });

/**
 * Designs one cookbook section.
 * @param kind filter shape.
 * @param sampleRate Hz.
 * @param freq centre / corner / shelf midpoint frequency in Hz, 0 < freq < sampleRate/2.
 * @param q quality factor (0.025 … 40); for shelves 0.7071 gives the steepest shelf without overshoot.
 * @param gainDb gain in dB for peak and shelves (ignored otherwise).
 */
export function designBiquad(
  kind: BiquadKind,
  sampleRate: number,
  freq: number,
  q: number,
  gainDb = 0,
): BiquadCoefficients {
  const w0 = (2 * Math.PI * freq) / sampleRate;
  const cos = Math.cos(w0);
  const sin = Math.sin(w0);
  const alpha = sin / (2 * q);
  const A = 10 ** (gainDb / 40);
  let b0: number;
  let b1: number;
  let b2: number;
  let a0: number;
  let a1: number;
  let a2: number;
  switch (kind) {
    case "lowpass":
      b0 = (1 - cos) / 2;
      b1 = 1 - cos;
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "highpass":
      b0 = (1 + cos) / 2;
      b1 = -(1 + cos);
      b2 = b0;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "bandpass": // constant 0 dB peak gain
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "notch":
      b0 = 1;
      b1 = -2 * cos;
      b2 = 1;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "allpass":
      b0 = 1 - alpha;
      b1 = -2 * cos;
      b2 = 1 + alpha;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case "peak":
      b0 = 1 + alpha * A;
      b1 = -2 * cos;
      b2 = 1 - alpha * A;
      a0 = 1 + alpha / A;
      a1 = -2 * cos;
      a2 = 1 - alpha / A;
      break;
    case "lowshelf": {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + s);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - s);
      a0 = A + 1 + (A - 1) * cos + s;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - s;
      break;
    }
    case "highshelf": {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + s);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - s);
      a0 = A + 1 - (A - 1) * cos + s;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - s;
      break;
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/** First-order low- or high-pass (6 dB/octave) by the bilinear transform with pre-warping, as a biquad with b2 = a2 = 0. */
export function designFirstOrder(
  kind: "lowpass" | "highpass",
  sampleRate: number,
  freq: number,
): BiquadCoefficients {
  const k = Math.tan((Math.PI * freq) / sampleRate);
  const a1 = (k - 1) / (k + 1);
  if (kind === "lowpass") return { b0: k / (1 + k), b1: k / (1 + k), b2: 0, a1, a2: 0 };
  return { b0: 1 / (1 + k), b1: -1 / (1 + k), b2: 0, a1, a2: 0 };
}

/** The complex response H(e^{jω}) of a section at `freq` Hz: magnitude (linear) and phase (radians). */
export function biquadResponse(
  c: BiquadCoefficients,
  freq: number,
  sampleRate: number,
): { magnitude: number; phase: number } {
  const w = (2 * Math.PI * freq) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2;
  const ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2;
  const di = -(c.a1 * s1 + c.a2 * s2);
  const den = dr * dr + di * di;
  const hr = (nr * dr + ni * di) / den;
  const hi = (ni * dr - nr * di) / den;
  return { magnitude: Math.hypot(hr, hi), phase: Math.atan2(hi, hr) };
}

/** One biquad section running over one channel. Processes in place or out of place. */
export class Biquad {
  b0 = 1;
  b1 = 0;
  b2 = 0;
  a1 = 0;
  a2 = 0;
  private s1 = 0;
  private s2 = 0;

  constructor(c: BiquadCoefficients = IDENTITY) {
    this.setCoefficients(c);
  }

  /** Changes coefficients without clearing state (callers smooth by moving coefficients in small steps). */
  setCoefficients(c: BiquadCoefficients): void {
    this.b0 = c.b0;
    this.b1 = c.b1;
    this.b2 = c.b2;
    this.a1 = c.a1;
    this.a2 = c.a2;
  }

  /** Filters `frames` samples of `x` from `offset` into `y` (which may be `x`). */
  process(x: Float32Array, y: Float32Array, frames: number = x.length, offset = 0): void {
    const { b0, b1, b2, a1, a2 } = this;
    let s1 = this.s1;
    let s2 = this.s2;
    const end = offset + frames;
    for (let i = offset; i < end; i++) {
      const xi = x[i];
      const yi = b0 * xi + s1;
      s1 = b1 * xi - a1 * yi + s2;
      s2 = b2 * xi - a2 * yi;
      y[i] = yi;
    }
    // Flush denormals once per block: cheap, and keeps silence from stalling the CPU.
    this.s1 = Math.abs(s1) < 1e-25 ? 0 : s1;
    this.s2 = Math.abs(s2) < 1e-25 ? 0 : s2;
  }

  /** Filters one sample. */
  tick(x: number): number {
    const y = this.b0 * x + this.s1;
    this.s1 = this.b1 * x - this.a1 * y + this.s2;
    this.s2 = this.b2 * x - this.a2 * y;
    return y;
  }

  reset(): void {
    this.s1 = 0;
    this.s2 = 0;
  }
}
