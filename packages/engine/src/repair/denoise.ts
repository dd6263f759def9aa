/**
 * Denoise: broadband stationary noise (hiss) removed by short-time spectral gain. The noise power spectrum is
 * learned from the quietest frames (or from a time range the caller says holds noise only). The a-priori SNR ξ
 * of each bin comes from temporal cepstrum smoothing (Breithaupt, Gerkmann & Martin 2008: the spectral envelope
 * and the voice's pitch follow the signal quickly, the noise's random fine structure is smoothed away, so no
 * "musical noise" twitters), smoothed over neighbouring bins, and refined by a second step from the current
 * frame (Plapous's two-step noise reduction); the gain is the Ephraim–Malah log-spectral-amplitude estimator,
 * floored at −amountDb. Measured on the corpus voice with white hiss 20 dB under it, against the former
 * decision-directed Wiener gain: SNR +6.64 dB instead of +6.44 at the 12 dB default, with fewer isolated
 * spectral peaks in the pauses.
 * STFT: 2048 points at 48 kHz (scaled with the rate), hop ¼, √Hann analysis and synthesis windows.
 */

import { powerToDb } from "../core/db.ts";
import { FFT } from "../core/fft.ts";

/** How noisy a channel is. */
export interface NoiseReport {
  /**
   * Broadband noise floor, RMS dBFS (−Infinity for digital silence): the median over frequency of the power
   * spectrum of the quietest tenth of the frames, as the level of a white noise with that spectral density.
   * Steady tones (hum, a held note) occupy a few bins and do not count; hiss fills them all.
   */
  floorDb: number;
}

/** Noise floors above this count as a problem worth a badge and (with `auto`) denoising, dBFS. */
export const NOISE_PROBLEM_DB = -60;

/** Measures the broadband noise floor (see NoiseReport.floorDb). */
export function measureNoiseFloor(x: Float32Array, sampleRate: number): NoiseReport {
  const size = fftSizeFor(sampleRate);
  const frames = Math.floor(x.length / size);
  if (frames === 0) return { floorDb: Number.NEGATIVE_INFINITY };
  const energy: [number, number][] = [];
  for (let f = 0; f < frames; f++) {
    let e = 0;
    let m = 0;
    for (let i = f * size; i < (f + 1) * size; i++) {
      e += x[i] * x[i];
      m += x[i];
    }
    energy.push(frameEnergy(e, m, size, f));
  }
  const chosen = quietestFrames(energy);
  const spectra = new NoiseSpectrum(size);
  for (const f of chosen) spectra.add(x, f * size);
  return { floorDb: spectra.floorDb() };
}

/**
 * One frame's entry for `quietestFrames`: [variance, frame index].
 * @param sum Σx² over the frame, in sample order; @param sumX Σx; @param size frame length, samples.
 */
export function frameEnergy(sum: number, sumX: number, size: number, frame: number): [number, number] {
  const m = sumX / size;
  return [sum / size - m * m, frame];
}

/** The frames the noise floor is measured on: the quietest tenth (at least one), quietest first. */
export function quietestFrames(energy: [number, number][]): number[] {
  energy.sort((u, v) => u[0] - v[0]);
  return energy.slice(0, Math.max(1, Math.floor(energy.length / 10))).map(([, f]) => f);
}

/** Frame length of the noise measurement (the denoiser's FFT size), samples. */
export function noiseFrameSize(sampleRate: number): number {
  return fftSizeFor(sampleRate);
}

/** Sums the Hann-windowed power spectra of frames and turns them into a floor (see NoiseReport.floorDb). */
export class NoiseSpectrum {
  private readonly fft: FFT;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly power: Float64Array;
  private readonly wp: number;
  private frames = 0;

