/**
 * Denoise: broadband stationary noise (hiss) removed by short-time spectral gain. The noise power spectrum is
 * learned from the quietest frames (or from a time range the caller says holds noise only); each bin's gain is
 * a Wiener gain ξ/(1+ξ) with the a-priori SNR ξ from the decision-directed estimate (Ephraim & Malah, α = 0.98),
 * which smooths the gain over time so no "musical noise" twitters, smoothed over neighbouring bins, and
 * refined by a second step from the current frame (Plapous's two-step noise reduction: removes the
 * decision-directed one-frame lag at onsets); floored at −amountDb.
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
    m /= size;
    energy.push([e / size - m * m, f]);
  }
  energy.sort((u, v) => u[0] - v[0]);
  const chosen = energy.slice(0, Math.max(1, Math.floor(frames / 10)));
  const fft = new FFT(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const bins = size / 2;
  const power = new Float64Array(bins);
  let wp = 0;
  for (let i = 0; i < size; i++) wp += (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size)) ** 2;
  for (const [, f] of chosen) {
    for (let i = 0; i < size; i++) {
      re[i] = x[f * size + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
      im[i] = 0;
    }
    fft.forward(re, im);
    for (let k = 1; k < bins; k++) power[k] += re[k] * re[k] + im[k] * im[k];
  }
  const sorted = Array.from(power.subarray(1)).sort((u, v) => u - v);
  const median = sorted[sorted.length >> 1] / chosen.length;
  // A white noise of variance σ² has E|X_k|² = σ²·Σw² in every bin.
  return { floorDb: powerToDb(median / wp) };
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
  const alpha = 0.98;
  const prevClean = new Float64Array(bins); // G²·|X|² of the previous frame
  const gain = new Float64Array(bins);
  const gammas = new Float64Array(bins);
  const xis = new Float64Array(bins);
  for (let f = 0; f < frames; f++) {
    spectrumOf(f);
    for (let k = 0; k < bins; k++) {
      const p = re[k] * re[k] + im[k] * im[k];
      const lambda = noise[k];
      const gamma = lambda > 0 ? p / lambda : 1e6;
      gammas[k] = gamma;
      xis[k] = lambda > 0 ? alpha * (prevClean[k] / lambda) + (1 - alpha) * Math.max(gamma - 1, 0) : 1e6;
    }
    for (let k = 0; k < bins; k++) {
      // ξ smoothed over neighbouring bins (less variance, no isolated twittering bins), then the second step.
      const xi = k > 0 && k < bins - 1 ? (xis[k - 1] + 2 * xis[k] + xis[k + 1]) / 4 : xis[k];
      const g1 = xi / (1 + xi);
      const xi2 = g1 * g1 * gammas[k];
      const g = Math.max(gMin, xi2 / (1 + xi2));
      gain[k] = g;
      prevClean[k] = g * g * (re[k] * re[k] + im[k] * im[k]);
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
