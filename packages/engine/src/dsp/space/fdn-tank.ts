import { designAbsorption } from "./absorption.ts";
import { DelayLine } from "./delay-line.ts";
import { allpass } from "./plate-tank.ts";
import { GlidingLengths, GlidingTank } from "./tank.ts";

/**
 * A feedback delay network (J.-M. Jot's design): N delay lines of mutually prime lengths, mixed through an
 * orthogonal Hadamard matrix (a fast Walsh–Hadamard transform scaled by 1/√N, so the mixing itself is
 * lossless), and a first-order absorption filter per line whose loss matches that line's length: the
 * RT60 is then the same on every path, exactly `rt60Mid` at 1 kHz and `rt60High` at 8 kHz. Short allpass
 * diffusers per input channel thicken the onset. Left and right are fed to alternate lines and read out
 * through two orthogonal sign patterns, so the wet stereo is decorrelated.
 */

export interface FdnDesign {
  /** Delay-line lengths at size 1, ms (a power-of-two count). */
  linesMs: readonly number[];
  /** Input diffuser lengths per channel at size 1, ms. */
  diffuseLeftMs: readonly number[];
  diffuseRightMs: readonly number[];
}

/** 8 lines, 10–29 ms: a room. */
export const ROOM_DESIGN: FdnDesign = {
  linesMs: [9.7, 11.9, 14.3, 16.7, 19.3, 22.1, 25.3, 28.9],
  diffuseLeftMs: [2.3, 5.9],
  diffuseRightMs: [2.9, 5.3],
};

/**
 * 8 lines, 31–89 ms, spread geometrically, after four diffusers per channel: a hall. (16 lines measured
 * 87× real time against 170× for 8 on the reference machine; the diffusers supply the density instead.)
 */
export const HALL_DESIGN: FdnDesign = {
  linesMs: Array.from({ length: 8 }, (_, i) => 31 * (89 / 31) ** (i / 7)),
  diffuseLeftMs: [4.3, 3.1, 11.7, 8.9],
  diffuseRightMs: [4.7, 2.9, 12.9, 8.3],
};

const DIFFUSION = 0.6;
/** Largest `size`. */
export const FDN_MAX_SIZE = 2;
/** Smallest `size`. */
const MIN_SIZE = 0.5;

export class FdnTank extends GlidingTank {
  private readonly fs: number;
  private readonly n: number;
  private readonly design: FdnDesign;
  private readonly lines: DelayLine[];
  private readonly diffL: DelayLine[];
  private readonly diffR: DelayLine[];
  /** Lengths: lines 0…N−1, then left diffusers, then right diffusers. */
  protected readonly len: GlidingLengths;
  private readonly absG: Float64Array;
  private readonly absB: Float64Array;
  private readonly absY: Float64Array;
  private readonly v: Float64Array;
  private readonly outScale: number;
  /** Chunk length for whole-sample processing: the shortest line at the smallest size (at most 256). */
  private readonly chunk: number;
  private readonly rows: Float64Array;
  private readonly xl: Float64Array;
  private readonly xr: Float64Array;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;

