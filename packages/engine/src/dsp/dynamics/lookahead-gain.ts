import { TRUE_PEAK_TAPS, TruePeakDetector } from "./true-peak.ts";

/**
 * One lookahead gain stage of the limiter, for all channels at once (one shared gain). Gains are handled as
 * natural logarithms (≤ 0) so a reduction of 600 dB averages as exactly as one of 0.1 dB (linear running sums
 * would lose it to cancellation), and the glides are straight lines in dB:
 *
 * 1. detector: per sample, the needed gain `a = ceiling / peak` (the true peak of the waveform around the
 *    sample when `truePeak`, else |x|), the smallest over the channels;
 * 2. a sliding-window minimum of `a` over `window` samples, so the reduction for a peak covers every sample
 *    that shapes the waveform there (the interpolator's span on both sides);
 * 3. a one-pole release towards that minimum (instant downwards; a time constant on the dB scale);
 * 4. two moving averages (total length `ramp`), which turn the steps into S-shaped glides.
 *
 * A moving average of values that are all ≤ a is ≤ a (in dB as in linear), so with the audio delayed by
 * `latency = D + ramp − 1 + kBefore` (detector delay D, span before a peak kBefore) every sample that shapes
 * a peak is multiplied by at most that peak's needed gain. Runs per sample inside each block (block-size
 * independent); allocates only when a larger block than before arrives.
 */
export class LookaheadGain {
  readonly latency: number;
  readonly truePeak: boolean;
  /** Length of the gain glide, samples. */
  readonly ramp: number;
  private readonly n: number;
  private readonly detectors: TruePeakDetector[];
  private readonly window: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly lines: Float64Array[];
  private linePos = 0;
  private readonly dqVal: Float64Array;
  private readonly dqIdx: Float64Array;
  private dqHead = 0;
  private dqLen = 0;
  private sampleIndex = 0;
  private released = 1;
  private readonly ring1: Float64Array;
  private readonly ring2: Float64Array;
  private pos1 = 0;
  private pos2 = 0;
  private sum1 = 0;
  private sum2 = 0;
  /** The gain applied to the last frame (linear). */
  gain = 1;
  private lastCeiling = 1;
  private lnCeiling = 0;

  /**
   * @param channels channel count.
   * @param truePeak detect inter-sample peaks (`TruePeakDetector`, `tapsPerPhase` taps) rather than sample values.
   * @param ramp length of the gain glide in samples (≥ 1).
   * @param tapsPerPhase interpolator taps per phase for true-peak detection.
   */
  constructor(channels: number, truePeak: boolean, ramp: number, tapsPerPhase = TRUE_PEAK_TAPS) {
    this.n = channels;
    this.truePeak = truePeak;
    const M = Math.max(1, Math.round(ramp));
    this.ramp = M;
    this.detectors = truePeak
      ? Array.from({ length: channels }, () => new TruePeakDetector(tapsPerPhase))
      : [];
    const D = truePeak ? this.detectors[0].delay : 0;
    // The detector's reading at j covers the waveform over [j − 5/4, j], which depends on samples
    // j − 2 − K … j + K (K: the interpolator's half span).
    const K = truePeak ? tapsPerPhase / 2 : 0;
    const kBefore = truePeak ? K + 2 : 0;
    this.latency = D + M - 1 + kBefore;
    this.window = M + kBefore + K;
    this.m1 = Math.ceil(M / 2);
    this.m2 = M - this.m1 + 1;
    this.lines = Array.from({ length: channels }, () => new Float64Array(Math.max(1, this.latency)));
    this.dqVal = new Float64Array(this.window + 1);
    this.dqIdx = new Float64Array(this.window + 1);
    this.ring1 = new Float64Array(this.m1);
    this.ring2 = new Float64Array(this.m2);
    this.reset();
  }

  /** The smallest latency a stage can have (ramp of one sample). */
  static minLatency(truePeak: boolean, tapsPerPhase = TRUE_PEAK_TAPS): number {
    return truePeak ? tapsPerPhase / 2 - 1 + tapsPerPhase / 2 + 2 : 0;
  }

  reset(): void {
    for (const l of this.lines) l.fill(0);
    for (const d of this.detectors) d.reset();
    this.linePos = 0;
    this.dqHead = 0;
    this.dqLen = 0;
    this.sampleIndex = 0;
    this.released = 0;
    this.ring1.fill(0);
    this.ring2.fill(0);
    this.pos1 = 0;
    this.pos2 = 0;
    this.sum1 = 0;
    this.sum2 = 0;
    this.gain = 1;
  }

