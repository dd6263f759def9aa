/**
 * The interpolation kernel of the resampler: a Kaiser-windowed sinc low-pass sampled at the fractional input
 * positions the output needs, stored as a polyphase table (one row of taps per phase).
 */
import { besselI0, kaiserBeta } from "../../core/fir.ts";

/** Resampling quality presets. */
export const RESAMPLE_QUALITIES = ["high", "medium", "low"] as const;
export type ResampleQuality = (typeof RESAMPLE_QUALITIES)[number];

/** Filter targets of a preset, as fractions of the lower of the two rates. */
interface QualitySpec {
  /** Stop-band attenuation the Kaiser design aims for, dB (10 dB above the guaranteed figure). */
  designDb: number;
  /** Passband edge (flat to here). */
  pass: number;
  /** Stop-band edge: the Nyquist of the lower rate, so nothing above it folds back. */
  stop: number;
}

export const QUALITY_SPECS: Record<ResampleQuality, QualitySpec> = {
  // ≥ 100 dB rejection, ≤ 0.001 dB ripple to 0.45·rate.
  high: { designDb: 110, pass: 0.45, stop: 0.5 },
  // ≥ 80 dB, flat to 0.43·rate: about 40 % fewer taps.
  medium: { designDb: 90, pass: 0.43, stop: 0.5 },
  // ≥ 60 dB, flat to 0.4·rate: previews.
  low: { designDb: 70, pass: 0.4, stop: 0.5 },
};

/** The kernel's shape, in input-sample units. */
export interface KernelDesign {
  /** Taps per output sample (even, a multiple of 4). */
  taps: number;
  /** Cut-off, cycles per input sample (the −6 dB point, halfway through the transition band). */
  cutoff: number;
  /** Kaiser β. */
  beta: number;
}

/** Chooses taps, cut-off and β for converting `fromRate` → `toRate` at a quality. */
export function designKernel(fromRate: number, toRate: number, quality: ResampleQuality): KernelDesign {
  const q = QUALITY_SPECS[quality];
  const low = Math.min(fromRate, toRate);
  const width = ((q.stop - q.pass) * low) / fromRate;
  // Kaiser's length estimate, in input samples; rounded up to a multiple of 4 for the unrolled dot product.
  const n = Math.ceil((q.designDb - 7.95) / (14.36 * width)) + 1;
  const taps = Math.max(8, Math.ceil(n / 4) * 4);
  return { taps, cutoff: (((q.pass + q.stop) / 2) * low) / fromRate, beta: kaiserBeta(q.designDb) };
}

/**
 * Fills `row` with the kernel's taps for an output at fractional input position `frac` (0 ≤ frac < 1 past an
 * input sample `base`): tap j multiplies input sample base − taps/2 + 1 + j.
 */
export function kernelRow(d: KernelDesign, frac: number, row: Float32Array | Float64Array, at = 0): void {
  const half = d.taps / 2;
  const i0 = besselI0(d.beta);
  const twoFc = 2 * d.cutoff;
  for (let j = 0; j < d.taps; j++) {
    // Distance from the output instant to the input sample, in input samples.
    const t = frac + half - 1 - j;
    const r = t / half;
    const w = r >= 1 || r <= -1 ? 0 : besselI0(d.beta * Math.sqrt(1 - r * r)) / i0;
    const x = Math.PI * twoFc * t;
    const s = t === 0 ? twoFc : (twoFc * Math.sin(x)) / x;
    row[at + j] = s * w;
  }
}

/**
 * A table of `phases` rows; row p is the kernel at fractional position p/phases. With `extra` one more row
 * (position 1) is appended so positions between rows can be interpolated.
 */
export function kernelTable(d: KernelDesign, phases: number, extra: boolean): Float32Array {
  const rows = phases + (extra ? 1 : 0);
  const table = new Float32Array(rows * d.taps);
  const row = new Float64Array(d.taps);
  for (let p = 0; p < rows; p++) {
    kernelRow(d, p / phases, row);
    table.set(row, p * d.taps);
  }
  return table;
}
