/**
 * Fade curves as pure functions, for clip fades and crossfades. A fade-in uses gain(x) and the matching
 * fade-out gain(1 − x), x running 0 → 1 across the fade:
 * - `linear`: gain = x. In + out = 1: constant amplitude (right for crossfading correlated material).
 * - `equal-power`: gain = sin(πx/2). In² + out² = 1: constant power (right for unrelated material).
 * - `s-curve`: gain = (1 − cos πx)/2, slow at both ends. In + out = 1: constant amplitude.
 */

export const FADE_SHAPES = ["linear", "equal-power", "s-curve"] as const;
export type FadeShape = (typeof FADE_SHAPES)[number];

/**
 * Gain of a fade-in at position x (0 = start, silent; 1 = end, full level). x outside 0 … 1 is clamped.
 * A fade-out at the same position uses `fadeGain(shape, 1 − x)`.
 */
export function fadeGain(shape: FadeShape, x: number): number {
  if (Number.isNaN(x)) throw new RangeError("fade position x must be a number between 0 and 1, got NaN");
  const t = Math.min(1, Math.max(0, x));
  switch (shape) {
    case "linear":
      return t;
    case "equal-power":
      return Math.sin((Math.PI / 2) * t);
    case "s-curve":
      return 0.5 * (1 - Math.cos(Math.PI * t));
    default:
      throw new RangeError(
        `fade shape must be one of ${FADE_SHAPES.join(", ")}, got ${JSON.stringify(shape)}`,
      );
  }
}

/**
 * Multiplies `samples` in place by a fade. Sample i sits at fade position `(start + i) / length`: a fade-in
 * is silent at its first sample and reaches full level at sample `length` (just after the fade); a fade-out
 * is full at its first sample and silent at sample `length`. Samples before / after the fade get the level
 * the fade starts / ends with. `start` lets a long fade be applied block by block.
 * @param samples audio to fade (modified).
 * @param shape curve.
 * @param direction `in` (rising) or `out` (falling).
 * @param length fade length in samples (≥ 1); default the whole array.
 * @param start fade position of samples[0], in samples (default 0).
 */
export function applyFade(
  samples: Float32Array,
  shape: FadeShape,
  direction: "in" | "out",
  length: number = samples.length,
  start = 0,
): void {
  if (!(length >= 1)) throw new RangeError(`fade length must be at least 1 sample, got ${length}`);
  if (direction !== "in" && direction !== "out") {
    throw new RangeError(`fade direction must be "in" or "out", got ${JSON.stringify(direction)}`);
  }
  fadeGain(shape, 0);
  const inv = 1 / length;
  for (let i = 0; i < samples.length; i++) {
    const x = (start + i) * inv;
    samples[i] *= fadeGain(shape, direction === "in" ? x : 1 - x);
  }
}

/**
 * Crossfades `from` into `to` over `length` samples into `out` (may be either input): out = from·gain(1 − x)
 * + to·gain(x), with the same positions as `applyFade`.
 */
export function crossfade(
  from: Float32Array,
  to: Float32Array,
  out: Float32Array,
  shape: FadeShape,
  length: number = out.length,
  start = 0,
): void {
  if (!(length >= 1)) throw new RangeError(`crossfade length must be at least 1 sample, got ${length}`);
  const inv = 1 / length;
  for (let i = 0; i < out.length; i++) {
    const x = (start + i) * inv;
    out[i] = from[i] * fadeGain(shape, 1 - x) + to[i] * fadeGain(shape, x);
  }
}
