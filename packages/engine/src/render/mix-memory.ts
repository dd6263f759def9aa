/**
 * The mixer's buffers — strips' inputs and outputs, their fader gains, the master's input — in one WebAssembly
 * memory, with a kernel that adds a scaled signal into a bus four samples at a time and runs the fader and pan
 * two samples at a time (see `fader`). Adding every track's output and sends
 * into the buses is the renderer's largest loop after the effects; in TypeScript each product and sum goes
 * through a double and back to float32, in the kernel they are float32 operations, which give the same
 * numbers: the product of two float32 values is exact in a double, so rounding it once to float32 is the
 * float32 product, and a double holds more than twice float32's precision, so rounding a double sum of two
 * float32 values to float32 gives the correctly rounded float32 sum.
 */
import {
  buildKernelModule,
  Code,
  compileKernelOnce,
  F64,
  I32,
  type KernelFunction,
  V128,
} from "../core/wasm.ts";

/** The arena's largest size: beyond it (huge blocks) the mixer keeps ordinary arrays and TypeScript loops. */
const MAX_BYTES = 256 * 2 ** 20;
/**
 * Bytes left between buffers. Blocks are powers of two, so buffers laid end to end would all start at the
 * same offset within 4 KiB, and a loop reading one and writing another stalls on the processor's false
 * store-to-load dependencies (4K aliasing); 17 cache lines apart, 64 buffers in a row start at different
 * offsets.
 */
const GAP = 17 * 64;

export class MixMemory {
  private readonly buffer: ArrayBuffer;
  private readonly run: (src: number, dst: number, bytes: number, g: number) => number;
  private readonly runFader: (
    x: number,
    a: number,
    b: number,
    dst: number,
    bytes: number,
    ga: number,
    gb: number,
  ) => number;
  private readonly capacity: number;
  /** Bytes handed out; the first 64 stay unused, so a buffer's address is never 0 ("no buffer" to the kernel). */
  private used = 64;

  private constructor(fns: Record<string, (...a: number[]) => number>, buffer: ArrayBuffer) {
    this.run = fns.run;
    this.runFader = fns.fader;
    this.buffer = buffer;
    this.capacity = buffer.byteLength;
  }

  /**
   * An arena for `buffers` buffers of `floats` float32 values in all, or null when the host has no WebAssembly
   * SIMD or it would be too large.
   */
  static create(buffers: number, floats: number): MixMemory | null {
    const bytes = 64 + floats * 4 + buffers * (GAP + 16);
    if (!(bytes <= MAX_BYTES)) return null;
    const compiled = compileKernelOnce("mix-add-scaled", generate);
    if (!compiled) return null;
    try {
      const inst = compiled.instantiate(Math.ceil(bytes / 65536));
      return new MixMemory(inst.fns, inst.memory);
    } catch {
      return null; // the memory could not grow that far
    }
  }

  /** A zeroed buffer of `n` values in the arena, 16-byte aligned; null when the arena is full. */
  alloc(n: number): Float32Array | null {
    const bytes = Math.ceil(n / 4) * 16;
    if (this.used + bytes > this.capacity) return null;
    const x = new Float32Array(this.buffer, this.used, n);
    this.used += bytes + GAP;
    return x;
  }

  /** True when `x` lives in this arena (the kernel can reach it). */
  owns(x: Float32Array): boolean {
    return x.buffer === this.buffer;
  }

  /**
   * dst[i] += float32(src[i] · g) for i < n — exactly what `dst[i] += Math.fround(src[i] * g)` computes when
   * g is a float32 value. Both arrays must be in the arena (see `owns`).
   */
  addScaled(src: Float32Array, dst: Float32Array, g: number, n: number): void {
    const whole = n & ~3;
    if (whole > 0) this.run(src.byteOffset, dst.byteOffset, whole * 4, g);
    const f = Math.fround;
    for (let i = whole; i < n; i++) dst[i] += f(src[i] * g);
  }

