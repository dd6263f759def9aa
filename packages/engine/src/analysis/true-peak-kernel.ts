import {
  buildKernelModule,
  Code,
  type CompiledKernel,
  compileKernelOnce,
  F64,
  I32,
  V128,
} from "../core/wasm.ts";

/** New samples the kernel's memory holds per call, after the history. */
export const KERNEL_CAPACITY = 32768;

/**
 * The true-peak meter's chunk scan as generated WebAssembly: per chunk of new samples, the largest |x|
 * (which also raises the peak: the true peak is never below the sample peak); when that chunk's bound (the
 * larger of its and the previous chunk's |x|, times the filter's gain bound) beats the peak, its taps are
 * converted to doubles once and its outputs interpolated branch by branch, eight outputs at a time (four
 * `f64x2` sums) in a loop over the taps, each branch only where its per-output bound beats the peak. Every
 * output is summed in the same order and precision as the TypeScript loop (tap 0 first, double products
 * and sums, no fused multiply-add), so the peaks are the same to the last bit; only taps that are exactly
 * zero are left out, which changes no finite sum.
 *
 * Memory layout: `samples[0 … H)` (float32) is the history (the last H = taps − 1 samples before this
 * call's audio), `samples[H + n]` is new sample n; output n uses `samples[n … n + H]`. After the samples
 * the kernel keeps its scratch copy of a chunk in doubles and its coefficient table.
 */
export class TruePeakKernel {
  /** The kernel's input: history, then up to `KERNEL_CAPACITY` new samples. */
  readonly samples: Float32Array;
  private readonly run: (bytes: number, peak: number, before: number) => number;

  private constructor(compiled: CompiledKernel) {
    const inst = compiled.instantiate();
    this.run = inst.run;
    this.samples = new Float32Array(inst.memory);
  }

  /**
   * A kernel, or null when the host cannot run WebAssembly SIMD. Compiled once per set of arguments; each
   * kernel has its own memory.
   * @param phases polyphase branches: `phases[p][j]` multiplies x[n − j].
   * @param bound a chunk is interpolated when max |x| over its taps × bound exceeds the peak.
   * @param chunk samples per chunk, a multiple of 8.
   */
  static create(phases: readonly Float64Array[], bound: number, chunk: number): TruePeakKernel | null {
    const kernel = compileKernelOnce(
      `true-peak;${bound};${chunk};${phases.map((b) => Array.from(b).join(",")).join(";")}`,
      () => generate(phases, bound, chunk),
    );
    return kernel ? new TruePeakKernel(kernel) : null;
  }

  /**
   * Scans new samples 0 … frames − 1 (a multiple of the chunk, ≤ KERNEL_CAPACITY) and returns the peak
   * raised by their sample and interpolated values.
   * @param before max |x| over the history.
   */
  scan(frames: number, peak: number, before: number): number {
    return this.run(frames * 4, peak, before);
  }
}

/**
 * Output pairs per turn of the tap loop (one branch at a time). Measured on a 10-minute sweep, one channel:
 * 2 → 0.40–0.43 s, 4 → 0.36 s, 6 (with 48-sample chunks) → 0.36–0.37 s, 8 → 0.44 s (V8 spills two sums
 * to the stack, which puts a store and a load into their chains).
 */
const VECTORS = 4;

/** Taps per branch summed exactly by the per-output test (the largest ones); the rest are bounded. */
const TEST_TAPS = 4;
/**
 * Relative margin of the per-output test: it skips only when its bound is below the peak by this much,
 * far more than the rounding of the bound and of the exact sums (≈ 30 ulps).
 */
const TEST_MARGIN = 1e-9;

/** The longest run of taps [from, to) where `h` is non-zero. */
function nonZeroRun(h: Float64Array): [number, number] {
  let run: [number, number] = [0, 0];
  for (let j = 0; j < h.length; ) {
    if (h[j] === 0) {
      j++;
      continue;
    }
    let e = j;
    while (e < h.length && h[e] !== 0) e++;
    if (e - j > run[1] - run[0]) run = [j, e];
    j = e;
  }
  return run;
}

/**
 * run(bytes, peak, before) → peak: bytes = 4 × frames.
 *
 * Memory after the samples: a scratch copy of the chunk's taps in doubles (converted once per chunk, not
 * once per tap and branch), then a table of coefficients as f64x2 pairs. The code reads coefficients from
 * the table into locals: written as constants, V8 builds each from an immediate on every use (three
 * instructions, one a move between register files) and hoists the rest to the top of the block, spilled.
 */
