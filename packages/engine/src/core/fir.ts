/** FIR design by the window method with a Kaiser window (J. F. Kaiser's formulas for β and length). */

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser β for a stop-band attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/** Taps needed for an attenuation (dB) and a transition width (as a fraction of the sample rate); always odd. */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  const n = Math.ceil((attenuationDb - 7.95) / (14.36 * transitionWidth)) + 1;
  return n % 2 === 0 ? n + 1 : n;
}

/** A Kaiser window of `length` points. */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const w = new Float64Array(length);
  const denom = besselI0(beta);
  const m = length - 1;
  for (let i = 0; i < length; i++) {
    const r = m === 0 ? 0 : (2 * i) / m - 1;
    w[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denom;
  }
  return w;
}

/**
 * Windowed-sinc low-pass FIR with unity gain at DC.
 * @param length number of taps (odd gives an integer group delay of (length−1)/2).
 * @param cutoff cut-off as a fraction of the sample rate (0 < cutoff < 0.5).
 * @param beta Kaiser β (see `kaiserBeta`).
 */
export function windowedSincLowpass(length: number, cutoff: number, beta: number): Float64Array {
  const w = kaiserWindow(length, beta);
  const h = new Float64Array(length);
  const mid = (length - 1) / 2;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const t = i - mid;
    const s = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    h[i] = s * w[i];
    sum += h[i];
  }
  for (let i = 0; i < length; i++) h[i] /= sum;
  return h;
}
