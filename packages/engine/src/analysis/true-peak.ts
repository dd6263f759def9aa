import { kaiserBeta, windowedSincLowpass } from "../core/fir.ts";
import { KERNEL_CAPACITY, TruePeakKernel } from "./true-peak-kernel.ts";

/** Taps per polyphase branch: 24 keeps the passband flat to ~20 kHz at 44.1/48 kHz. */
const TAPS_PER_PHASE = 24;
/** Stop-band attenuation of the interpolation filter, in dB. */
const STOPBAND_DB = 80;
/** Samples checked together when deciding whether interpolation can be skipped. */
const CHUNK = 32;
/**
 * A chunk is skipped when its bound times this is still at or below the peak: the margin covers the
 * rounding of the bound and of the interpolation sums (≈ 30 ulps), so a skip never hides a larger value.
 */
const SKIP_MARGIN = 1 + 1e-9;

/**
 * Oversampling factor for true-peak measurement at a sample rate: 4x below 96 kHz (BS.1770-4 Annex 2 asks
 * for at least 4x at 48 kHz), 2x up to 192 kHz, none above (the signal is already finely sampled).
 */
export function truePeakOversampling(sampleRate: number): number {
  return sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
}

/**
 * The interpolation prototype of both true-peak readers (this meter and the limiter's detector): a Kaiser
 * windowed sinc (80 dB stop band) of `length` taps at `factor` × the base rate, cut at the base-rate
 * Nyquist frequency, split into `factor` polyphase branches of `tapsPerPhase` taps — branch p, tap j is
 * h[j·factor + p] (0 past the end), unscaled. Each reader scales its branches its own way.
 * @param factor oversampling factor (≥ 1).
 * @param tapsPerPhase taps per branch; `length` ≤ factor × tapsPerPhase.
 * @param length prototype length in taps (odd, so the centre falls on a tap).
 */
export function truePeakBranches(factor: number, tapsPerPhase: number, length: number): Float64Array[] {
  const h = windowedSincLowpass(length, 0.5 / factor, kaiserBeta(STOPBAND_DB));
  const phases: Float64Array[] = [];
  for (let p = 0; p < factor; p++) {
    const b = new Float64Array(tapsPerPhase);
    for (let j = 0; j < tapsPerPhase; j++) {
      const k = j * factor + p;
      b[j] = k < length ? h[k] : 0;
    }
    phases.push(b);
  }
  return phases;
}

/**
 * Polyphase branches of the interpolation filter: `phases[p][j]` multiplies x[n−j] for output sub-sample p.
 * Windowed sinc cut at the input's Nyquist frequency; each branch has unity gain at DC.
 */
export function truePeakFilter(factor: number): Float64Array[] {
  // Odd length with an integer centre: branch p then interpolates exactly p/factor of the way between
  // samples, so the points checked are evenly spaced (0, ¼, ½, ¾ at 4x) and include the half-sample point.
  const length = factor * (TAPS_PER_PHASE - 1) + 1;
  // Scaled by the factor: zero-stuffing divides the gain by it.
  return truePeakBranches(factor, TAPS_PER_PHASE, length).map((b) => b.map((v) => v * factor));
}

/**
 * Streaming true-peak meter (ITU-R BS.1770-4 Annex 2): the largest absolute value of the signal
 * oversampled by `truePeakOversampling(rate)`, per channel, never less than the sample peak.
 *
 * Interpolation is the expensive part, so it is skipped where it provably cannot raise the reading:
 * an interpolated value is bounded by (largest |x| among the taps it uses) × (largest Σ|h| of a branch).
 * When that bound is below the peak found so far the whole chunk is skipped. The result is exactly the
 * one the unpruned computation gives; on music most of the file is skipped once the loudest passage
 * has been seen. What is left (all of it on dense material: noise, a sine, a limited master) runs in a
 * generated WebAssembly SIMD kernel where the host has one (`TruePeakKernel`, the same numbers to the
 * last bit), else in the TypeScript loop.
 */