  constructor(sampleRate: number, design: FdnDesign, size: number) {
    super();
    const n = design.linesMs.length;
    if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FDN line count must be a power of two, got ${n}`);
    this.fs = sampleRate;
    this.n = n;
    this.design = design;
    const maxSamples = (ms: number) => (ms / 1000) * sampleRate * FDN_MAX_SIZE * 1.02 + 4;
    this.lines = design.linesMs.map((ms) => new DelayLine(maxSamples(ms)));
    this.diffL = design.diffuseLeftMs.map((ms) => new DelayLine(maxSamples(ms)));
    this.diffR = design.diffuseRightMs.map((ms) => new DelayLine(maxSamples(ms)));
    this.len = new GlidingLengths(n + this.diffL.length + this.diffR.length, sampleRate);
    this.absG = new Float64Array(n);
    this.absB = new Float64Array(n);
    this.absY = new Float64Array(n);
    this.v = new Float64Array(n);
    this.outScale = 1 / Math.sqrt(n);
    // Only the lines are read a run ahead; the diffusers run sample by sample and take any run length.
    const shortest = Math.min(...design.linesMs);
    this.chunk = Math.max(1, Math.min(256, Math.floor((shortest / 1000) * sampleRate * MIN_SIZE) - 2));
    this.rows = new Float64Array(n * this.chunk);
    this.xl = new Float64Array(this.chunk);
    this.xr = new Float64Array(this.chunk);
    this.t1 = new Float64Array(this.chunk);
    this.t2 = new Float64Array(this.chunk);
    this.size = size;
    this.len.set(this.targets(size), true);
  }

  protected targets(size: number): number[] {
    const toSamples = (ms: number) => Math.max(2, Math.round((ms / 1000) * this.fs * size));
    const used = new Set<number>();
    // Prime line lengths, all different: no common echo periods, so modes spread evenly.
    const lines = this.design.linesMs.map((ms) => {
      let p = nearestPrime(toSamples(ms));
      while (used.has(p)) p = nextPrime(p);
      used.add(p);
      return p;
    });
    return [
      ...lines,
      ...this.design.diffuseLeftMs.map(toSamples),
      ...this.design.diffuseRightMs.map(toSamples),
    ];
  }

  protected redesign(): void {
    for (let i = 0; i < this.n; i++) {
      const a = designAbsorption(this.len.target[i] / this.fs, this.rtMid, this.rtHigh, this.fs);
      this.absG[i] = a.g;
      this.absB[i] = a.b;
    }
  }

  clear(): void {
    for (const l of this.lines) l.clear();
    for (const l of this.diffL) l.clear();
    for (const l of this.diffR) l.clear();
    this.absY.fill(0);
    this.len.set(this.len.target, true);
  }

  /** The shortest delay at the smallest size, whatever the size now. */
  protected chunkLength(): number {
    return this.chunk;
  }

  /**
   * Whole-sample lengths: the same arithmetic as `processGliding`, but in chunks no longer than the shortest
   * delay, so every line's reads for the chunk are already written and lines are read and written as runs.
   */
  protected processStatic(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    const N = this.n;
    const lines = this.lines;
    const cur = this.len.current;
    const dL = this.diffL;
    const dR = this.diffR;
    const offR = N + dL.length;
    const xl = this.xl;
    const xr = this.xr;
    diffuse(dL, cur, N, inL, start, xl, count);
    diffuse(dR, cur, offR, inR, start, xr, count);
    if (N === 8) {
      this.static8(outL, outR, start, count);
      return;
    }
    const Y = this.rows;
    const stride = this.chunk;
    for (let k = 0; k < N; k++) lines[k].readBlock(cur[k], Y, k * stride, count);
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    const norm = 1 / Math.sqrt(N);
    const outScale = this.outScale;
    // Row-wise over the chunk (each line's filter runs along time; the matrix works across rows). The
    // arithmetic per sample is the same as in processGliding, in the same order.
    const accL = this.t1;
    const accR = this.t2;
    accL.fill(0, 0, count);
    accR.fill(0, 0, count);
    for (let k = 0; k < N; k++) {
      const o = k * stride;
      const g = aG[k];
      const b = aB[k];
      let st = aY[k];
      const negL = (k & 1) !== 0;
      const negR = (k & 2) !== 0;
      for (let j = 0; j < count; j++) {
        const y = g * Y[o + j] + b * st;
        st = Math.abs(y) < 1e-25 ? 0 : y;
        Y[o + j] = st;
        accL[j] += negL ? -st : st;
        accR[j] += negR ? -st : st;
      }
      aY[k] = st;
    }
    for (let j = 0; j < count; j++) {
      outL[start + j] = accL[j] * outScale;
      outR[start + j] = accR[j] * outScale;
    }
    // Walsh–Hadamard across the rows, stage by stage.
    for (let h = 1; h < N; h <<= 1) {
      for (let q = 0; q < N; q += h << 1) {
        for (let k = q; k < q + h; k++) {
          const oa = k * stride;
          const ob = (k + h) * stride;
          for (let j = 0; j < count; j++) {
            const a = Y[oa + j];
            const b = Y[ob + j];
            Y[oa + j] = a + b;
            Y[ob + j] = a - b;
          }
        }
      }
    }
    for (let k = 0; k < N; k++) {
      const o = k * stride;
      const x = k & 1 ? xr : xl;
      const neg = (k & 2) !== 0;
      for (let j = 0; j < count; j++) Y[o + j] = Y[o + j] * norm + (neg ? -x[j] : x[j]);
    }
    for (let k = 0; k < N; k++) lines[k].writeBlock(Y, k * stride, count);
  }

  /**
   * `processStatic` for 8 lines with the loops fused: lines read straight from their buffers through the
   * absorption filters with the taps summed and the first Hadamard stage done in the same pass (two lines
   * at a time), then the last two stages, the input and the writes in one pass per four lines. Every value
   * is computed by the same operations in the same order as the general path, so the output is identical.
   */
  private static8(outL: Float64Array, outR: Float64Array, start: number, count: number): void {
    const lines = this.lines;
    const cur = this.len.current;
    const Y = this.rows;
    const stride = this.chunk;
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    const accL = this.t1;
    const accR = this.t2;
    const outScale = this.outScale;
    for (let k = 0; k < 8; k += 2) {
      const la = lines[k];
      const lb = lines[k + 1];
      const ba = la.buffer;
      const bb = lb.buffer;
      const ma = la.mask;
      const mb = lb.mask;
      let ra = (la.pos - cur[k]) & ma;
      let rb = (lb.pos - cur[k + 1]) & mb;
      const ga = aG[k];
      const pa = aB[k];
      const gb = aG[k + 1];
      const pb = aB[k + 1];
      let sa = aY[k];
      let sb = aY[k + 1];
      // Tap signs: left negates odd lines, right negates lines with bit 1 set (k and k+1 share it).
      const sR = k & 2 ? -1 : 1;
      const oa = k * stride;
      const ob = oa + stride;
      for (let j = 0; j < count; j++) {
        const ya = ga * ba[ra] + pa * sa;
        sa = Math.abs(ya) < 1e-25 ? 0 : ya;
        const yb = gb * bb[rb] + pb * sb;
        sb = Math.abs(yb) < 1e-25 ? 0 : yb;
        ra = (ra + 1) & ma;
        rb = (rb + 1) & mb;
        Y[oa + j] = sa + sb;
        Y[ob + j] = sa - sb;
        if (k === 0) {
          // A flushed value is never −0, so starting the sums at the first value equals 0 + value.
          accL[j] = sa - sb;
          accR[j] = sa + sb;
        } else if (k === 6) {
          outL[start + j] = (accL[j] + sa - sb) * outScale;
          outR[start + j] = (accR[j] + sR * sa + sR * sb) * outScale;
        } else {
          accL[j] = accL[j] + sa - sb;
          accR[j] = accR[j] + sR * sa + sR * sb;
        }
      }
      aY[k] = sa;
      aY[k + 1] = sb;
    }
    const norm = 1 / Math.sqrt(8);
    // Lines k, k+2, k+4, k+6 (k = 0 left input, k = 1 right): Hadamard stages 2 and 3, scale, input, write.
    for (let k = 0; k < 2; k++) {
      const x = k === 0 ? this.xl : this.xr;
      const l0 = lines[k];
      const l2 = lines[k + 2];
      const l4 = lines[k + 4];
      const l6 = lines[k + 6];
      const b0 = l0.buffer;
      const b2 = l2.buffer;
      const b4 = l4.buffer;
      const b6 = l6.buffer;
      const m0 = l0.mask;
      const m2 = l2.mask;
      const m4 = l4.mask;
      const m6 = l6.mask;
      let w0 = l0.pos;
      let w2 = l2.pos;
      let w4 = l4.pos;
      let w6 = l6.pos;
      const o0 = k * stride;
      const o2 = o0 + 2 * stride;
      const o4 = o0 + 4 * stride;
      const o6 = o0 + 6 * stride;
      for (let j = 0; j < count; j++) {
        const a0 = Y[o0 + j];
        const a2 = Y[o2 + j];
        const a4 = Y[o4 + j];
        const a6 = Y[o6 + j];
        const c0 = a0 + a2;
        const c2 = a0 - a2;
        const c4 = a4 + a6;
        const c6 = a4 - a6;
        const xj = x[j];
        const v0 = (c0 + c4) * norm + xj;
        const v2 = (c2 + c6) * norm - xj;
        const v4 = (c0 - c4) * norm + xj;
        const v6 = (c2 - c6) * norm - xj;
        b0[w0] = Math.abs(v0) < 1e-25 ? 0 : v0;
        b2[w2] = Math.abs(v2) < 1e-25 ? 0 : v2;
        b4[w4] = Math.abs(v4) < 1e-25 ? 0 : v4;
        b6[w6] = Math.abs(v6) < 1e-25 ? 0 : v6;
        w0 = (w0 + 1) & m0;
        w2 = (w2 + 1) & m2;
        w4 = (w4 + 1) & m4;
        w6 = (w6 + 1) & m6;
      }
      l0.pos = w0;
      l2.pos = w2;
      l4.pos = w4;
      l6.pos = w6;
    }
  }

  protected processGliding(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    const N = this.n;
    const lines = this.lines;
    const len = this.len;
    const cur = len.current;
    const dL = this.diffL;
    const dR = this.diffR;
    const offR = N + dL.length;
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    const v = this.v;
    const norm = 1 / Math.sqrt(N);
    const outScale = this.outScale;
    for (let i = start; i < start + count; i++) {
      if (len.gliding) len.step();
      let xl = inL[i];
      let xr = inR[i];
      for (let k = 0; k < dL.length; k++) xl = allpass(dL[k], cur[N + k], DIFFUSION, xl);
      for (let k = 0; k < dR.length; k++) xr = allpass(dR[k], cur[offR + k], DIFFUSION, xr);
      // Line outputs through their absorption filters; the stereo taps use two orthogonal sign patterns.
      let l = 0;
      let r = 0;
      for (let k = 0; k < N; k++) {
        const y = aG[k] * lines[k].readLinear(cur[k]) + aB[k] * aY[k];
        const s = Math.abs(y) < 1e-25 ? 0 : y;
        aY[k] = s;
        v[k] = s;
        l += k & 1 ? -s : s;
        r += k & 2 ? -s : s;
      }
      fwht(v, N);
      for (let k = 0; k < N; k++) {
        const input = k & 1 ? (k & 2 ? -xr : xr) : k & 2 ? -xl : xl;
        lines[k].write(v[k] * norm + input);
      }
      outL[i] = l * outScale;
      outR[i] = r * outScale;
    }
  }
}

/**
 * The input diffusers of one channel over a run, `src[start …]` → `dst[0 …]`: the allpasses two at a time
 * in one pass (fewer passes over the run), each sample through the same arithmetic as `allpassBlock`.
 * Lengths are `cur[first …]`.
 */
function diffuse(
  stages: readonly DelayLine[],
  cur: Float64Array,
  first: number,
  src: Float64Array,
  start: number,
  dst: Float64Array,
  count: number,
): void {
  const g = DIFFUSION;
  if (stages.length === 4) {
    diffuse4(stages, cur, first, src, start, dst, count);
    return;
  }
  let k = 0;
  let from = src;
  let o = start;
  for (; k + 1 < stages.length; k += 2) {
    const la = stages[k];
    const lb = stages[k + 1];
    const ba = la.buffer;
    const bb = lb.buffer;
    const ma = la.mask;
    const mb = lb.mask;
    const pa = la.pos;
    const pb = lb.pos;
    const ra = (pa - cur[first + k]) | 0;
    const rb = (pb - cur[first + k + 1]) | 0;
    for (let j = 0; j < count; j++) {
      const va = ba[(ra + j) & ma];
      const xa = from[o + j] - g * va;
      ba[(pa + j) & ma] = Math.abs(xa) < 1e-25 ? 0 : xa;
      const u = va + g * xa;
      const vb = bb[(rb + j) & mb];
      const xb = u - g * vb;
      bb[(pb + j) & mb] = Math.abs(xb) < 1e-25 ? 0 : xb;
      dst[j] = vb + g * xb;
    }
    la.pos = (pa + count) & ma;
    lb.pos = (pb + count) & mb;
    from = dst;
    o = 0;
  }
  if (k < stages.length) stages[k].allpassBlockFrom(cur[first + k], g, 1, from, o, dst, count);
  else if (stages.length === 0) for (let j = 0; j < count; j++) dst[j] = src[start + j];
}

/** `diffuse` for four stages: all four in one pass. */
function diffuse4(
  stages: readonly DelayLine[],
  cur: Float64Array,
  first: number,
  src: Float64Array,
  start: number,
  dst: Float64Array,
  count: number,
): void {
  const g = DIFFUSION;
  const [l0, l1, l2, l3] = stages;
  const b0 = l0.buffer;
  const b1 = l1.buffer;
  const b2 = l2.buffer;
  const b3 = l3.buffer;
  const m0 = l0.mask;
  const m1 = l1.mask;
  const m2 = l2.mask;
  const m3 = l3.mask;
  const p0 = l0.pos;
  const p1 = l1.pos;
  const p2 = l2.pos;
  const p3 = l3.pos;
  const r0 = (p0 - cur[first]) | 0;
  const r1 = (p1 - cur[first + 1]) | 0;
  const r2 = (p2 - cur[first + 2]) | 0;
  const r3 = (p3 - cur[first + 3]) | 0;
  for (let j = 0; j < count; j++) {
    let v = b0[(r0 + j) & m0];
    let x = src[start + j] - g * v;
    b0[(p0 + j) & m0] = Math.abs(x) < 1e-25 ? 0 : x;
    let u = v + g * x;
    v = b1[(r1 + j) & m1];
    x = u - g * v;
    b1[(p1 + j) & m1] = Math.abs(x) < 1e-25 ? 0 : x;
    u = v + g * x;
    v = b2[(r2 + j) & m2];
    x = u - g * v;
    b2[(p2 + j) & m2] = Math.abs(x) < 1e-25 ? 0 : x;
    u = v + g * x;
    v = b3[(r3 + j) & m3];
    x = u - g * v;
    b3[(p3 + j) & m3] = Math.abs(x) < 1e-25 ? 0 : x;
    dst[j] = v + g * x;
  }
  l0.pos = (p0 + count) & m0;
  l1.pos = (p1 + count) & m1;
  l2.pos = (p2 + count) & m2;
  l3.pos = (p3 + count) & m3;
}

/**
 * In-place fast Walsh–Hadamard transform (unscaled): the orthogonal feedback matrix. Sizes 8 and 16 are
 * written out (the loop overhead is most of the cost at these sizes); the order of operations is the same.
 */
function fwht(v: Float64Array, n: number): void {
  if (n === 8) {
    fwht8(v, 0);
    return;
  }
  if (n === 16) {
    fwht8(v, 0);
    fwht8(v, 8);
    for (let k = 0; k < 8; k++) {
      const a = v[k];
      const b = v[k + 8];
      v[k] = a + b;
      v[k + 8] = a - b;
    }
    return;
  }
  for (let h = 1; h < n; h <<= 1) {
    for (let j = 0; j < n; j += h << 1) {
      for (let k = j; k < j + h; k++) {
        const a = v[k];
        const b = v[k + h];
        v[k] = a + b;
        v[k + h] = a - b;
      }
    }
  }
}

function fwht8(v: Float64Array, o: number): void {
  const a0 = v[o] + v[o + 1];
  const a1 = v[o] - v[o + 1];
  const a2 = v[o + 2] + v[o + 3];
  const a3 = v[o + 2] - v[o + 3];
  const a4 = v[o + 4] + v[o + 5];
  const a5 = v[o + 4] - v[o + 5];
  const a6 = v[o + 6] + v[o + 7];
  const a7 = v[o + 6] - v[o + 7];
  const b0 = a0 + a2;
  const b1 = a1 + a3;
  const b2 = a0 - a2;
  const b3 = a1 - a3;
  const b4 = a4 + a6;
  const b5 = a5 + a7;
  const b6 = a4 - a6;
  const b7 = a5 - a7;
  v[o] = b0 + b4;
  v[o + 1] = b1 + b5;
  v[o + 2] = b2 + b6;
  v[o + 3] = b3 + b7;
  v[o + 4] = b0 - b4;
  v[o + 5] = b1 - b5;
  v[o + 6] = b2 - b6;
  v[o + 7] = b3 - b7;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function nextPrime(n: number): number {
  let q = n + 1;
  while (!isPrime(q)) q++;
  return q;
}

/** The prime nearest n (the larger on a tie). */
export function nearestPrime(n: number): number {
  for (let d = 0; ; d++) {
    if (isPrime(n + d)) return n + d;
    if (isPrime(n - d)) return n - d;
  }
}
