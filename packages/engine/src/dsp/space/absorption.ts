/**
 * Per-pass loss for a recirculating reverb path: a one-pole low-pass y = c·(1−b)·x + b·y[n−1] whose gain
 * gives a chosen reverberation time at two frequencies. A path `seconds` long heard once must lose
 * 60·seconds/RT60 dB, so at 1 kHz the gain is 10^(−3·seconds/rt60Mid) and at 8 kHz (or 0.45·fs if lower)
 * 10^(−3·seconds/rt60High). Solving |H| at both frequencies gives the pole b and the gain c.
 */

/** Reference frequency at which the reverb's `decayS` holds exactly, Hz. */
export const RT_MID_HZ = 1000;
/** Frequency at which the damped (high-frequency) reverberation time holds, Hz (capped at 0.45·fs). */
export const RT_HIGH_HZ = 8000;

export interface Absorption {
  /** Input gain c·(1−b). */
  g: number;
  /** Pole b (0 ≤ b < 1). */
  b: number;
}

/**
 * @param seconds length of the path the filter closes, s.
 * @param rt60Mid reverberation time wanted at 1 kHz, s.
 * @param rt60High reverberation time wanted at 8 kHz, s (≤ rt60Mid).
 * @param sampleRate Hz.
 */
export function designAbsorption(
  seconds: number,
  rt60Mid: number,
  rt60High: number,
  sampleRate: number,
): Absorption {
  return absorptionForGains(
    10 ** ((-3 * seconds) / rt60Mid),
    10 ** ((-3 * seconds) / Math.min(rt60Mid, rt60High)),
    sampleRate,
  );
}

/**
 * The one-pole filter with gain `gMid` at 1 kHz and `gHigh` (≤ gMid) at 8 kHz (or 0.45·fs if lower).
 * @param gMid linear gain at 1 kHz (0 < gMid < 1).
 * @param gHigh linear gain at 8 kHz.
 * @param sampleRate Hz.
 */
export function absorptionForGains(gMid: number, gHigh: number, sampleRate: number): Absorption {
  gHigh = Math.min(gHigh, gMid);
  const w1 = (2 * Math.PI * RT_MID_HZ) / sampleRate;
  const w2 = (2 * Math.PI * Math.min(RT_HIGH_HZ, 0.45 * sampleRate)) / sampleRate;
  const c1 = Math.cos(w1);
  const c2 = Math.cos(w2);
  // |H(w1)|²/|H(w2)|² = R² ⇔ (R²−1)b² + 2(cos w2 − R² cos w1)b + (R²−1) = 0; the roots are b and 1/b.
  const R2 = (gMid / gHigh) ** 2;
  const A = R2 - 1;
  const B = 2 * (c2 - R2 * c1);
  let b = 0;
  if (A > 1e-12) {
    const disc = B * B - 4 * A * A;
    b = disc > 0 ? (-B - Math.sqrt(disc)) / (2 * A) : 0.99;
    b = Math.min(0.99, Math.max(0, b));
  }
  // Gain c so that |H(w1)| = gMid exactly.
  let c = (gMid * Math.sqrt(1 - 2 * b * c1 + b * b)) / (1 - b);
  // The DC gain c is above gMid; keep the loop safely passive even for very long settings.
  c = Math.min(c, 0.99999);
  return { g: c * (1 - b), b };
}
