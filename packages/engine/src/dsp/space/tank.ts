/**
 * What the reverb's preset engines (plate tank, feedback delay network) share: the interface the reverb
 * drives, and delay lengths that glide when `size` changes.
 */

/** A reverb engine: stereo in, stereo wet out, with decay, damping and size. */
export interface Tank {
  /** RT60 at 1 kHz (s) and at 8 kHz (s). Takes effect at once (loop gains only; no click). */
  setDecay(rt60Mid: number, rt60High: number): void;
  /** Scales every delay length; lengths glide to the new values over ~50 ms (fractional reads). */
  setSize(size: number): void;
  /** Reverberates `frames` samples of (inL, inR) into (outL, outR). */
  process(inL: Float64Array, inR: Float64Array, outL: Float64Array, outR: Float64Array, frames: number): void;
  /** Empties every delay line and filter. */
  clear(): void;
}

/** One run of samples: stereo in, stereo wet out, from sample `start`, `count` of them. */
type TankRun = [
  inL: Float64Array,
  inR: Float64Array,
  outL: Float64Array,
  outR: Float64Array,
  start: number,
  count: number,
];

/**
 * The engines' common driving: `setSize` moves the lengths and `setDecay` the decay, both then `redesign`;
 * `process` runs sample by sample with fractional reads (`processGliding`, 64 at a time) while lengths glide
 * and in whole-sample runs of `chunkLength()` (`processStatic`) otherwise.
 */
export abstract class GlidingTank implements Tank {
  /** Lengths in samples, gliding on size changes. */
  protected abstract readonly len: GlidingLengths;
  protected size = 1;
  /** RT60 at 1 kHz and at 8 kHz, s. */
  protected rtMid = 1;
  protected rtHigh = 1;

  /** Length targets in samples for `size`. */
  protected abstract targets(size: number): number[];
  /** Loop gains and filters from the (target) lengths and the decay. */
  protected abstract redesign(): void;
  /** Longest run for which every read in `processStatic` is of samples already written. */
  protected abstract chunkLength(): number;
  /** Whole-sample lengths: a run of at most `chunkLength()` samples. */
  protected abstract processStatic(...run: TankRun): void;
  /** Lengths gliding: sample by sample with fractional reads. */
  protected abstract processGliding(...run: TankRun): void;
  abstract clear(): void;

  setSize(size: number): void {
    if (size === this.size) return;
    this.size = size;
    this.len.set(this.targets(size), false);
    this.redesign();
  }

  setDecay(rt60Mid: number, rt60High: number): void {
    this.rtMid = rt60Mid;
    this.rtHigh = rt60High;
    this.redesign();
  }

  process(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    frames: number,
  ): void {
    let done = 0;
    while (done < frames) {
      if (this.len.gliding) {
        // Lengths moving: sample by sample with fractional reads until the glide ends.
        const n = Math.min(frames - done, 64);
        this.processGliding(inL, inR, outL, outR, done, n);
        done += n;
      } else {
        const n = Math.min(frames - done, this.chunkLength());
        this.processStatic(inL, inR, outL, outR, done, n);
        done += n;
      }
    }
  }
}

/** Time constant of the size glide, ms. */
const GLIDE_MS = 15;

/**
 * Delay lengths in samples that move to integer targets with a per-sample one-pole glide and then sit
 * exactly on the integer, so a static reverb reads whole samples and a size change never jumps.
 */
export class GlidingLengths {
  readonly current: Float64Array;
  readonly target: Float64Array;
  /** True while any length differs from its target. */
  gliding = false;
  private readonly k: number;

  constructor(count: number, sampleRate: number) {
    this.current = new Float64Array(count);
    this.target = new Float64Array(count);
    this.k = 1 - Math.exp(-1 / ((GLIDE_MS / 1000) * sampleRate));
  }

  /** Sets new targets (rounded to whole samples); `snap` jumps there at once (before any audio). */
  set(values: ArrayLike<number>, snap: boolean): void {
    for (let i = 0; i < values.length; i++) this.target[i] = Math.round(values[i]);
    if (snap) this.current.set(this.target);
    this.gliding = !snap;
  }

  /** Advances one sample. */
  step(): void {
    const c = this.current;
    const t = this.target;
    const k = this.k;
    let moving = false;
    for (let i = 0; i < c.length; i++) {
      const d = t[i] - c[i];
      if (d === 0) continue;
      if (d > -1e-4 && d < 1e-4) c[i] = t[i];
      else {
        c[i] += d * k;
        moving = true;
      }
    }
    this.gliding = moving;
  }
}