  /** Block scratch: per-sample peak over channels, and the gain. */
  private peaks = new Float64Array(0);
  private gains = new Float64Array(0);

  /**
   * One block, in place: `ch` (one array per channel, ≥ frames) is replaced by the signal from `latency`
   * samples earlier times its gain. `ceiling[i]` is the linear ceiling per sample (> 0); `releaseCoeff` the
   * one-pole release coefficient (on dB).
   */
  process(ch: Float64Array[], ceiling: Float64Array, frames: number, releaseCoeff: number): void {
    const n = this.n;
    if (this.peaks.length < frames) {
      this.peaks = new Float64Array(frames);
      this.gains = new Float64Array(frames);
    }
    const peaks = this.peaks;
    const gains = this.gains;
    peaks.fill(0, 0, frames);
    for (let c = 0; c < n; c++) {
      const x = ch[c];
      if (this.truePeak) this.detectors[c].process(x, frames, ceiling, peaks);
      else
        for (let i = 0; i < frames; i++) {
          const a = x[i] < 0 ? -x[i] : x[i];
          if (a > peaks[i]) peaks[i] = a;
        }
    }
    const cap = this.window + 1;
    const W = this.window;
    const dqVal = this.dqVal;
    const dqIdx = this.dqIdx;
    const r1 = this.ring1;
    const r2 = this.ring2;
    const m1 = this.m1;
    const m2 = this.m2;
    let head = this.dqHead;
    let len = this.dqLen;
    let idx = this.sampleIndex;
    let rel = this.released;
    let p1 = this.pos1;
    let p2 = this.pos2;
    let s1 = this.sum1;
    let s2 = this.sum2;
    let g = this.gain;
    for (let i = 0; i < frames; i++) {
      const ceil = ceiling[i];
      if (ceil !== this.lastCeiling) {
        this.lastCeiling = ceil;
        this.lnCeiling = Math.log(ceil);
      }
      const peak = peaks[i];
      // ln of the needed gain; an infinite peak is held at the smallest double's log rather than −∞.
      const a = peak > ceil ? Math.max(this.lnCeiling - Math.log(peak), -745) : 0;
      // Sliding minimum over the last W values (monotonic deque in a ring).
      while (len > 0 && dqVal[(head + len - 1) % cap] >= a) len--;
      const tail = (head + len) % cap;
      dqVal[tail] = a;
      dqIdx[tail] = idx;
      len++;
      if (dqIdx[head] <= idx - W) {
        head = head + 1 === cap ? 0 : head + 1;
        len--;
      }
      idx++;
      const held = dqVal[head];
      // Release: instant down, one-pole up.
      rel = held <= rel ? held : held + releaseCoeff * (rel - held);
      // Two moving averages; their sums are recomputed once per lap so rounding never accumulates.
      s1 += rel - r1[p1];
      r1[p1] = rel;
      if (++p1 === m1) {
        p1 = 0;
        s1 = 0;
        for (let k = 0; k < m1; k++) s1 += r1[k];
      }
      const avg1 = s1 / m1;
      s2 += avg1 - r2[p2];
      r2[p2] = avg1;
      if (++p2 === m2) {
        p2 = 0;
        s2 = 0;
        for (let k = 0; k < m2; k++) s2 += r2[k];
      }
      const lg = s2 / m2;
      g = lg < 0 ? Math.exp(lg) : 1;
      gains[i] = g;
    }
    this.dqHead = head;
    this.dqLen = len;
    this.sampleIndex = idx;
    this.released = rel;
    this.pos1 = p1;
    this.pos2 = p2;
    this.sum1 = s1;
    this.sum2 = s2;
    this.gain = g;
    // The delayed audio times its gain.
    const lat = this.latency;
    let pos = this.linePos;
    for (let c = 0; c < n; c++) {
      const x = ch[c];
      if (lat === 0) {
        for (let i = 0; i < frames; i++) x[i] *= gains[i];
        continue;
      }
      const line = this.lines[c];
      pos = this.linePos;
      for (let i = 0; i < frames; i++) {
        const d = line[pos];
        line[pos] = x[i];
        x[i] = d * gains[i];
        if (++pos === lat) pos = 0;
      }
    }
    this.linePos = pos;
  }
}
