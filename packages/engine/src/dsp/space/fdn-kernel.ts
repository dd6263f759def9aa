import {
  buildKernelModule,
  Code,
  type CompiledKernel,
  compileKernelOnce,
  F64,
  I32,
} from "../../core/wasm.ts";

/**
 * The 8-line feedback delay network's fused loop (`FdnTank.fused8`) as generated WebAssembly: per sample,
 * read and absorb the eight lines, tap left and right, the Walsh–Hadamard butterflies, the input diffusers
 * (two or four a channel) and the eight line writes. Every operation is the TypeScript loop's, in the same
 * order and precision (double arithmetic, no fused multiply-add, float32 stores rounded to nearest even,
 * values below 1e-25 in magnitude stored as +0), so the wet signal is the same to the last bit. The delay
 * lines' buffers live in the kernel's memory (the tank's `DelayLine`s use views of it), so nothing but the
 * run's input and output is copied per call. Masks and buffer addresses are constants in the code.
 *
 * Memory layout (bytes): 0 loop gains g[8] (f64), 64 pole coefficients b[8], 128 filter states s[8];
 * 192 line write positions (i32 ×8), 224 line read positions, 256 diffuser write positions (left 0…3,
 * right 0…3), 288 diffuser read positions; `IO` the run's inL, inR, outL, outR (f64 × `chunk` each); then
 * the delay buffers (float32): the eight lines, the left diffusers, the right diffusers.
 */
export class FdnKernel {
  /** Header and run input/output as doubles (index = byte offset / 8). */
  readonly f64: Float64Array;
  /** Header as int32 (index = byte offset / 4). */
  readonly i32: Int32Array;
  /** The delay buffers, in the order of `sizes` given to `create`. */
  readonly buffers: Float32Array[];
  /** Index in `f64` of inL; inR, outL, outR follow, `chunk` apart. */
  readonly io = IO / 8;
  readonly chunk: number;
  private readonly run: (count: number) => number;

  private constructor(compiled: CompiledKernel, sizes: readonly number[], chunk: number) {
    const inst = compiled.instantiate();
    this.run = inst.run;
    this.chunk = chunk;
    this.f64 = new Float64Array(inst.memory, 0, IO / 8 + 4 * chunk);
    this.i32 = new Int32Array(inst.memory, 0, IO / 4);
    this.buffers = [];
    let at = bufferStart(chunk);
    for (const n of sizes) {
      this.buffers.push(new Float32Array(inst.memory, at, n));
      at += n * 4;
    }
  }

  /**
   * A kernel, or null when the host cannot run WebAssembly.
   * @param sizes buffer lengths (powers of two): eight lines, then the left diffusers, then the right ones.
   * @param diffusers per channel, 2 or 4.
   * @param chunk longest run per call, samples.
   */
  static create(sizes: readonly number[], diffusers: 2 | 4, chunk: number): FdnKernel | null {
    const kernel = compileKernelOnce(`fdn;${diffusers};${chunk};${sizes.join(",")}`, () =>
      generate(sizes, diffusers, chunk),
    );
    return kernel ? new FdnKernel(kernel, sizes, chunk) : null;
  }

  /** Runs `count` samples (1 … chunk) with the header and the input already in memory. */
  process(count: number): void {
    this.run(count);
  }
}

/** Byte offset of the run's input/output. */
const IO = 512;
/** Input diffusion coefficient (as `DIFFUSION` in fdn-tank.ts). */
const D = 0.6;
const FLUSH = 1e-25;

function bufferStart(chunk: number): number {
  return (IO + 4 * chunk * 8 + 63) & ~63;
}