  /** @param size frame length, samples (`noiseFrameSize`). */
  constructor(private readonly size: number) {
    this.fft = new FFT(size);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.power = new Float64Array(size / 2);
    let wp = 0;
    for (let i = 0; i < size; i++) wp += (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size)) ** 2;
    this.wp = wp;
  }

  /** Adds the frame x[from, from + size). */
  add(x: ArrayLike<number>, from: number): void {
    const { size, re, im, power } = this;
    for (let i = 0; i < size; i++) {
      re[i] = x[from + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
      im[i] = 0;
    }
    this.fft.forward(re, im);
    for (let k = 1; k < power.length; k++) power[k] += re[k] * re[k] + im[k] * im[k];
    this.frames++;
  }

  /** The floor of the frames added, dBFS. */
  floorDb(): number {
    const sorted = Array.from(this.power.subarray(1)).sort((u, v) => u - v);
    const median = sorted[sorted.length >> 1] / this.frames;
    // A white noise of variance σ² has E|X_k|² = σ²·Σw² in every bin.
    return powerToDb(median / this.wp);
  }
}

/** Denoising settings. */
export interface DenoiseOptions {
  /** Largest reduction of a bin, dB (1 … 40, default 12). */
  amountDb?: number;
  /** A stretch holding noise only, [start, end] in seconds; default: the quietest 10 % of frames. */
  noiseFrom?: [number, number];
}

/** What denoising one channel did. */
export interface DenoiseResult {
  output: Float32Array;
  /** Noise level learned, RMS dBFS. */
  noiseDb: number;
  /** Noise floor (quietest-frames RMS) before and after, dBFS. */
  floorBeforeDb: number;
  floorAfterDb: number;
}

function fftSizeFor(sampleRate: number): number {
  let n = 256;
  while (n < (2048 * sampleRate) / 48000) n *= 2;
  return n;
}

/**
 * Removes stationary broadband noise from one channel.
 * @throws RangeError for an amount out of range or a noise range outside the channel.
 */
export function denoise(x: Float32Array, sampleRate: number, options: DenoiseOptions = {}): DenoiseResult {
  const amountDb = options.amountDb ?? 12;
  if (!(amountDb >= 1 && amountDb <= 40))
    throw new RangeError(`amountDb must be between 1 and 40 dB, got ${amountDb}`);
  const n = x.length;
  const size = fftSizeFor(sampleRate);
  const hop = size / 4;
  const bins = size / 2 + 1;
  const fft = new FFT(size);
  const win = new Float64Array(size);
  for (let i = 0; i < size; i++) win[i] = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  // Frames start at −(size − hop) so every sample is covered by four frames.
  const first = -(size - hop);
  const frames = Math.max(0, Math.ceil((n - first) / hop));
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const spectrumOf = (f: number) => {
    const s = first + f * hop;
    for (let i = 0; i < size; i++) {
      const j = s + i;
      re[i] = j >= 0 && j < n ? x[j] * win[i] : 0;
      im[i] = 0;
    }
    fft.forward(re, im);
  };
  // Noise power spectrum.
  const noise = new Float64Array(bins);
  let chosen: number[];
  if (options.noiseFrom) {
    const [a, b] = options.noiseFrom;
    const s = Math.round(a * sampleRate);
    const e = Math.round(b * sampleRate);
    if (!(Number.isFinite(a) && Number.isFinite(b) && s >= 0 && e <= n && e - s >= size)) {
      throw new RangeError(
        `noiseFrom must lie inside the ${(n / sampleRate).toFixed(3)} s of audio and span at least ${(size / sampleRate).toFixed(3)} s, got ${a}–${b} s`,
      );
    }
    chosen = [];
    for (let f = 0; f < frames; f++) {
      const fs = first + f * hop;
      if (fs >= s && fs + size <= e) chosen.push(f);
    }
  } else {
    const energy: [number, number][] = [];
    for (let f = 0; f < frames; f++) {
      const fs = first + f * hop;
      if (fs < 0 || fs + size > n) continue;
      let e = 0;
      for (let i = 0; i < size; i++) e += x[fs + i] * x[fs + i];
      energy.push([e, f]);
    }
    energy.sort((u, v) => u[0] - v[0]);
    chosen = energy.slice(0, Math.max(1, Math.floor(energy.length / 10))).map((v) => v[1]);
  }
  for (const f of chosen) {
    spectrumOf(f);
    for (let k = 0; k < bins; k++) noise[k] += re[k] * re[k] + im[k] * im[k];
  }
  let noisePower = 0;
  for (let k = 0; k < bins; k++) {
    noise[k] = chosen.length ? noise[k] / chosen.length : 0;
    noisePower += (k === 0 || k === bins - 1 ? 1 : 2) * noise[k];
  }
  // Window power Σw² = size/2 for √Hann; Parseval gives the time-domain noise power.
  const noiseDb = powerToDb(noisePower / size / (size / 2));
  const floorBeforeDb = measureNoiseFloor(x, sampleRate).floorDb;

  const out = new Float64Array(n);
  const gMin = 10 ** (-amountDb / 20);
  const gain = new Float64Array(bins);
  const gammas = new Float64Array(bins);
  const xis = new Float64Array(bins);
  const cepstrum = new TemporalCepstrumSmoother(size, sampleRate);
  for (let f = 0; f < frames; f++) {
    spectrumOf(f);
    for (let k = 0; k < bins; k++)
      gammas[k] = (re[k] * re[k] + im[k] * im[k]) / (noise[k] > 0 ? noise[k] : 1e-30);
    cepstrum.estimate(gammas, noise, xis);
    for (let k = 0; k < bins; k++) {
      // ξ smoothed over neighbouring bins, then the second step from the current frame.
      const xi = k > 0 && k < bins - 1 ? (xis[k - 1] + 2 * xis[k] + xis[k + 1]) / 4 : xis[k];
      const g1 = xi / (1 + xi);
      gain[k] = Math.max(gMin, logSpectralAmplitudeGain(g1 * g1 * gammas[k], gammas[k]));
    }
    for (let k = 0; k < bins; k++) {
      re[k] *= gain[k];
      im[k] *= gain[k];
      if (k > 0 && k < bins - 1) {
        re[size - k] = re[k];
        im[size - k] = -im[k];
      }
    }
    fft.inverse(re, im);
    const s = first + f * hop;
    for (let i = 0; i < size; i++) {
      const j = s + i;
      if (j >= 0 && j < n) out[j] += re[i] * win[i];
    }
  }
  // √Hann² at hop ¼ sums to 2.
  const output = new Float32Array(n);
  for (let i = 0; i < n; i++) output[i] = out[i] / 2;
  return { output, noiseDb, floorBeforeDb, floorAfterDb: measureNoiseFloor(output, sampleRate).floorDb };
}

