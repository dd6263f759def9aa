/**
 * The static curves of dynamics processors, in the log domain (levels and gains in dB), after
 * D. Giannoulis, M. Massberg, J. D. Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and
 * Analysis", JAES 60(6), 2012: a hard or quadratic soft knee of width W centred on the threshold T.
 */

/**
 * Output level (dB) of a downward compressor for an input level `x` (dB).
 * Below the knee the signal is untouched, above it slopes at 1/ratio, inside it a quadratic joins the two:
 * `x + (1/R − 1)·(x − T + W/2)² / (2W)` for |x − T| ≤ W/2.
 * @param x input level, dB.
 * @param threshold T, dB.
 * @param ratio R ≥ 1.
 * @param knee W ≥ 0, dB (0 = hard knee).
 */
export function compressorCurve(x: number, threshold: number, ratio: number, knee: number): number {
  return x - compressorReduction(x, threshold, 1 - 1 / ratio, knee);
}

/**
 * Gain reduction in dB (≥ 0) of a downward compressor: `x − compressorCurve(x)`.
 * @param slope 1 − 1/ratio (0 … 1), precomputed so the per-sample path has no division.
 * @param knee knee width in dB (0 = hard).
 */
export function compressorReduction(x: number, threshold: number, slope: number, knee: number): number {
  const over = x - threshold;
  if (2 * over <= -knee) return 0;
  if (2 * over < knee) {
    const d = over + knee / 2;
    return (slope * d * d) / (2 * knee);
  }
  return slope * over;
}

/**
 * Gain reduction in dB (≥ 0) of a downward expander: below the threshold each dB of level loses
 * `ratio − 1` further dB, limited to `range` dB. `ratio` 1 = no expansion.
 */
export function expanderReduction(x: number, threshold: number, ratio: number, range: number): number {
  const under = threshold - x;
  if (!(under > 0)) return 0;
  const r = under * (ratio - 1);
  return Math.min(r, range);
}

/**
 * One-pole coefficient for a time constant: a step response covers 1 − 1/e ≈ 63.2% of the way in `ms`.
 * 0 ms gives 0 (instant).
 */
export function timeCoefficient(ms: number, sampleRate: number): number {
  return ms <= 0 ? 0 : Math.exp(-1000 / (ms * sampleRate));
}

/**
 * RMS detection, in place: instantaneous powers `power[0 … frames)` become the one-pole running mean square
 * with `coeff` (from `timeCoefficient`), starting from `state`. Means below 1e-30 are zero, so a tail ends in
 * exact zeros, not denormals. Returns the state after the last sample.
 */
export function smoothMeanSquare(power: Float64Array, frames: number, coeff: number, state: number): number {
  let m = state;
  for (let i = 0; i < frames; i++) {
    m = power[i] + coeff * (m - power[i]);
    if (m < 1e-30) m = 0;
    power[i] = m;
  }
  return m;
}

/** ln(10)/20: converts dB to a natural exponent, so gain = exp(dB · DB_TO_LN). */
export const DB_TO_LN = Math.LN10 / 20;
/** 10/ln(10): converts the natural log of a power to dB. */
export const LN_POWER_TO_DB = 10 / Math.LN10;