function generate(sizes: readonly number[], diffusers: 2 | 4, chunk: number): Uint8Array {
  if (sizes.length !== 8 + 2 * diffusers) throw new RangeError("FDN kernel: 8 lines and 2 × diffusers");
  const base: number[] = [];
  let at = bufferStart(chunk);
  for (const n of sizes) {
    if ((n & (n - 1)) !== 0) throw new RangeError(`FDN kernel: buffer length ${n} is not a power of two`);
    base.push(at);
    at += n * 4;
  }
  const mask = sizes.map((n) => n - 1);
  // Locals: 0 count (param); i32 j, jb, r[8], p[8], u[8], q[8]; f64 g[8], b[8], s[8], y, a[8], c[8], x, z, dv, dw.
  const J = 1;
  const JB = 2;
  const R = 3;
  const P = 11;
  const U = 19;
  const Q = 27;
  const G = 35;
  const B = 43;
  const S = 51;
  const Y = 59;
  const A = 60;
  const C = 68;
  const X = 76;
  const Z = 77;
  const DV = 78;
  const DW = 79;
  const c = new Code();
  for (let k = 0; k < 8; k++) {
    c.i32Const(0)
      .f64Load(8 * k)
      .localSet(G + k);
    c.i32Const(0)
      .f64Load(64 + 8 * k)
      .localSet(B + k);
    c.i32Const(0)
      .f64Load(128 + 8 * k)
      .localSet(S + k);
    c.i32Const(0)
      .i32Load(192 + 4 * k)
      .localSet(P + k);
    c.i32Const(0)
      .i32Load(224 + 4 * k)
      .localSet(R + k);
    c.i32Const(0)
      .i32Load(256 + 4 * k)
      .localSet(Q + k);
    c.i32Const(0)
      .i32Load(288 + 4 * k)
      .localSet(U + k);
  }
  c.i32Const(0).localSet(J);
  /** Byte address of buffer `buf` at (local `pos` + j) & mask. */
  const addr = (pos: number, buf: number) =>
    c.localGet(pos).localGet(J).i32Add().i32Const(mask[buf]).i32And().i32Const(2).i32Shl();
  /** The value in local `l`, or +0 when below 1e-25 in magnitude. */
  const flushed = (l: number) =>
    c.f64Const(0).localGet(l).localGet(l).f64Abs().f64Const(FLUSH).f64Lt().select();
  /** Taps: `signs[k]` true subtracts line k; summed in line order, then scaled. */
  const tap = (negate: (k: number) => boolean, offset: number) => {
    c.localGet(JB).localGet(S);
    for (let k = 1; k < 8; k++) {
      c.localGet(S + k);
      if (negate(k)) c.f64Sub();
      else c.f64Add();
    }
    c.f64Const(1 / Math.sqrt(8))
      .f64Mul()
      .f64Store(IO + offset);
  };
  /** One allpass stage on local `v` through diffuser buffer `buf` with positions locals `u`, `q`. */
  const diffuse = (v: number, buf: number, u: number, q: number) => {
    addr(u, buf).f32Load(base[buf]).f64PromoteF32().localSet(DV);
    c.localGet(v).f64Const(D).localGet(DV).f64Mul().f64Sub().localSet(DW);
    addr(q, buf);
    flushed(DW).f32DemoteF64().f32Store(base[buf]);
    c.localGet(DV).f64Const(D).localGet(DW).f64Mul().f64Add().localSet(v);
  };
  c.loop();
  c.localGet(J).i32Const(3).i32Shl().localSet(JB);
  for (let k = 0; k < 8; k++) {
    c.localGet(G + k);
    addr(R + k, k)
      .f32Load(base[k])
      .f64PromoteF32()
      .f64Mul();
    c.localGet(B + k)
      .localGet(S + k)
      .f64Mul()
      .f64Add()
      .localSet(Y);
    flushed(Y).localSet(S + k);
  }
  tap((k) => (k & 1) !== 0, 16 * chunk);
  tap((k) => (k & 2) !== 0, 24 * chunk);
  for (let k = 0; k < 8; k += 2) {
    c.localGet(S + k)
      .localGet(S + k + 1)
      .f64Add()
      .localSet(A + k);
    c.localGet(S + k)
      .localGet(S + k + 1)
      .f64Sub()
      .localSet(A + k + 1);
  }
  for (const o of [0, 4]) {
    c.localGet(A + o)
      .localGet(A + o + 2)
      .f64Add()
      .localSet(C + o);
    c.localGet(A + o + 1)
      .localGet(A + o + 3)
      .f64Add()
      .localSet(C + o + 1);
    c.localGet(A + o)
      .localGet(A + o + 2)
      .f64Sub()
      .localSet(C + o + 2);
    c.localGet(A + o + 1)
      .localGet(A + o + 3)
      .f64Sub()
      .localSet(C + o + 3);
  }
  const dl = (i: number) => 8 + i;
  const dr = (i: number) => 8 + diffusers + i;
  c.localGet(JB).f64Load(IO).localSet(X);
  diffuse(X, dl(0), U, Q);
  diffuse(X, dl(1), U + 1, Q + 1);
  c.localGet(JB)
    .f64Load(IO + 8 * chunk)
    .localSet(Z);
  diffuse(Z, dr(0), U + 4, Q + 4);
  diffuse(Z, dr(1), U + 5, Q + 5);
  if (diffusers === 4) {
    diffuse(X, dl(2), U + 2, Q + 2);
    diffuse(X, dl(3), U + 3, Q + 3);
    diffuse(Z, dr(2), U + 6, Q + 6);
    diffuse(Z, dr(3), U + 7, Q + 7);
  }
  // Line k gets (c[k & 3] ± c[(k & 3) + 4]) · norm ± input: − for k ≥ 4; input x for even k, z for odd,
  // negated when bit 1 of k is set.
  for (let k = 0; k < 8; k++) {
    addr(P + k, k);
    const i = k & 3;
    c.localGet(C + i).localGet(C + i + 4);
    if (k >= 4) c.f64Sub();
    else c.f64Add();
    c.f64Const(1 / Math.sqrt(8))
      .f64Mul()
      .localGet(k & 1 ? Z : X);
    if (k & 2) c.f64Sub();
    else c.f64Add();
    c.localSet(Y);
    flushed(Y).f32DemoteF64().f32Store(base[k]);
  }
  c.localGet(J).i32Const(1).i32Add().localTee(J).localGet(0).i32LtS().brIf(0);
  c.end();
  for (let k = 0; k < 8; k++)
    c.i32Const(0)
      .localGet(S + k)
      .f64Store(128 + 8 * k);
  return buildKernelModule({
    params: [I32],
    results: [],
    locals: [
      [34, I32],
      [45, F64],
    ],
    body: c.bytes,
    memoryPages: Math.ceil(at / 65536),
  });
}
