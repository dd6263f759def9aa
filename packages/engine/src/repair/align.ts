/**
 * Polarity and time alignment of two recordings of one source (two microphones on a voice, kick in and out):
 * the cross-correlation of their mono sums (by FFT) peaks at the delay of B against A; a parabola through the
 * peak and its neighbours gives the fraction of a sample, the peak's sign the polarity. B is then advanced
 * (whole samples exactly, the fraction by a windowed-sinc interpolator) and inverted when needed.
 */
import { FFT, nextPowerOfTwo } from "../core/fft.ts";

/** Delay and polarity of one recording against another, and the second one aligned. */
export interface AlignResult {
  /** How late `other` is against `reference`, in samples, to 0.01 (negative when it is early). */
  delaySamples: number;
  /** The same in milliseconds. */
  delayMs: number;
  /** True when `other` is inverted against `reference`. */
  inverted: boolean;
  /** Normalised correlation at the peak, 0 … 1 (how alike the two are once aligned). */
  correlation: number;
  /** `other` advanced by the delay and inverted when needed, as long as `other`. */
  aligned: Float32Array[];
}

/** Options for `alignRecordings`. */
export interface AlignOptions {
  /** Largest delay searched either way, seconds (default 1). */
  maxDelaySeconds?: number;
  /** Longest stretch correlated, seconds from the start (default 60). */
  analysisSeconds?: number;
}

/** Sum of the channels over `length` samples, its mean removed (a DC offset says nothing about timing). */
function monoSum(channels: Float32Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  for (const c of channels) for (let i = 0; i < Math.min(length, c.length); i++) out[i] += c[i];
  let mean = 0;
  for (let i = 0; i < length; i++) mean += out[i];
  mean /= Math.max(1, length);
  for (let i = 0; i < length; i++) out[i] -= mean;
  return out;
}

/**
 * Finds the delay and polarity of `other` against `reference` and returns `other` aligned.
 * @param reference planar channels of recording A.
 * @param other planar channels of recording B (any channel count).
 * @param sampleRate Hz, the same for both.
 */
export function alignRecordings(
  reference: Float32Array[],
  other: Float32Array[],
  sampleRate: number,
  options: AlignOptions = {},
): AlignResult {
  if (reference.length === 0 || other.length === 0)
    throw new RangeError("both recordings need at least one channel");
  const maxLag = Math.round((options.maxDelaySeconds ?? 1) * sampleRate);
  const span = Math.round((options.analysisSeconds ?? 60) * sampleRate);
  const na = Math.min(reference[0].length, span);
  const nb = Math.min(other[0].length, span);
  const a = monoSum(reference, na);
  const b = monoSum(other, nb);
  const size = nextPowerOfTwo(na + nb);
  const fft = new FFT(size);
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  ar.set(a);
  br.set(b);
  fft.forward(ar, ai);
  fft.forward(br, bi);
  // r[lag] = Σ a[n]·b[n + lag]  ⇔  conj(A)·B
  for (let k = 0; k < size; k++) {
    const re = ar[k] * br[k] + ai[k] * bi[k];
    const im = ar[k] * bi[k] - ai[k] * br[k];
    ar[k] = re;
    ai[k] = im;
  }
  fft.inverse(ar, ai);
  const at = (lag: number) => ar[(lag + size) % size];
  let best = 0;
  let bestAbs = -1;
  for (let lag = -Math.min(maxLag, na - 1); lag <= Math.min(maxLag, nb - 1); lag++) {
    const v = Math.abs(at(lag));
    if (v > bestAbs) {
      bestAbs = v;
      best = lag;
    }
  }
  let ea = 0;
  let eb = 0;
  for (let i = 0; i < na; i++) ea += a[i] * a[i];
  for (let i = 0; i < nb; i++) eb += b[i] * b[i];
  if (!(bestAbs > 0 && ea > 0 && eb > 0)) {
    // One of them is silent: nothing to align by.
    return {
      delaySamples: 0,
      delayMs: 0,
      inverted: false,
      correlation: 0,
      aligned: other.map((c) => new Float32Array(c)),
    };
  }
  const peak = at(best);
  const inverted = peak < 0;
  const y0 = Math.abs(at(best - 1));
  const y1 = Math.abs(peak);
  const y2 = Math.abs(at(best + 1));
  const denom = y0 - 2 * y1 + y2;
  const frac = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / denom)) : 0;
  // Reported and applied to a hundredth of a sample: the parabola's own error is about that size.
  const delay = best + Math.round(frac * 100) / 100;
  const correlation = ea > 0 && eb > 0 ? Math.min(1, Math.abs(peak) / Math.sqrt(ea * eb)) : 0;
  const aligned = other.map((c) => shiftChannel(c, delay, inverted ? -1 : 1));
  return {
    delaySamples: delay,
    delayMs: Math.round(((delay * 1000) / sampleRate) * 1000) / 1000,
    inverted,
    correlation,
    aligned,
  };
}

/** Half-length of the fractional-delay interpolator, samples. */
const SINC_HALF = 16;

/**
 * A channel moved in time and optionally inverted: y[i] = sign · x[i + delay] (zeros beyond the ends). Whole
 * delays are exact copies; fractions use a 32-tap Hann-windowed sinc.
 * @param delay samples to advance by (negative delays); any real number.
 * @param sign 1, or −1 to invert.
 */
export function shiftChannel(x: Float32Array, delay: number, sign: 1 | -1): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  const whole = Math.floor(delay);
  const frac = delay - whole;
  if (frac === 0) {
    const d = Math.round(delay);
    for (let i = 0; i < n; i++) {
      const j = i + d;
      out[i] = j >= 0 && j < n ? sign * x[j] : 0;
    }
    return out;
  }
  const taps = new Float64Array(2 * SINC_HALF);
  for (let k = 0; k < 2 * SINC_HALF; k++) {
    const t = k - SINC_HALF + 1 - frac; // offset of tap k from the wanted point
    const sinc = Math.sin(Math.PI * t) / (Math.PI * t);
    const w = 0.5 + 0.5 * Math.cos((Math.PI * t) / SINC_HALF);
    taps[k] = sinc * w;
  }
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const base = i + whole - SINC_HALF + 1;
    for (let k = 0; k < 2 * SINC_HALF; k++) {
      const j = base + k;
      if (j >= 0 && j < n) acc += taps[k] * x[j];
    }
    out[i] = sign * acc;
  }
  return out;
}
