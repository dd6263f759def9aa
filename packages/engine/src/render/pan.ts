/**
 * Pan laws. Mono: constant power, left = cos((p+1)·π/4), right = sin((p+1)·π/4) (−3 dB each side at centre).
 * Stereo: balance, unity at centre; the far side falls with the same constant-power curve, normalised.
 */

/** Left and right gains for a mono signal at pan `p` (−1 … +1). */
export function monoPan(p: number, out: { l: number; r: number }): void {
  const a = ((p + 1) * Math.PI) / 4;
  out.l = Math.cos(a);
  out.r = Math.sin(a);
}

/** Left and right gains for a stereo signal at balance `p` (−1 … +1); 1, 1 at centre. */
export function stereoBalance(p: number, out: { l: number; r: number }): void {
  const a = ((p + 1) * Math.PI) / 4;
  out.l = Math.min(1, Math.SQRT2 * Math.cos(a));
  out.r = Math.min(1, Math.SQRT2 * Math.sin(a));
}
