import { kaiserBeta, windowedSincLowpass } from "../core/fir.ts";

/** Taps per polyphase branch: 24 keeps the passband flat to ~20 kHz at 44.1/48 kHz. */
const TAPS_PER_PHASE = 24;
/** Stop-band attenuation of the interpolation filter, in dB. */
const STOPBAND_DB = 80;
/** Samples checked together when deciding whether interpolation can be skipped. */
const CHUNK = 32;

/**
 * Oversampling factor for true-peak measurement at a sample rate: 4x below 96 kHz (BS.1770-4 Annex 2 asks
 * for at least 4x at 48 kHz), 2x up to 192 kHz, none above (the signal is already finely sampled).
 */
export function truePeakOversampling(sampleRate: number): number {
  return sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
}

/**
 * Polyphase branches of the interpolation filter: `phases[p][j]` multiplies x[n−j] for output sub-sample p.
 * Windowed sinc cut at the input's Nyquist frequency; each branch has unity gain at DC.
 */
export function truePeakFilter(factor: number): Float64Array[] {
  // Odd length with an integer centre: branch p then interpolates exactly p/factor of the way between
  // samples, so the points checked are evenly spaced (0, ¼, ½, ¾ at 4x) and include the half-sample point.
  const length = factor * (TAPS_PER_PHASE - 1) + 1;
  const h = windowedSincLowpass(length, 0.5 / factor, kaiserBeta(STOPBAND_DB));
  const phases: Float64Array[] = [];
  for (let p = 0; p < factor; p++) {
    const b = new Float64Array(TAPS_PER_PHASE);
    for (let j = 0; j < TAPS_PER_PHASE; j++) {
      const k = j * factor + p;
      b[j] = k < length ? h[k] * factor : 0;
    }
    phases.push(b);
  }
  return phases;
}

/**
 * Streaming true-peak meter (ITU-R BS.1770-4 Annex 2): the largest absolute value of the signal
 * oversampled by `truePeakOversampling(rate)`, per channel, never less than the sample peak.
 *
 * Interpolation is the expensive part, so it is skipped where it provably cannot raise the reading:
 * an interpolated value is bounded by (largest |x| among the taps it uses) × (largest Σ|h| of a branch).
 * When that bound is below the peak found so far the whole chunk is skipped. The result is exactly the
 * one the unpruned computation gives; on music most of the file is skipped once the loudest passage
 * has been seen.
 */
export class TruePeakMeter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly factor: number;
  private readonly phases: Float64Array[];
  /** Largest Σ|h| over the branches: the gain bound used for pruning. */
  private readonly bound: number;
  private readonly history: Float64Array[];
  private ext = new Float64Array(0);
  private chunkMax = new Float64Array(0);
  private readonly peaks: Float64Array;

  /**
   * @param sampleRate in Hz, 8 000 … 384 000.
   * @param channels 1 … 64.
   */
  constructor(sampleRate: number, channels: number) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.factor = truePeakOversampling(sampleRate);
    this.phases = this.factor > 1 ? truePeakFilter(this.factor) : [];
    let bound = 1;
    for (const b of this.phases) {
      let s = 0;
      for (const v of b) s += Math.abs(v);
      bound = Math.max(bound, s);
    }
    this.bound = bound;
    this.history = Array.from({ length: channels }, () => new Float64Array(TAPS_PER_PHASE - 1));
    this.peaks = new Float64Array(channels);
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
    const need = H + frames;
    if (this.ext.length < need) this.ext = new Float64Array(need + CHUNK * 2);
    const ext = this.ext;
    ext.set(this.history[c], 0);
    // One pass: copy the block in after the history, and note max |x| per CHUNK of ext, so each output
    // chunk's tap span (at most two chunks) is bounded cheaply. The history's own maximum is in cm[0].
    const nChunks = Math.ceil(need / CHUNK);
    if (this.chunkMax.length < nChunks + 1) this.chunkMax = new Float64Array(nChunks + 16);
    const cm = this.chunkMax;
    let hm = 0;
    for (let i = 0; i < H; i++) {
      const a = Math.abs(ext[i]);
      if (a > hm) hm = a;
    }
    let blockMax = 0;
    let i = 0;
    for (let k = 0; k < nChunks; k++) {
      let m = k === 0 ? hm : 0;
      const end = Math.min(need, (k + 1) * CHUNK);
      for (let e = Math.max(H, k * CHUNK); e < end; e++, i++) {
        const v = x[i];
        ext[e] = v;
        const a = v < 0 ? -v : v;
        if (a > m) m = a;
      }
      cm[k] = m;
      if (m > blockMax) blockMax = m;
    }
    // The sample peak: every block sample is in some chunk (history samples were counted before).
    if (blockMax > peak && frames > 0) {
      for (let j = 0; j < frames; j++) {
        const a = Math.abs(x[j]);
        if (a > peak) peak = a;
      }
    }
    const hist = this.history[c];
    const phases = this.phases;
    const L = this.factor;
    const bound = this.bound;
    // Output sample n (0…frames−1) uses ext[n … n+H]; chunk k of outputs covers n in [k*CHUNK, …).
    for (let n0 = 0; n0 < frames; n0 += CHUNK) {
      const k = n0 / CHUNK;
      const local = Math.max(cm[k], k + 1 < nChunks ? cm[k + 1] : 0);
      if (local * bound <= peak) continue;
      const n1 = Math.min(frames, n0 + CHUNK);
      for (let p = 0; p < L; p++) {
        const h = phases[p];
        for (let n = n0; n < n1; n++) {
          let y = 0;
          const top = n + H;
          for (let j = 0; j < T; j++) y += h[j] * ext[top - j];
          const a = y < 0 ? -y : y;
          if (a > peak) peak = a;
        }
      }
    }
    for (let i = 0; i < H; i++) hist[i] = ext[frames + i];
    this.peaks[c] = peak;
  }

  reset(): void {
    this.peaks.fill(0);
    for (const h of this.history) h.fill(0);
  }
}
