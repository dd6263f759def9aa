/**
 * Clipping found piece by piece: the same rules as `detectClipping` (declip.ts) for a channel that arrives in
 * consecutive stretches. The clip levels (the channel's extremes) must be known before — a first pass over
 * the file measures them — and runs crossing from one stretch into the next are carried over, so the result
 * is the whole channel's, run for run.
 */
import {
  type ClippingReport,
  CUT_FRACTION,
  clippingReport,
  LEVEL_TOLERANCE,
  MIN_CUT_RUNS,
  MIN_LEVEL,
  overshootOf,
} from "./declip.ts";

/** Runs at one side's extreme value. */
class SideRuns {
  /** Samples at the level. */
  count = 0;
  /** Runs whose edges show the wave was cut off. */
  cutRuns = 0;
  /** Every run as [first sample, length]. */
  readonly spans: [number, number][] = [];
  /** The open run: its first sample (absolute), or −1. */
  private start = -1;
  /** x[start − 2], x[start − 1], x[start] of the open run (what `overshoot` looks at before it). */
  private readonly head = [0, 0, 0];

  constructor(
    /** The channel's extreme on this side. */
    readonly level: number,
    readonly sign: 1 | -1,
  ) {}

  /** True when this side can be clipped at all (its extreme is loud enough). */
  get eligible(): boolean {
    return this.sign * this.level >= MIN_LEVEL;
  }

  /**
   * Takes samples [from, to) (absolute), found in `x` at `x[i − offset]`; `x` holds at least two samples before
   * `from` (or from the start of the channel) and two after `to` (or up to its end, `frames`).
   */
  scan(x: Float32Array, offset: number, from: number, to: number, frames: number): void {
    const { sign, level } = this;
    const at = sign * level - LEVEL_TOLERANCE;
    for (let i = from; i < to; i++) {
      const on = sign * x[i - offset] >= at;
      if (on) {
        this.count++;
        if (this.start < 0) {
          this.start = i;
          this.head[0] = i >= 2 ? x[i - 2 - offset] : 0;
          this.head[1] = i >= 1 ? x[i - 1 - offset] : 0;
          this.head[2] = x[i - offset];
        }
      } else if (this.start >= 0) this.close(i, x, offset, frames);
    }
  }

  /** Ends the open run at `end` (the first sample after it). */
  close(end: number, x: Float32Array | null, offset: number, frames: number): void {
    if (this.start < 0) return;
    const length = end - this.start;
    if (
      length >= 2 &&
      x &&
      this.edges(end, x, offset, frames, length) > this.sign * this.level * CUT_FRACTION
    )
      this.cutRuns++;
    this.spans.push([this.start, length]);
    this.start = -1;
  }

  /** `overshoot` of the open run (0 when it touches either end of the channel). */
  private edges(end: number, x: Float32Array, offset: number, frames: number, length: number): number {
    if (this.start < 2 || end + 2 > frames) return 0;
    const [b2, b1, first] = this.head;
    return overshootOf(b2, b1, first, x[end - offset], x[end + 1 - offset], length, this.sign);
  }

  /** True when the side counts as clipped (after the whole channel). */
  get clipped(): boolean {
    return this.eligible && this.cutRuns >= MIN_CUT_RUNS && this.count >= 3;
  }
}

/** One channel's clipping, scanned in consecutive stretches. */
export class ClippingRuns {
  private readonly pos: SideRuns;
  private readonly neg: SideRuns;
  private scanned = 0;

  /**
   * @param max the channel's largest sample (≥ 0 counts: a channel never above 0 has max 0).
   * @param min its smallest (≤ 0).
   * @param frames the channel's length, samples.
   */
  constructor(
    max: number,
    min: number,
    private readonly frames: number,
  ) {
    this.pos = new SideRuns(max, 1);
    this.neg = new SideRuns(min, -1);
  }

  /**
   * Takes the channel's samples [from, to), which must follow on from the last call's; `x[i − offset]` is
   * sample i, and `x` must reach two samples beyond both ends (or the channel's ends).
   */
  scan(x: Float32Array, offset: number, from: number, to: number): void {
    if (from !== this.scanned)
      throw new RangeError(`ClippingRuns: expected sample ${this.scanned}, got ${from}`);
    for (const side of [this.pos, this.neg]) if (side.eligible) side.scan(x, offset, from, to, this.frames);
    this.scanned = to;
  }

  /** The channel's clipping, as `detectClipping` finds it on the whole channel. */
  finish(): ClippingReport {
    if (this.scanned !== this.frames)
      throw new RangeError(`ClippingRuns: ${this.scanned} of ${this.frames} samples scanned`);
    // A run reaching the end: its edges cannot be looked at (overshoot 0), so no samples are needed.
    for (const side of [this.pos, this.neg]) side.close(this.frames, null, 0, this.frames);
    const pos = this.pos.clipped ? this.pos.level : null;
    const neg = this.neg.clipped ? this.neg.level : null;
    const spans = [...(pos !== null ? this.pos.spans : []), ...(neg !== null ? this.neg.spans : [])].sort(
      (a, b) => a[0] - b[0],
    );
    return clippingReport(pos, neg, spans);
  }
}
