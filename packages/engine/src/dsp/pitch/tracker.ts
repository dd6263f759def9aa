/**
 * Streaming pitch tracker: YIN on frames centred every `hop` samples, for mono input in blocks of any size.
 * Frame k is centred on input sample k·hop (frames reaching before the start see zeros), so what it reports
 * does not depend on how the input is cut into blocks.
 */
import { type PitchEstimate, type PitchOptions, resolvePitchOptions, Yin } from "./yin.ts";

/** One tracked frame. */
export interface PitchFrame extends PitchEstimate {
  /** Frame index k. */
  index: number;
  /** Input sample the frame is centred on (k·hop). */
  sample: number;
  /** The same in seconds. */
  time: number;
}

export interface TrackerOptions extends PitchOptions {
  /** Samples between frames (default 5 ms worth). */
  hop?: number;
}

export class PitchTracker {
  readonly sampleRate: number;
  /** Samples between frame centres. */
  readonly hop: number;
  /** Frame (analysis window) length, samples: two periods of minHz. */
  readonly frameLength: number;
  private readonly yin: Yin;
  private readonly ring: Float32Array;
  private readonly mask: number;
  private readonly frame: Float32Array;
  /** Input samples received. */
  private count = 0;
  private nextIndex = 0;

  constructor(sampleRate: number, options: TrackerOptions = {}) {
    const o = resolvePitchOptions(options);
    this.sampleRate = sampleRate;
    const hop = options.hop ?? Math.round(0.005 * sampleRate);
    if (!(Number.isInteger(hop) && hop >= 1 && hop <= sampleRate)) {
      throw new RangeError(`pitch tracker hop: must be a whole number of samples ≥ 1, got ${hop}`);
    }
    this.hop = hop;
    this.frameLength = 2 * Math.floor(sampleRate / o.minHz) + 2;
    this.yin = new Yin(sampleRate, this.frameLength, o);
    let size = 1;
    while (size < 2 * this.frameLength + 4) size *= 2;
    this.ring = new Float32Array(size);
    this.mask = size - 1;
    this.frame = new Float32Array(this.frameLength);
  }

  /**
   * Latency of the reports: frame k (centred on sample k·hop) is ready once the input reaches half a frame
   * past its centre.
   */
  get lookahead(): number {
    return this.frameLength - Math.floor(this.frameLength / 2);
  }

  /** Clears history and counters. */
  reset(): void {
    this.ring.fill(0);
    this.count = 0;
    this.nextIndex = 0;
  }

  /** Feeds `frames` samples of mono input; returns the frames that became ready, in order. */
  process(input: ArrayLike<number>, frames: number = input.length): PitchFrame[] {
    const out: PitchFrame[] = [];
    for (let i = 0; i < frames; i++) {
      this.ring[this.count & this.mask] = input[i];
      this.count++;
      // Frame k covers [k·hop − ⌊L/2⌋, k·hop − ⌊L/2⌋ + L).
      const f = this.readyFrame();
      if (f) out.push(f);
    }
    return out;
  }

  private readyFrame(): PitchFrame | null {
    const L = this.frameLength;
    const start = this.nextIndex * this.hop - Math.floor(L / 2);
    if (start + L > this.count) return null;
    for (let j = 0; j < L; j++) {
      const s = start + j;
      this.frame[j] = s < 0 ? 0 : this.ring[s & this.mask];
    }
    const est = this.yin.detect(this.frame);
    const k = this.nextIndex++;
    return { ...est, index: k, sample: k * this.hop, time: (k * this.hop) / this.sampleRate };
  }
}