export class TruePeakMeter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly factor: number;
  private readonly phases: Float64Array[];
  /** Largest Σ|h| over the branches: the gain bound used for pruning. */
  private readonly bound: number;
  private readonly history: Float64Array[];
  /** Gathered taps for one chunk: H history samples plus CHUNK new ones. */
  private readonly window = new Float64Array(TAPS_PER_PHASE - 1 + CHUNK);
  private chunkMax = new Float64Array(0);
  private readonly peaks: Float64Array;
  /** One WebAssembly kernel per channel (each holds its channel's history), or null for the TypeScript path. */
  private readonly kernels: TruePeakKernel[] | null;

  /**
   * @param sampleRate in Hz, 8 000 … 384 000.
   * @param channels 1 … 64.
   * @param options.wasm use the WebAssembly kernel where the host has one (default true); false forces the
   *   TypeScript loop, which gives the same readings.
   */
  constructor(sampleRate: number, channels: number, options: { wasm?: boolean } = {}) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.factor = truePeakOversampling(sampleRate);
    // The branch that lands exactly on the input samples is a pure delay: its outputs are samples already
    // counted by the sample peak, so it is left out of the interpolation.
    this.phases = (this.factor > 1 ? truePeakFilter(this.factor) : []).filter((b) => !isUnitImpulse(b));
    let bound = 1;
    for (const b of this.phases) {
      let s = 0;
      for (const v of b) s += Math.abs(v);
      bound = Math.max(bound, s);
    }
    this.bound = bound * SKIP_MARGIN;
    this.history = Array.from({ length: channels }, () => new Float64Array(TAPS_PER_PHASE - 1));
    this.peaks = new Float64Array(channels);
    let kernels: TruePeakKernel[] | null = null;
    if (this.phases.length > 0 && options.wasm !== false) {
      kernels = [];
      for (let c = 0; c < channels && kernels; c++) {
        const k = TruePeakKernel.create(this.phases, this.bound, CHUNK);
        if (k) kernels.push(k);
        else kernels = null;
      }
    }
    this.kernels = kernels;
  }

  /**
   * How far the interpolated points trail the input, in frames: the points found while a frame is fed lie
   * up to this many frames before it (the centre of the interpolation filter). 0 without oversampling.
   */
  get delayFrames(): number {
    return this.phases.length ? Math.ceil((TAPS_PER_PHASE - 1) / 2) : 0;
  }

  /** Per-channel true peaks so far, linear (1.0 = full scale). */
  get channelPeaks(): number[] {
    return Array.from(this.peaks);
  }

  /** The largest true peak over all channels so far, linear. */
  get peak(): number {
    let m = 0;
    for (const p of this.peaks) m = Math.max(m, p);
    return m;
  }

  /** Feeds `frames` frames of planar audio. */
  process(input: readonly Float32Array[], frames: number): void {
    for (let c = 0; c < this.channels; c++) this.processChannel(c, input[c], frames);
  }

  /** Feeds one channel's block; channels are independent, so a caller may feed them separately. */
  processChannel(c: number, x: Float32Array, frames: number): void {
    const T = TAPS_PER_PHASE;
    const H = T - 1;
    let peak = this.peaks[c];
    if (this.factor === 1) {
      for (let i = 0; i < frames; i++) {
        const a = Math.abs(x[i]);
        if (a > peak) peak = a;
      }
      this.peaks[c] = peak;
      return;
    }
    const kernel = this.kernels?.[c];
    if (kernel) {
      this.peaks[c] = this.kernelScan(kernel, x, frames, peak);
      return;
    }
    const hist = this.history[c];
    // Max |x| per CHUNK of this block, in one read-only pass; the sample peak falls out of it.
    const nChunks = Math.ceil(frames / CHUNK);
    if (this.chunkMax.length < nChunks) this.chunkMax = new Float64Array(nChunks + 16);
    const cm = this.chunkMax;
    for (let k = 0; k < nChunks; k++) {
      let m = 0;
      const end = Math.min(frames, (k + 1) * CHUNK);
      for (let i = k * CHUNK; i < end; i++) {
        const v = x[i];
        const a = v < 0 ? -v : v;
        if (a > m) m = a;
      }
      cm[k] = m;
      if (m > peak) peak = m;
    }
    let histMax = 0;
    for (let i = 0; i < H; i++) {
      const a = Math.abs(hist[i]);
      if (a > histMax) histMax = a;
    }
    const bound = this.bound;
    const phases = this.phases;
    const L = phases.length;
    // Output n (0…frames−1) uses x[n−H … n] (negative indices are the history): chunk k's taps lie in
    // chunks k−1 and k. Only chunks whose bound beats the peak are gathered and interpolated.
    const win = this.window;
    for (let k = 0; k < nChunks; k++) {
      const before = k === 0 ? histMax : cm[k - 1];
      if (Math.max(before, cm[k]) * bound <= peak) continue;
      const n0 = k * CHUNK;
      const n1 = Math.min(frames, n0 + CHUNK);
      // win[j] = x[n0 − H + j], from the history where the index is negative.
      for (let j = 0; j < H + (n1 - n0); j++) {
        const idx = n0 - H + j;
        win[j] = idx >= 0 ? x[idx] : hist[H + idx];
      }
      for (let p = 0; p < L; p++) {
        const h = phases[p];
        for (let n = 0; n < n1 - n0; n++) {
          let y = 0;
          const top = n + H;
          for (let j = 0; j < T; j++) y += h[j] * win[top - j];
          const a = y < 0 ? -y : y;
          if (a > peak) peak = a;
        }
      }
    }
    // Keep the last H samples (fewer new ones than H: shift the old history along).
    if (frames >= H) {
      for (let i = 0; i < H; i++) hist[i] = x[frames - H + i];
    } else {
      hist.copyWithin(0, frames);
      for (let i = 0; i < frames; i++) hist[H - frames + i] = x[i];
    }
    this.peaks[c] = peak;
  }

  /**
   * The kernel path of `processChannel`: the block goes through the kernel's memory in pieces; whole
   * chunks are scanned by the kernel, a last partial chunk here (summed the same way).
   */
  private kernelScan(kernel: TruePeakKernel, x: Float32Array, frames: number, peak: number): number {
    const H = TAPS_PER_PHASE - 1;
    const mem = kernel.samples;
    for (let s = 0; s < frames; s += KERNEL_CAPACITY) {
      const m = Math.min(KERNEL_CAPACITY, frames - s);
      mem.set(x.subarray(s, s + m), H);
      const whole = m - (m % CHUNK);
      if (whole > 0) peak = kernel.scan(whole, peak, maxAbs(mem, 0, H));
      if (whole < m) {
        const cur = maxAbs(mem, H + whole, H + m);
        if (cur > peak) peak = cur;
        if (Math.max(maxAbs(mem, whole, whole + H), cur) * this.bound > peak)
          peak = interpolatedPeak(this.phases, mem, whole, m, peak);
      }
      // The last H samples of history + piece are the next piece's history.
      mem.copyWithin(0, m, m + H);
    }
    return peak;
  }

  /**
   * Forgets the peaks found so far but not the signal's recent history, so the next reading is the true
   * peak of what is fed from now on, interpolated across the boundary (a live meter's window).
   */
  clearPeaks(): void {
    this.peaks.fill(0);
  }

  reset(): void {
    this.peaks.fill(0);
    for (const h of this.history) h.fill(0);
    if (this.kernels) for (const k of this.kernels) k.samples.fill(0, 0, TAPS_PER_PHASE - 1);
  }
}