/** Exponential integral E1(v) = ∫_v^∞ e^{−t}/t dt, v > 0 (series below 1, continued fraction above). */
export function expint1(v: number): number {
  if (v <= 0) return Number.POSITIVE_INFINITY;
  if (v < 1) {
    let sum = 0;
    let term = 1;
    for (let k = 1; k < 40; k++) {
      term *= -v / k;
      sum -= term / k;
      if (Math.abs(term / k) < 1e-16) break;
    }
    return -0.5772156649015329 - Math.log(v) + sum;
  }
  // Lentz's continued fraction for e^{v}·E1(v).
  let b = v + 1;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100; i++) {
    const a = -i * i;
    b += 2;
    d = 1 / (a * d + b);
    c = b + a / c;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h * Math.exp(-v);
}

/**
 * Ephraim–Malah log-spectral-amplitude (LSA) gain: the estimator minimising the mean-square error of the log
 * amplitude, G = ξ/(1+ξ)·exp(½·E1(v)), v = ξγ/(1+ξ).
 * @param xi a-priori SNR, linear power ratio (≥ 0)
 * @param gamma a-posteriori SNR |X|²/λ, linear power ratio (≥ 0)
 */
export function logSpectralAmplitudeGain(xi: number, gamma: number): number {
  const w = xi / (1 + xi);
  const v = Math.max(w * gamma, 1e-10);
  return w * Math.exp(0.5 * expint1(v));
}

/**
 * A-priori SNR by temporal cepstrum smoothing (Breithaupt, Gerkmann & Martin, ICASSP 2008): each frame's
 * maximum-likelihood speech power spectrum, max(γ − 1, ξmin)·λ, is taken to the cepstral domain, where the
 * spectral envelope (quefrencies below 0.375 ms) and the voice's pitch peak (70–500 Hz) are smoothed little over
 * time and everything else — the fine structure that noise alone makes — a lot; back in the spectral domain this
 * is a speech power estimate that keeps the harmonics and onsets with almost no random peaks between them.
 */
