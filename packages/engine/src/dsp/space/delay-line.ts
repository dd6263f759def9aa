import { nextPowerOfTwo } from "../../core/fft.ts";

/**
 * A circular delay line with fractional reads (4-point, 3rd-order Hermite interpolation). The caller reads
 * first, then writes the current sample: `read(d)` returns the sample written `d` writes ago, so a delay
 * of d samples in a feedback loop is read(d) … write(x). Fractional delays must be ≥ 2 (the interpolator
 * looks one sample ahead).
 */
export class DelayLine {
  readonly buffer: Float32Array;
  /** buffer.length − 1 (the length is a power of two). */
  readonly mask: number;
  /**
   * Where the next sample will be written. Public for the reverb tanks' fused loops, which read and write
   * `buffer` directly and then advance this by the samples they wrote.
   */
  pos = 0;

  /** @param maxDelay longest delay to be read, in samples. */
  constructor(maxDelay: number) {
    const size = nextPowerOfTwo(Math.max(4, Math.ceil(maxDelay) + 4));
    this.buffer = new Float32Array(size);
    this.mask = size - 1;
  }

  /** Appends one sample; values below 1e-25 in magnitude are stored as 0 so recirculating tails end in 0. */
  write(x: number): void {
    this.buffer[this.pos] = Math.abs(x) < 1e-25 ? 0 : x;
    this.pos = (this.pos + 1) & this.mask;
  }

  /** The sample written exactly `d` writes ago (integer d ≥ 1). */
  readInt(d: number): number {
    return this.buffer[(this.pos - d) & this.mask];
  }

  /** Linear interpolation at `d` writes ago (d ≥ 1). */
  readLinear(d: number): number {
    const di = Math.floor(d);
    const f = d - di;
    const b = this.buffer;
    const m = this.mask;
    const i = this.pos - di;
    const a = b[i & m];
    return a + f * (b[(i - 1) & m] - a);
  }

  /** Hermite interpolation at `d` writes ago (d ≥ 2). */
  readCubic(d: number): number {
    const di = Math.floor(d);
    const f = d - di;
    const b = this.buffer;
    const m = this.mask;
    const i = this.pos - di;
    // y1 is the sample d writes ago (rounded down), y2 one older; y0 one newer, y3 two older.
    const y0 = b[(i + 1) & m];
    const y1 = b[i & m];
    const y2 = b[(i - 1) & m];
    const y3 = b[(i - 2) & m];
    const c1 = 0.5 * (y2 - y0);
    const c2 = y0 - 2.5 * y1 + 2 * y2 - 0.5 * y3;
    const c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2);
    return ((c3 * f + c2) * f + c1) * f + y1;
  }

  /**
   * Copies into `out[o … o+count)` what `readInt(d)` would return over the next `count` read/write steps,
   * without writing. Needs d ≥ count (everything read is already written).
   */
  readBlock(d: number, out: Float64Array, o: number, count: number): void {
    const b = this.buffer;
    const m = this.mask;
    let i = (this.pos - d) & m;
    for (let j = 0; j < count; j++) {
      out[o + j] = b[i];
      i = (i + 1) & m;
    }
  }

  /**
   * A plain delay over a run: per sample, `write(src[j])` then `dst[j] = readLinear(1 + d)`, the same
   * arithmetic as those calls (d ≥ 0, constant over the run; any `count`).
   */
  writeReadBlock(d: number, src: Float32Array, dst: Float64Array, count: number): void {
    const m = this.mask;
    const dd = 1 + d;
    const di = Math.floor(dd) | 0;
    const f = dd - di;
    const p = this.pos;
    // Each loop in a function of its own: with both in one, V8 deoptimised the same optimised code again
    // and again ("insufficient type feedback", 117 times in 30 s of the hall reverb, --trace-deopt).
    if (f === 0) writeReadWhole(this.buffer, m, p, di, src, dst, count);
    else writeReadFractional(this.buffer, m, p, di, f, src, dst, count);
    this.pos = (p + count) & m;
  }

  /** Writes `count` samples from `src[o …]` as `write` would, one after another. */
  writeBlock(src: Float64Array, o: number, count: number): void {
    const b = this.buffer;
    const m = this.mask;
    let p = this.pos;
    for (let j = 0; j < count; j++) {
      const x = src[o + j];
      b[p] = Math.abs(x) < 1e-25 ? 0 : x;
      p = (p + 1) & m;
    }
    this.pos = p;
  }

  /**
   * Runs a Schroeder allpass (g + loss·z^−m)/(1 + g·loss·z^−m) with this line as its delay over `count`
   * samples of `buf` in place: whole-sample m ≥ 1, any `count` (each sample is read before it is
   * overwritten). Same arithmetic as `allpass` sample by sample.
   */
  allpassBlock(m: number, g: number, loss: number, buf: Float64Array, count: number): void {
    this.allpassBlockFrom(m, g, loss, buf, 0, buf, count);
  }

  /** `allpassBlock` reading its input from `src[srcStart …]` and writing the result to `dst[0 …]`. */
  allpassBlockFrom(
    m: number,
    g: number,
    loss: number,
    src: Float64Array,
    srcStart: number,
    dst: Float64Array,
    count: number,
  ): void {
    const b = this.buffer;
    const mask = this.mask;
    let r = (this.pos - m) & mask;
    let w = this.pos;
    for (let j = 0; j < count; j++) {
      const v = loss * b[r];
      const x = src[srcStart + j] - g * v;
      b[w] = Math.abs(x) < 1e-25 ? 0 : x;
      dst[j] = v + g * x;
      r = (r + 1) & mask;
      w = (w + 1) & mask;
    }
    this.pos = w;
  }

  clear(): void {
    this.buffer.fill(0);
    this.pos = 0;
  }
}

/** `writeReadBlock` at a whole-sample delay: a + 0·(…) is a (the buffer never holds −0, as the flush stores +0). */
function writeReadWhole(
  b: Float32Array,
  m: number,
  p: number,
  di: number,
  src: Float32Array,
  dst: Float64Array,
  count: number,
): void {
  for (let j = 0; j < count; j++) {
    const x = src[j];
    b[(p + j) & m] = Math.abs(x) < 1e-25 ? 0 : x;
    dst[j] = b[(p + j + 1 - di) & m];
  }
}

/** `writeReadBlock` at a fractional delay (fraction f of a sample beyond di − 1). */
function writeReadFractional(
  b: Float32Array,
  m: number,
  p: number,
  di: number,
  f: number,
  src: Float32Array,
  dst: Float64Array,
  count: number,
): void {
  for (let j = 0; j < count; j++) {
    const x = src[j];
    b[(p + j) & m] = Math.abs(x) < 1e-25 ? 0 : x;
    const i = p + j + 1 - di;
    const a = b[i & m];
    dst[j] = a + f * (b[(i - 1) & m] - a);
  }
}
