/**
 * Fade curves. A fade-in's gain goes 0 → 1 as `x` goes 0 → 1; a fade-out uses the same curve mirrored
 * (`fadeGain(shape, 1 - x)`), so an equal-power fade-out against an equal-power fade-in keeps constant
 * power (sin² + cos² = 1) and a linear pair keeps constant amplitude.
 */
import type { FadeShape } from "./schema.ts";

/**
 * Gain of a fade-in at position `x` (0 … 1, clamped).
 * - `linear`: x (constant amplitude when crossfading correlated material, e.g. two edits of one take)
 * - `equal-power`: sin(x·π/2) (constant power when crossfading different takes)
 * - `s-curve`: (1 − cos(x·π))/2, gentle at both ends
 * - `exponential`: x², slow start (sounds even in level for fade-ins)
 * - `logarithmic`: 1 − (1 − x)², fast start
 */
export function fadeGain(shape: FadeShape, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  switch (shape) {
    case "linear":
      return x;
    case "equal-power":
      return Math.sin((x * Math.PI) / 2);
    case "s-curve":
      return (1 - Math.cos(x * Math.PI)) / 2;
    case "exponential":
      return x * x;
    case "logarithmic":
      return 1 - (1 - x) * (1 - x);
  }
}
