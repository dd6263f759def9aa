/**
 * Linear-phase FIR from a magnitude target, by frequency sampling and a window: the target magnitude (no
 * phase) is sampled on a dense grid, inverse-transformed to a zero-phase impulse, centred, and tapered with
 * a flat window with short raised-cosine ends. The taps are symmetric, so the phase is exactly linear: a pure delay of (taps − 1)/2.
 */
import type { BiquadCoefficients } from "../../core/biquad.ts";
import { FFT, nextPowerOfTwo } from "../../core/fft.ts";

/**
 * Share of the filter at each end that is tapered (raised cosine); the rest is flat. A flat window smears
 * the target least (a tapered one like Kaiser β = 8 blurs a Q-10 peak at 100 Hz by 2 dB at 16k taps); the
 * short tapers keep a response that has not died out by the ends from ringing.
 */
const TAPER = 0.1;
/** Design grid = this many times the tap count (dense sampling keeps time aliasing out). */
const GRID_FACTOR = 4;
/**
 * Filter span in seconds: long enough to follow steep low-frequency shapes (48 dB/oct at 30 Hz, Q 10 at
 * 100 Hz) to ±0.1 dB above ~30 Hz. Narrower features than that (Q 40 at 60 Hz) are smoothed.
 */
const SPAN_SECONDS = 0.68;

/** Taps of the linear-phase EQ filter at a sample rate: 2^k − 1 covering about 0.68 s (32767 at 48 kHz). */
export function linearPhaseTaps(sampleRate: number): number {
  return nextPowerOfTwo(Math.round(SPAN_SECONDS * sampleRate)) - 1;
}

/** |H(e^{jω})| of a cascade of sections at ω (radians per sample). */
export function cascadeMagnitude(sections: readonly BiquadCoefficients[], w: number): number {
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  let m2 = 1;
  for (const s of sections) {
    const nr = s.b0 + s.b1 * c1 + s.b2 * c2;
    const ni = s.b1 * s1 + s.b2 * s2;
    const dr = 1 + s.a1 * c1 + s.a2 * c2;
    const di = s.a1 * s1 + s.a2 * s2;
    m2 *= (nr * nr + ni * ni) / (dr * dr + di * di);
  }
  return Math.sqrt(m2);
}

/**
 * Designs a linear-phase FIR whose magnitude follows that of `sections` (a minimum-phase cascade).
 * @param taps odd number of taps; the delay is (taps − 1)/2 samples.
 */
export function designLinearPhase(sections: readonly BiquadCoefficients[], taps: number): Float64Array {
  if (!(Number.isInteger(taps) && taps >= 3 && taps % 2 === 1)) {
    throw new RangeError(`taps must be an odd integer ≥ 3, got ${taps}`);
  }
  const K = GRID_FACTOR * nextPowerOfTwo(taps);
  const re = new Float64Array(K);
  const im = new Float64Array(K);
  for (let k = 0; k <= K / 2; k++) {
    const m = cascadeMagnitude(sections, (2 * Math.PI * k) / K);
    re[k] = m;
    if (k > 0 && k < K / 2) re[K - k] = m;
  }
  new FFT(K).inverse(re, im);
  const mid = (taps - 1) / 2;
  const w = tukeyWindow(taps, TAPER);
  const h = new Float64Array(taps);
  // The zero-phase impulse is even (re[n] = re[K − n]); place n = 0 at the centre tap.
  for (let i = 0; i < taps; i++) {
    const n = i - mid;
    h[i] = re[(n + K) % K] * w[i];
  }
  // Force exact symmetry (the FFT leaves last-bit differences) so the phase is exactly linear.
  for (let i = 0; i < mid; i++) {
    const v = 0.5 * (h[i] + h[taps - 1 - i]);
    h[i] = v;
    h[taps - 1 - i] = v;
  }
  return h;
}

/** A window flat in the middle with raised-cosine tapers over `taper` of its length at each end. */
export function tukeyWindow(length: number, taper: number): Float64Array {
  const w = new Float64Array(length).fill(1);
  const edge = Math.floor(taper * (length - 1));
  for (let i = 0; i < edge; i++) {
    const v = 0.5 * (1 - Math.cos((Math.PI * (i + 1)) / (edge + 1)));
    w[i] = v;
    w[length - 1 - i] = v;
  }
  return w;
}