export class TemporalCepstrumSmoother {
  /** Floor of the maximum-likelihood a-priori SNR before the logarithm (−25 dB). */
  private static readonly XI_MIN = 10 ** (-25 / 10);
  /** Smoothing of the per-quefrency smoothing constant itself (keeps a pitch change from snapping). */
  private static readonly BETA = 0.96;
  /** Smoothing constant at the pitch peak, and the cepstral height a peak needs to count as pitch. */
  private static readonly ALPHA_PITCH = 0.2;
  private static readonly PITCH_THRESHOLD = 0.2;
  /**
   * The log of a χ² (2 degrees of freedom) periodogram is biased low by Euler's γ; the smoothed log spectrum is
   * corrected by it.
   */
  private static readonly LOG_BIAS = 0.5772156649015329;
  private readonly fft: FFT;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly smooth: Float64Array;
  private readonly alphaBar: Float64Array;
  private readonly alphaConst: Float64Array;
  private readonly qLo: number;
  private readonly qHi: number;
  private first = true;
  constructor(
    private readonly size: number,
    sampleRate: number,
  ) {
    this.fft = new FFT(size);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    const half = size / 2 + 1;
    this.smooth = new Float64Array(half);
    this.alphaBar = new Float64Array(half);
    this.alphaConst = new Float64Array(half);
    // Envelope (< 0.375 ms): 0.5; formant detail (< 2.5 ms): 0.7; the rest 0.97 (the paper's 8 kHz values in ms).
    const qEnvelope = Math.round(0.000375 * sampleRate);
    const qDetail = Math.round(0.0025 * sampleRate);
    for (let q = 0; q < half; q++) this.alphaConst[q] = q < qEnvelope ? 0.5 : q < qDetail ? 0.7 : 0.97;
    this.alphaBar.set(this.alphaConst);
    this.qLo = Math.floor(sampleRate / 500);
    this.qHi = Math.min(half - 1, Math.ceil(sampleRate / 70));
  }

  /** Fills `xi` (a-priori SNR per bin, linear) from the a-posteriori SNR `gamma` and the noise power `noise`. */
  estimate(gamma: Float64Array, noise: Float64Array, xi: Float64Array): void {
    const { size, re, im } = this;
    const T = TemporalCepstrumSmoother;
    const half = size / 2 + 1;
    for (let k = 0; k < half; k++) {
      const l = Math.log(Math.max(gamma[k] - 1, T.XI_MIN) * (noise[k] || 1e-30));
      re[k] = l;
      im[k] = 0;
      if (k > 0 && k < half - 1) {
        re[size - k] = l;
        im[size - k] = 0;
      }
    }
    this.fft.inverse(re, im);
    // Pitch: the largest cepstral peak between 70 and 500 Hz, if it stands high enough.
    let qPitch = -1;
    let best = T.PITCH_THRESHOLD;
    for (let q = this.qLo; q <= this.qHi; q++) {
      if (re[q] > best) {
        best = re[q];
        qPitch = q;
      }
    }
    for (let q = 0; q < half; q++) {
      const target = qPitch > 0 && Math.abs(q - qPitch) <= 2 ? T.ALPHA_PITCH : this.alphaConst[q];
      this.alphaBar[q] = T.BETA * this.alphaBar[q] + (1 - T.BETA) * target;
      const a = this.first ? 0 : this.alphaBar[q];
      this.smooth[q] = a * this.smooth[q] + (1 - a) * re[q];
    }
    this.first = false;
    for (let q = 0; q < half; q++) {
      re[q] = this.smooth[q];
      im[q] = 0;
      if (q > 0 && q < half - 1) {
        re[size - q] = this.smooth[q];
        im[size - q] = 0;
      }
    }
    this.fft.forward(re, im);
    for (let k = 0; k < half; k++) xi[k] = Math.exp(re[k] + T.LOG_BIAS) / (noise[k] || 1e-30);
  }
}