function generate(phases: readonly Float64Array[], bound: number, chunk: number): Uint8Array {
  const P = phases.length;
  const T = phases[0].length;
  const H = T - 1;
  const V = VECTORS;
  if (chunk % 8 !== 0 || chunk % (2 * V) !== 0)
    throw new RangeError(`chunk ${chunk} does not fit the kernel`);
  // Per branch, the taps the test sums and the gain bound Σ|h| of the others.
  const central = phases.map((h) =>
    Array.from(h.keys())
      .sort((a, b) => Math.abs(h[b]) - Math.abs(h[a]))
      .slice(0, TEST_TAPS)
      .sort((a, b) => a - b),
  );
  const rest = phases.map((h, p) =>
    h.reduce((sum, v, j) => (central[p].includes(j) ? sum : sum + Math.abs(v)), 0),
  );
  // Per branch, Σ|h| with the same margin as the meter's chunk bound (rounding of the bound and the sums).
  const gains = phases.map((h) => h.reduce((sum, v) => sum + Math.abs(v), 0) * (1 + TEST_MARGIN));
  // Each branch's exact sums run as a loop over its longest run of non-zero taps (all but the prototype's
  // zero tail); taps outside it (none for the meter's filters) are added before and after, in tap order.
  const runs = phases.map(nonZeroRun);
  // Memory: samples (float32), scratch (float64: the chunk's H + chunk taps, one spare), table.
  const SCRATCH = Math.ceil(((H + KERNEL_CAPACITY) * 4 + 16) / 16) * 16;
  const TABLE = SCRATCH + Math.ceil(((H + chunk + 1) * 8) / 16) * 16;
  const table: number[] = [];
  /** Byte address in the table of a coefficient pair. */
  const entry = (v: number) => {
    table.push(v, v);
    return TABLE + (table.length - 2) * 8;
  };
  const testAt = phases.map((h, p) => central[p].map((j) => entry(h[j])));
  const runAt = phases.map((h, p) => {
    const at = TABLE + table.length * 8;
    for (let j = runs[p][0]; j < runs[p][1]; j++) entry(h[j]);
    return at;
  });
  // Parameters, then locals.
  const BYTES = 0;
  const PEAK = 1;
  const BEFORE = 2;
  const AT = 3; // byte address of the chunk's first output
  const PTR = 4; // scratch address of the output pairs being interpolated
  const SP = 5; // the tap loop's scratch address: x[n − j]
  const CP = 6; // the tap loop's coefficient address
  const ON = 7; // ON + p: branch p can reach the peak somewhere in this chunk
  const CUR = ON + P; // this chunk's max |x|
  const MX = CUR + 1; // max |x| over the chunk's taps
  const PV = MX + 1; // peak as two lanes, while interpolating
  const M = PV + 1;
  const C = M + 1; // the tap loop's coefficient pair
  const TC = C + 1; // TC + i: the test's coefficient pairs
  const THR = TC + TEST_TAPS; // THR + p: per branch, the largest |central sum| that cannot beat the peak
  const ACC = THR + P; // ACC + v
  const b = new Code();
  b.i32Const(0).localSet(AT).loop();
  // Max |x| of the chunk's new samples, four at a time.
  b.f64x2Const(0).localSet(M);
  for (let i = 0; i < chunk / 4; i++) {
    b.localGet(M)
      .localGet(AT)
      .v128Load(4 * H + 16 * i)
      .f32x4Abs()
      .f32x4Pmax()
      .localSet(M);
  }
  for (let lane = 0; lane < 4; lane++) b.localGet(M).f32x4ExtractLane(lane);
  b.f32Max().f32Max().f32Max().f64PromoteF32().localTee(CUR);
  b.localGet(PEAK).f64Max().localSet(PEAK);
  // Interpolate when the chunk's bound beats the peak.
  b.localGet(BEFORE).localGet(CUR).f64Max().localTee(MX).f64Const(bound).f64Mul().localGet(PEAK).f64Gt().if();
  b.localGet(PEAK).f64x2Splat().localSet(PV);
  for (let p = 0; p < P; p++) {
    b.localGet(PEAK)
      .f64Const(1 - TEST_MARGIN)
      .f64Mul();
    b.localGet(MX)
      .f64Const(rest[p])
      .f64Mul()
      .f64Sub()
      .f64x2Splat()
      .localSet(THR + p);
  }
  // Per branch, the chunk's bound with that branch's own gain: the branch next to the input samples has a
  // gain of about 1, so on material at a steady level (a sine) it is left out here, tests and all.
  for (let p = 0; p < P; p++)
    b.localGet(MX)
      .f64Const(gains[p])
      .f64Mul()
      .localGet(PEAK)
      .f64Gt()
      .localSet(ON + p);
  // The chunk's taps in doubles: scratch[k] = x at sample address AT + 4k, k < H + chunk.
  for (let k = 0; k < H + chunk; k += 2) {
    b.i32Const(0)
      .localGet(AT)
      .v128Load64Zero(4 * k)
      .f64x2PromoteLowF32x4()
      .v128Store(SCRATCH + 8 * k, 4);
  }
  b.i32Const(SCRATCH).localSet(PTR);
  b.loop();
  // Outputs n + 2v and n + 2v + 1 take x[n + 2v − j] and the sample after it (scratch[n + 2v + H − j]).
  const x = (v: number, j: number) => b.localGet(PTR).v128Load(8 * (2 * v + H - j), 3);
  for (let p = 0; p < P; p++) {
    const h = phases[p];
    // The test, per branch: |sum over its largest taps| + (Σ|h| of the rest) × max |x| bounds each output;
    // the branch's exact sums run only when some output's bound beats the peak. Branch by branch, so a
    // branch that cannot reach the peak (on a sine, the one next to the input samples) is skipped while
    // the others run.
    b.localGet(ON + p).if();
    for (let i = 0; i < central[p].length; i++)
      b.i32Const(0)
        .v128Load(testAt[p][i], 4)
        .localSet(TC + i);
    for (let v = 0; v < V; v++) {
      for (let i = 0; i < central[p].length; i++) {
        x(v, central[p][i])
          .localGet(TC + i)
          .f64x2Mul();
        if (i > 0) b.f64x2Add();
      }
      b.f64x2Abs()
        .localGet(THR + p)
        .f64x2Gt();
      if (v > 0) b.v128Or();
    }
    b.v128AnyTrue().if();
    // Each sum starts at +0 and adds tap 0 first: the same value as starting from tap 0's product (only
    // the sign of a zero sum can differ, which |y| does not see).
    for (let v = 0; v < V; v++) b.f64x2Const(0).localSet(ACC + v);
    const tap = (j: number) => {
      if (h[j] === 0) return;
      b.f64x2Const(h[j]).localSet(C);
      for (let v = 0; v < V; v++) {
        b.localGet(ACC + v);
        x(v, j)
          .localGet(C)
          .f64x2Mul()
          .f64x2Add()
          .localSet(ACC + v);
      }
    };
    const [L0, L1] = runs[p];
    for (let j = 0; j < L0; j++) tap(j);
    if (L1 > L0) {
      // SP walks back through the scratch (x[n − j]) while CP walks forward through the table.
      b.localGet(PTR)
        .i32Const(8 * (H - L0))
        .i32Add()
        .localSet(SP);
      b.i32Const(runAt[p]).localSet(CP);
      b.loop();
      b.localGet(CP).v128Load(0, 4).localSet(C);
      for (let v = 0; v < V; v++) {
        b.localGet(ACC + v)
          .localGet(SP)
          .v128Load(16 * v, 3)
          .localGet(C)
          .f64x2Mul()
          .f64x2Add()
          .localSet(ACC + v);
      }
      b.localGet(SP).i32Const(8).i32Sub().localSet(SP);
      b.localGet(CP)
        .i32Const(16)
        .i32Add()
        .localTee(CP)
        .i32Const(runAt[p] + 16 * (L1 - L0))
        .i32LtU()
        .brIf(0)
        .end();
    }
    for (let j = L1; j < T; j++) tap(j);
    for (let v = 0; v < V; v++)
      b.localGet(PV)
        .localGet(ACC + v)
        .f64x2Abs()
        .f64x2Pmax()
        .localSet(PV);
    b.end(); // if (test)
    b.end(); // if (branch on in this chunk)
  }
  b.localGet(PTR)
    .i32Const(16 * V)
    .i32Add()
    .localTee(PTR)
    .i32Const(SCRATCH + 8 * chunk)
    .i32LtU()
    .brIf(0)
    .end();
  b.localGet(PV).f64x2ExtractLane(0).localGet(PV).f64x2ExtractLane(1).f64Max().localSet(PEAK);
  b.end(); // if (chunk)
  // Next chunk.
  b.localGet(CUR).localSet(BEFORE);
  b.localGet(AT)
    .i32Const(4 * chunk)
    .i32Add()
    .localTee(AT)
    .localGet(BYTES)
    .i32LtU()
    .brIf(0)
    .end();
  b.localGet(PEAK);
  return buildKernelModule({
    params: [I32, F64, F64],
    results: [F64],
    locals: [
      [4 + P, I32],
      [2, F64],
      [3 + TEST_TAPS + P + V, V128],
    ],
    body: b.bytes,
    memoryPages: Math.ceil((TABLE + table.length * 8) / 65536),
    data: { offset: TABLE, bytes: new Uint8Array(new Float64Array(table).buffer) },
  });
}
