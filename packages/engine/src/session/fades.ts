/**
 * Clip fade curves: the utility fades (linear, equal-power, s-curve; see dsp/utility/fade.ts) plus two
 * level-shaped curves for single fades. A fade-in's gain goes 0 → 1 as `x` goes 0 → 1; a fade-out uses the
 * same curve mirrored (`clipFadeGain(shape, 1 − x)`), so equal-power pairs keep constant power and linear or
 * s-curve pairs keep constant amplitude.
 */
import { fadeGain } from "../dsp/utility/fade.ts";
import type { ClipFadeShape } from "./schema.ts";

/**
 * Gain of a fade-in at position `x` (0 … 1, clamped).
 * - `linear`, `equal-power`, `s-curve`: as the utility fades
 * - `exponential`: x², slow start (sounds even in level for fade-ins)
 * - `logarithmic`: 1 − (1 − x)², fast start
 */
export function clipFadeGain(shape: ClipFadeShape, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (shape === "exponential") return x * x;
  if (shape === "logarithmic") return 1 - (1 - x) * (1 - x);
  return fadeGain(shape, x);
}
