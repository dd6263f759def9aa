import { buildKernelModule, Code, type CompiledKernel, compileKernelOnce, I32, V128 } from "../core/wasm.ts";

/** Frames of each channel the kernel's memory holds per call. */
export const K_KERNEL_CAPACITY = 8192;

/** Byte offsets in the kernel's memory: the two channels' filter states, their sums, the samples, the table. */
const STATE = 0; // s1, s2, t1, t2: one f64x2 each, lane 0 the first channel, lane 1 the second
const SUMS = 64; // f64x2: Σz² of each channel over the call
const LEFT = 128; // float32 × capacity
const RIGHT = LEFT + 4 * K_KERNEL_CAPACITY;
const TABLE = RIGHT + 4 * K_KERNEL_CAPACITY; // coefficient pairs
/** Coefficients in the table, in this order (each as an f64x2 pair). */
const COEFFS = ["b0", "b1", "b2", "a1", "a2", "d0", "e1", "e2", "m2"] as const;

/**
 * The K-weighting filters of two channels as generated WebAssembly, one channel per lane of an `f64x2`:
 * the loudness meter's hot loop at half the instructions of the TypeScript pair loop, which on two cores
 * is bound by how many it can issue rather than by its recursions' latency. Every lane does exactly the
 * arithmetic of `KWeighting.energy` in the same order (double products and sums, no fused multiply-add,
 * samples widened from float32 exactly), so the sums and states are the same to the last bit.
 */
export class KWeightingPairKernel {
  /** Input of the next call: the first channel's samples, then the second's (float32). */
  readonly left: Float32Array;
  readonly right: Float32Array;
  /** s1, s2, t1, t2 of the first channel at even indices, of the second at odd ones; then the two sums. */
  readonly words: Float64Array;
  private readonly run: (frames: number) => number;

  private constructor(compiled: CompiledKernel) {
    const inst = compiled.instantiate();
    this.run = inst.run;
    this.left = new Float32Array(inst.memory, LEFT, K_KERNEL_CAPACITY);
    this.right = new Float32Array(inst.memory, RIGHT, K_KERNEL_CAPACITY);
    this.words = new Float64Array(inst.memory, STATE, 10);
  }

  /**
   * A kernel for one set of coefficients, or null when the host cannot run WebAssembly SIMD. Compiled once
   * per set; each kernel has its own memory.
   * @param c b0, b1, b2, a1, a2 of the pre-filter, then d0 (the high-pass gain), e1, e2 (its feedback).
   */
  static create(c: {
    b0: number;
    b1: number;
    b2: number;
    a1: number;
    a2: number;
    d0: number;
    e1: number;
    e2: number;
  }): KWeightingPairKernel | null {
    const values = [c.b0, c.b1, c.b2, c.a1, c.a2, c.d0, c.e1, c.e2, -2];
    const compiled = compileKernelOnce(`k-weighting;${values.join(",")}`, () => generate(values));
    return compiled ? new KWeightingPairKernel(compiled) : null;
  }

  /**
   * Filters `frames` (≤ K_KERNEL_CAPACITY) samples of `left` and `right` from the state in `words`, leaving
   * the new state there, and adds each channel's z² in turn to its sum in words[8], words[9] (a call over
   * several pieces continues the sums as one loop would).
   */
  filter(frames: number): void {
    this.run(frames);
  }
}

/** run(frames): one pass over the samples, state and sums in memory. */
function generate(values: readonly number[]): Uint8Array {
  const FRAMES = 0;
  const I = 1; // byte offset of the sample, 0 … 4 · frames
  const END = 2;
  const K = 3; // K + j: coefficient j as two lanes
  const S1 = K + COEFFS.length;
  const S2 = S1 + 1;
  const T1 = S2 + 1;
  const T2 = T1 + 1;
  const SUM = T2 + 1;
  const X = SUM + 1;
  const Y = X + 1;
  const U = Y + 1;
  const Z = U + 1;
  const [B0, B1, B2, A1, A2, D0, E1, E2, M2] = COEFFS.map((_, j) => K + j);
  const b = new Code();
  // Coefficients from the table into locals (as constants V8 would rebuild them on every use).
  for (let j = 0; j < COEFFS.length; j++)
    b.i32Const(0)
      .v128Load(TABLE + 16 * j, 4)
      .localSet(K + j);
  for (let j = 0; j < 4; j++)
    b.i32Const(0)
      .v128Load(STATE + 16 * j, 4)
      .localSet(S1 + j);
  b.i32Const(0).v128Load(SUMS, 4).localSet(SUM);
  b.localGet(FRAMES).i32Const(2).i32Shl().localSet(END);
  b.i32Const(0).localSet(I);
  b.block();
  b.localGet(END).i32Eqz().brIf(0);
  b.loop();
  // x = (left[i], right[i]) as doubles
  b.localGet(I).localGet(I).v128Load32Zero(LEFT).v128Load32Lane(RIGHT, 1).f64x2PromoteLowF32x4().localSet(X);
  // y = b0·x + s1
  b.localGet(B0).localGet(X).f64x2Mul().localGet(S1).f64x2Add().localSet(Y);
  // s1 = b1·x − a1·y + s2
  b.localGet(B1)
    .localGet(X)
    .f64x2Mul()
    .localGet(A1)
    .localGet(Y)
    .f64x2Mul()
    .f64x2Sub()
    .localGet(S2)
    .f64x2Add()
    .localSet(S1);
  // s2 = b2·x − a2·y
  b.localGet(B2).localGet(X).f64x2Mul().localGet(A2).localGet(Y).f64x2Mul().f64x2Sub().localSet(S2);
  // u = d0·y; z = u + t1
  b.localGet(D0).localGet(Y).f64x2Mul().localTee(U).localGet(T1).f64x2Add().localSet(Z);
  // t1 = −2·u − e1·z + t2
  b.localGet(M2)
    .localGet(U)
    .f64x2Mul()
    .localGet(E1)
    .localGet(Z)
    .f64x2Mul()
    .f64x2Sub()
    .localGet(T2)
    .f64x2Add()
    .localSet(T1);
  // t2 = u − e2·z
  b.localGet(U).localGet(E2).localGet(Z).f64x2Mul().f64x2Sub().localSet(T2);
  // sum += z·z
  b.localGet(SUM).localGet(Z).localGet(Z).f64x2Mul().f64x2Add().localSet(SUM);
  b.localGet(I).i32Const(4).i32Add().localTee(I).localGet(END).i32LtU().brIf(0);
  b.end(); // loop
  b.end(); // block
  for (let j = 0; j < 4; j++)
    b.i32Const(0)
      .localGet(S1 + j)
      .v128Store(STATE + 16 * j, 4);
  b.i32Const(0).localGet(SUM).v128Store(SUMS, 4);
  b.i32Const(0);
  const table = new Float64Array(2 * values.length);
  for (let j = 0; j < values.length; j++) table.fill(values[j], 2 * j, 2 * j + 2);
  return buildKernelModule({
    params: [I32],
    results: [I32],
    locals: [
      [2, I32],
      [COEFFS.length + 9, V128],
    ],
    body: b.bytes,
    memoryPages: Math.ceil((TABLE + table.byteLength) / 65536),
    data: { offset: TABLE, bytes: new Uint8Array(table.buffer) },
  });
}