/** Max |a[i]| for i in from … to − 1 (NaN ignored, as everywhere in the meter). */
function maxAbs(a: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const v = a[i];
    const abs = v < 0 ? -v : v;
    if (abs > m) m = abs;
  }
  return m;
}

/**
 * The largest of `peak` and |interpolated value| over outputs n0 … n1 − 1 of a kernel's memory (output n
 * uses `mem[n … n + H]`), summed as in `processChannel`.
 */
function interpolatedPeak(
  phases: readonly Float64Array[],
  mem: Float32Array,
  n0: number,
  n1: number,
  peak: number,
): number {
  const T = TAPS_PER_PHASE;
  const H = T - 1;
  for (const h of phases) {
    for (let n = n0; n < n1; n++) {
      let y = 0;
      for (let j = 0; j < T; j++) y += h[j] * mem[n + H - j];
      const a = y < 0 ? -y : y;
      if (a > peak) peak = a;
    }
  }
  return peak;
}

/** True when a branch is (to rounding) a single tap of 1: a delay, not an interpolator. */
function isUnitImpulse(b: Float64Array): boolean {
  let ones = 0;
  for (const v of b) {
    if (Math.abs(v - 1) < 1e-9) ones++;
    else if (Math.abs(v) > 1e-9) return false;
  }
  return ones === 1;
}
