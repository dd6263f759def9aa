import { designAbsorption } from "./absorption.ts";
import { DelayLine } from "./delay-line.ts";
import { FdnKernel } from "./fdn-kernel.ts";
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
/** Longest run the WebAssembly kernel takes per call, samples. */
const KERNEL_RUN = 4096;
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
  /** The fused loop as WebAssembly (null: the TypeScript `fused8`), with its own copy of the delay buffers. */
  private readonly kernel: FdnKernel | null = null;
  /**
   * True when the kernel's buffers hold the lines' state (static lengths), false when the `DelayLine`s do
   * (gliding, or just cleared). The state moves over when the path changes: a size change or a reset, not
   * per block, so `DelayLine` stays one plain class for every other user.
   */
  private stateInKernel = false;

  /**
   * @param useKernel false keeps the fused loop in TypeScript (the reference the WebAssembly kernel is
   * tested against); the output is the same either way.
   */
  constructor(sampleRate: number, design: FdnDesign, size: number, useKernel = true) {
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
    const ds = this.diffL.length;
    if (useKernel && n === 8 && this.diffR.length === ds && (ds === 2 || ds === 4)) {
      const all = [...this.lines, ...this.diffL, ...this.diffR];
      const kernel = FdnKernel.create(
        all.map((l) => l.buffer.length),
        ds,
        KERNEL_RUN,
      );
      this.kernel = kernel;
    }
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
    this.stateInKernel = false;
    this.absY.fill(0);
    this.len.set(this.len.target, true);
  }

  /**
   * The shortest line at the smallest size (at most 256), whatever the size now; with the kernel, its
   * capacity.
   */
  protected chunkLength(): number {
    // The fused loop goes sample by sample, so a run may be longer than a line: the kernel takes whole blocks.
    return this.kernel ? KERNEL_RUN : this.chunk;
  }

  /**
   * Whole-sample lengths: the same arithmetic as `processGliding`. Eight lines with two or four diffusers
   * a channel (both presets) run as one fused pass (`fused8`); other designs diffuse in passes and then
   * read and write the lines as runs no longer than the shortest line, so every read is already written.
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
    const ds = dL.length;
    if (this.kernel) {
      this.fusedKernel(this.kernel, inL, inR, outL, outR, start, count);
      return;
    }
    if (N === 8 && dR.length === ds && (ds === 2 || ds === 4)) {
      this.fused8(inL, inR, outL, outR, start, count);
      return;
    }
    diffuse(dL, cur, N, inL, start, xl, count);
    diffuse(dR, cur, offR, inR, start, xr, count);
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

  /** `fused8` run by the WebAssembly kernel: positions and states in, the run through, states back. */
  private fusedKernel(
    kernel: FdnKernel,
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    if (!this.stateInKernel) {
      this.eachBuffer((line, storage) => storage.set(line.buffer));
      this.stateInKernel = true;
    }
    const f = kernel.f64;
    const h = kernel.i32;
    const cur = this.len.current;
    const aY = this.absY;
    const lines = this.lines;
    for (let k = 0; k < 8; k++) {
      const l = lines[k];
      f[k] = this.absG[k];
      f[8 + k] = this.absB[k];
      f[16 + k] = aY[k];
      h[48 + k] = l.pos;
      h[56 + k] = (l.pos - cur[k]) | 0;
    }
    const ds = this.diffL.length;
    for (let k = 0; k < ds; k++) {
      const a = this.diffL[k];
      const b = this.diffR[k];
      h[64 + k] = a.pos;
      h[72 + k] = (a.pos - cur[8 + k]) | 0;
      h[68 + k] = b.pos;
      h[76 + k] = (b.pos - cur[8 + ds + k]) | 0;
    }
    const io = kernel.io;
    const ch = kernel.chunk;
    f.set(inL.subarray(start, start + count), io);
    f.set(inR.subarray(start, start + count), io + ch);
    kernel.process(count);
    outL.set(f.subarray(io + 2 * ch, io + 2 * ch + count), start);
    outR.set(f.subarray(io + 3 * ch, io + 3 * ch + count), start);
    for (let k = 0; k < 8; k++) {
      aY[k] = f[16 + k];
      const l = lines[k];
      l.pos = (l.pos + count) & l.mask;
    }
    for (let k = 0; k < ds; k++) {
      const a = this.diffL[k];
      const b = this.diffR[k];
      a.pos = (a.pos + count) & a.mask;
      b.pos = (b.pos + count) & b.mask;
    }
  }

  /** Each delay line (lines, left diffusers, right diffusers) with its buffer in the kernel. */
  private eachBuffer(fn: (line: DelayLine, storage: Float32Array) => void): void {
    const kb = (this.kernel as FdnKernel).buffers;
    let i = 0;
    for (const l of this.lines) fn(l, kb[i++]);
    for (const l of this.diffL) fn(l, kb[i++]);
    for (const l of this.diffR) fn(l, kb[i++]);
  }

  /**
   * `processStatic` for 8 lines in one pass per sample: read, absorb, tap, Hadamard (as `fwht8`), input,
   * write, all in registers. The same operations in the same order as the general path.
   */
  private fused8(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    const [l0, l1, l2, l3, l4, l5, l6, l7] = this.lines;
    const cur = this.len.current;
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    // Input diffusers, two or four a channel (stages 2 and 3 stand in for nothing when there are two).
    const D = DIFFUSION;
    const four = this.diffL.length === 4;
    const [dL0, dL1, dL2 = dL0, dL3 = dL0] = this.diffL;
    const [dR0, dR1, dR2 = dR0, dR3 = dR0] = this.diffR;
    const eL0 = dL0.buffer;
    const eL1 = dL1.buffer;
    const eL2 = dL2.buffer;
    const eL3 = dL3.buffer;
    const eR0 = dR0.buffer;
    const eR1 = dR1.buffer;
    const eR2 = dR2.buffer;
    const eR3 = dR3.buffer;
    const kL0 = dL0.mask;
    const kL1 = dL1.mask;
    const kL2 = dL2.mask;
    const kL3 = dL3.mask;
    const kR0 = dR0.mask;
    const kR1 = dR1.mask;
    const kR2 = dR2.mask;
    const kR3 = dR3.mask;
    const qL0 = dL0.pos;
    const qL1 = dL1.pos;
    const qL2 = dL2.pos;
    const qL3 = dL3.pos;
    const qR0 = dR0.pos;
    const qR1 = dR1.pos;
    const qR2 = dR2.pos;
    const qR3 = dR3.pos;
    const oR = 8 + this.diffL.length;
    const uL0 = (qL0 - cur[8]) | 0;
    const uL1 = (qL1 - cur[9]) | 0;
    const uL2 = four ? (qL2 - cur[10]) | 0 : 0;
    const uL3 = four ? (qL3 - cur[11]) | 0 : 0;
    const uR0 = (qR0 - cur[oR]) | 0;
    const uR1 = (qR1 - cur[oR + 1]) | 0;
    const uR2 = four ? (qR2 - cur[oR + 2]) | 0 : 0;
    const uR3 = four ? (qR3 - cur[oR + 3]) | 0 : 0;
    const outScale = this.outScale;
    const norm = 1 / Math.sqrt(8);
    const b0 = l0.buffer;
    const b1 = l1.buffer;
    const b2 = l2.buffer;
    const b3 = l3.buffer;
    const b4 = l4.buffer;
    const b5 = l5.buffer;
    const b6 = l6.buffer;
    const b7 = l7.buffer;
    const m0 = l0.mask;
    const m1 = l1.mask;
    const m2 = l2.mask;
    const m3 = l3.mask;
    const m4 = l4.mask;
    const m5 = l5.mask;
    const m6 = l6.mask;
    const m7 = l7.mask;
    const p0 = l0.pos;
    const p1 = l1.pos;
    const p2 = l2.pos;
    const p3 = l3.pos;
    const p4 = l4.pos;
    const p5 = l5.pos;
    const p6 = l6.pos;
    const p7 = l7.pos;
    const r0 = (p0 - cur[0]) | 0;
    const r1 = (p1 - cur[1]) | 0;
    const r2 = (p2 - cur[2]) | 0;
    const r3 = (p3 - cur[3]) | 0;
    const r4 = (p4 - cur[4]) | 0;
    const r5 = (p5 - cur[5]) | 0;
    const r6 = (p6 - cur[6]) | 0;
    const r7 = (p7 - cur[7]) | 0;
    const g0 = aG[0];
    const g1 = aG[1];
    const g2 = aG[2];
    const g3 = aG[3];
    const g4 = aG[4];
    const g5 = aG[5];
    const g6 = aG[6];
    const g7 = aG[7];
    const q0 = aB[0];
    const q1 = aB[1];
    const q2 = aB[2];
    const q3 = aB[3];
    const q4 = aB[4];
    const q5 = aB[5];
    const q6 = aB[6];
    const q7 = aB[7];
    let s0 = aY[0];
    let s1 = aY[1];
    let s2 = aY[2];
    let s3 = aY[3];
    let s4 = aY[4];
    let s5 = aY[5];
    let s6 = aY[6];
    let s7 = aY[7];
    for (let j = 0; j < count; j++) {
      let y = g0 * b0[(r0 + j) & m0] + q0 * s0;
      s0 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g1 * b1[(r1 + j) & m1] + q1 * s1;
      s1 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g2 * b2[(r2 + j) & m2] + q2 * s2;
      s2 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g3 * b3[(r3 + j) & m3] + q3 * s3;
      s3 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g4 * b4[(r4 + j) & m4] + q4 * s4;
      s4 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g5 * b5[(r5 + j) & m5] + q5 * s5;
      s5 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g6 * b6[(r6 + j) & m6] + q6 * s6;
      s6 = Math.abs(y) < 1e-25 ? 0 : y;
      y = g7 * b7[(r7 + j) & m7] + q7 * s7;
      s7 = Math.abs(y) < 1e-25 ? 0 : y;
      // Taps: left negates odd lines, right lines with bit 1 set; summed in line order.
      outL[start + j] = (s0 - s1 + s2 - s3 + s4 - s5 + s6 - s7) * outScale;
      outR[start + j] = (s0 + s1 - s2 - s3 + s4 + s5 - s6 - s7) * outScale;
      const a0 = s0 + s1;
      const a1 = s0 - s1;
      const a2 = s2 + s3;
      const a3 = s2 - s3;
      const a4 = s4 + s5;
      const a5 = s4 - s5;
      const a6 = s6 + s7;
      const a7 = s6 - s7;
      const c0 = a0 + a2;
      const c1 = a1 + a3;
      const c2 = a0 - a2;
      const c3 = a1 - a3;
      const c4 = a4 + a6;
      const c5 = a5 + a7;
      const c6 = a4 - a6;
      const c7 = a5 - a7;
      // Input diffusion (the arithmetic of `allpassBlock` with loss 1).
      let x = inL[start + j];
      let dv = eL0[(uL0 + j) & kL0];
      let dw = x - D * dv;
      eL0[(qL0 + j) & kL0] = Math.abs(dw) < 1e-25 ? 0 : dw;
      x = dv + D * dw;
      dv = eL1[(uL1 + j) & kL1];
      dw = x - D * dv;
      eL1[(qL1 + j) & kL1] = Math.abs(dw) < 1e-25 ? 0 : dw;
      x = dv + D * dw;
      let z = inR[start + j];
      dv = eR0[(uR0 + j) & kR0];
      dw = z - D * dv;
      eR0[(qR0 + j) & kR0] = Math.abs(dw) < 1e-25 ? 0 : dw;
      z = dv + D * dw;
      dv = eR1[(uR1 + j) & kR1];
      dw = z - D * dv;
      eR1[(qR1 + j) & kR1] = Math.abs(dw) < 1e-25 ? 0 : dw;
      z = dv + D * dw;
      if (four) {
        dv = eL2[(uL2 + j) & kL2];
        dw = x - D * dv;
        eL2[(qL2 + j) & kL2] = Math.abs(dw) < 1e-25 ? 0 : dw;
        x = dv + D * dw;
        dv = eL3[(uL3 + j) & kL3];
        dw = x - D * dv;
        eL3[(qL3 + j) & kL3] = Math.abs(dw) < 1e-25 ? 0 : dw;
        x = dv + D * dw;
        dv = eR2[(uR2 + j) & kR2];
        dw = z - D * dv;
        eR2[(qR2 + j) & kR2] = Math.abs(dw) < 1e-25 ? 0 : dw;
        z = dv + D * dw;
        dv = eR3[(uR3 + j) & kR3];
        dw = z - D * dv;
        eR3[(qR3 + j) & kR3] = Math.abs(dw) < 1e-25 ? 0 : dw;
        z = dv + D * dw;
      }
      let v = (c0 + c4) * norm + x;
      b0[(p0 + j) & m0] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c1 + c5) * norm + z;
      b1[(p1 + j) & m1] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c2 + c6) * norm - x;
      b2[(p2 + j) & m2] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c3 + c7) * norm - z;
      b3[(p3 + j) & m3] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c0 - c4) * norm + x;
      b4[(p4 + j) & m4] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c1 - c5) * norm + z;
      b5[(p5 + j) & m5] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c2 - c6) * norm - x;
      b6[(p6 + j) & m6] = Math.abs(v) < 1e-25 ? 0 : v;
      v = (c3 - c7) * norm - z;
      b7[(p7 + j) & m7] = Math.abs(v) < 1e-25 ? 0 : v;
    }
    aY[0] = s0;
    aY[1] = s1;
    aY[2] = s2;
    aY[3] = s3;
    aY[4] = s4;
    aY[5] = s5;
    aY[6] = s6;
    aY[7] = s7;
    dL0.pos = (qL0 + count) & kL0;
    dL1.pos = (qL1 + count) & kL1;
    dR0.pos = (qR0 + count) & kR0;
    dR1.pos = (qR1 + count) & kR1;
    if (four) {
      dL2.pos = (qL2 + count) & kL2;
      dL3.pos = (qL3 + count) & kL3;
      dR2.pos = (qR2 + count) & kR2;
      dR3.pos = (qR3 + count) & kR3;
    }
    l0.pos = (p0 + count) & m0;
    l1.pos = (p1 + count) & m1;
    l2.pos = (p2 + count) & m2;
    l3.pos = (p3 + count) & m3;
    l4.pos = (p4 + count) & m4;
    l5.pos = (p5 + count) & m5;
    l6.pos = (p6 + count) & m6;
    l7.pos = (p7 + count) & m7;
  }

  protected processGliding(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    if (this.stateInKernel) {
      this.eachBuffer((line, storage) => line.buffer.set(storage));
      this.stateInKernel = false;
    }
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