  /**
   * A fader and pan: dst[i] = float32(x[i] · a · b) for i < n, the products in double precision in that order,
   * as `dst[i] = x[i] * a[i] * b[i]` in TypeScript; `a` and `b` are arrays of per-sample gains (float32, in the
   * arena) or null for the constants `ga`, `gb`. Every array given must be in the arena.
   */
  fader(
    x: Float32Array,
    a: Float32Array | null,
    ga: number,
    b: Float32Array | null,
    gb: number,
    dst: Float32Array,
    n: number,
  ): void {
    const whole = n & ~1;
    if (whole > 0)
      this.runFader(
        x.byteOffset,
        a ? a.byteOffset : 0,
        b ? b.byteOffset : 0,
        dst.byteOffset,
        whole * 4,
        ga,
        gb,
      );
    if (whole < n) {
      const i = n - 1;
      dst[i] = x[i] * (a ? a[i] : ga) * (b ? b[i] : gb);
    }
  }
}

/** run(src, dst, bytes, g): dst += float32(src · g), `bytes` a multiple of 16. */
function generate(): Uint8Array {
  const SRC = 0;
  const DST = 1;
  const BYTES = 2;
  const G = 3;
  const I = 4;
  const GV = 5;
  const b = new Code();
  b.localGet(G).f32DemoteF64().f32x4Splat().localSet(GV);
  b.i32Const(0).localSet(I);
  b.block();
  b.localGet(BYTES).i32Eqz().brIf(0);
  b.loop();
  b.localGet(DST).localGet(I).i32Add();
  b.localGet(DST).localGet(I).i32Add().v128Load(0, 4);
  b.localGet(SRC).localGet(I).i32Add().v128Load(0, 4).localGet(GV).f32x4Mul();
  b.f32x4Add().v128Store(0, 4);
  b.localGet(I).i32Const(16).i32Add().localTee(I).localGet(BYTES).i32LtU().brIf(0);
  b.end();
  b.end();
  b.i32Const(0);
  return buildKernelModule({
    params: [I32, I32, I32, F64],
    results: [I32],
    locals: [
      [1, I32],
      [1, V128],
    ],
    body: b.bytes,
    memoryPages: 1,
    helpers: [generateFader()],
    helperExports: ["fader"],
  });
}

/** fader(x, a, b, dst, bytes, ga, gb): two samples a turn, one loop for each of the four kinds of gain. */
function generateFader(): KernelFunction {
  const X = 0;
  const A = 1;
  const B = 2;
  const DST = 3;
  const BYTES = 4;
  const GA = 5;
  const GB = 6;
  const I = 7;
  const VA = 8;
  const VB = 9;
  const c = new Code();
  c.localGet(GA).f64x2Splat().localSet(VA);
  c.localGet(GB).f64x2Splat().localSet(VB);
  const loop = (perSampleA: boolean, perSampleB: boolean) => {
    c.i32Const(0).localSet(I);
    c.loop();
    c.localGet(DST).localGet(I).i32Add();
    c.localGet(X).localGet(I).i32Add().v128Load64Zero(0).f64x2PromoteLowF32x4();
    if (perSampleA) c.localGet(A).localGet(I).i32Add().v128Load64Zero(0).f64x2PromoteLowF32x4();
    else c.localGet(VA);
    c.f64x2Mul();
    if (perSampleB) c.localGet(B).localGet(I).i32Add().v128Load64Zero(0).f64x2PromoteLowF32x4();
    else c.localGet(VB);
    c.f64x2Mul().f32x4DemoteF64x2Zero().v128Store64Lane(0, 0);
    c.localGet(I).i32Const(8).i32Add().localTee(I).localGet(BYTES).i32LtU().brIf(0);
    c.end();
  };
  c.block();
  c.localGet(BYTES).i32Eqz().brIf(0);
  c.localGet(A).i32Eqz().if();
  c.localGet(B).i32Eqz().if();
  loop(false, false);
  c.else();
  loop(false, true);
  c.end();
  c.else();
  c.localGet(B).i32Eqz().if();
  loop(true, false);
  c.else();
  loop(true, true);
  c.end();
  c.end();
  c.end();
  c.i32Const(0);
  return {
    params: [I32, I32, I32, I32, I32, F64, F64],
    results: [I32],
    locals: [
      [1, I32],
      [2, V128],
    ],
    body: c.bytes,
  };
}
