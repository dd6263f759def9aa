import {
  buildKernelModule,
  type CompiledKernel,
  compileKernel,
  F64,
  I32,
  op,
  simdOp,
  V128,
} from "../core/wasm.ts";

/** New samples the kernel's memory holds per call, after the history. */
export const KERNEL_CAPACITY = 32768;

/**
 * The true-peak meter's chunk scan as generated WebAssembly: per chunk of new samples, the largest |x|
 * (which also raises the peak: the true peak is never below the sample peak); when that chunk's bound (the
 * larger of its and the previous chunk's |x|, times the filter's gain bound) beats the peak, its outputs
 * are interpolated, two adjacent outputs per SIMD instruction (`f64x2`) with the branch coefficients as
 * constants. Every output is summed in the same order and precision as the TypeScript loop (tap 0 first,
 * double products and sums, no fused multiply-add), so the peaks are the same to the last bit; only taps
 * that are exactly zero are left out, which changes no finite sum.
 *
 * Memory layout (float32): `samples[0 … H)` is the history (the last H = taps − 1 samples before this
 * call's audio), `samples[H + n]` is new sample n; output n uses `samples[n … n + H]`.
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
    const key = `${bound};${chunk};${phases.map((b) => Array.from(b).join(",")).join(";")}`;
    let kernel = compiled.get(key);
    if (kernel === undefined) {
      kernel = compileKernel(generate(phases, bound, chunk));
      compiled.set(key, kernel);
    }
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

const compiled = new Map<string, CompiledKernel | null>();

/** Vectors (output pairs) per interpolation turn: enough independent sums to keep the multipliers busy. */
function vectorsPerTurn(branches: number): number {
  return branches >= 3 ? 1 : branches === 2 ? 2 : 4;
}

/** Taps per branch summed exactly by the per-output test (the largest ones); the rest are bounded. */
const TEST_TAPS = 4;
/**
 * Relative margin of the per-output test: it skips only when its bound is below the peak by this much,
 * far more than the rounding of the bound and of the exact sums (≈ 30 ulps).
 */
const TEST_MARGIN = 1e-9;

/** run(bytes, peak, before) → peak: bytes = 4 × frames. */
function generate(phases: readonly Float64Array[], bound: number, chunk: number): Uint8Array {
  const P = phases.length;
  const T = phases[0].length;
  const H = T - 1;
  const V = vectorsPerTurn(P);
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
  const testTaps = [...new Set(central.flat())].sort((a, b) => a - b);
  // Parameters, then locals.
  const BYTES = 0;
  const PEAK = 1;
  const BEFORE = 2;
  const AT = 3; // byte address of the chunk's first output
  const PTR = 4; // byte address of the output pairs being interpolated
  const END = 5;
  const CUR = 6; // this chunk's max |x|
  const MX = 7; // max |x| over the chunk's taps
  const PV = 8; // peak as two lanes, while interpolating
  const X = 9;
  const M = 10;
  const THR = 11; // THR + p: per branch, the largest |central sum| that cannot beat the peak
  const CX = THR + P; // CX + v·testTaps + k: samples the test reads
  const ACC = CX + V * testTaps.length; // ACC + v·P + p
  const b: number[] = [];
  b.push(...op.i32Const(0), ...op.localSet(AT), ...op.loop);
  // Max |x| of the chunk's new samples, four at a time.
  b.push(...simdOp.f64x2Const(0), ...op.localSet(M));
  for (let i = 0; i < chunk / 4; i++) {
    b.push(
      ...op.localGet(M),
      ...op.localGet(AT),
      ...simdOp.load(4 * H + 16 * i),
      ...simdOp.f32x4Abs,
      ...simdOp.f32x4Pmax,
      ...op.localSet(M),
    );
  }
  for (let lane = 0; lane < 4; lane++) b.push(...op.localGet(M), ...simdOp.f32x4ExtractLane(lane));
  b.push(...op.f32Max, ...op.f32Max, ...op.f32Max, ...op.f64PromoteF32, ...op.localTee(CUR));
  b.push(...op.localGet(PEAK), ...op.f64Max, ...op.localSet(PEAK));
  // Interpolate when the chunk's bound beats the peak.
  b.push(
    ...op.localGet(BEFORE),
    ...op.localGet(CUR),
    ...op.f64Max,
    ...op.localTee(MX),
    ...op.f64Const(bound),
    ...op.f64Mul,
    ...op.localGet(PEAK),
    ...op.f64Gt,
    ...op.if,
  );
  b.push(...op.localGet(PEAK), ...simdOp.f64x2Splat, ...op.localSet(PV));
  for (let p = 0; p < P; p++) {
    b.push(
      ...op.localGet(PEAK),
      ...op.f64Const(1 - TEST_MARGIN),
      ...op.f64Mul,
      ...op.localGet(MX),
      ...op.f64Const(rest[p]),
      ...op.f64Mul,
      ...op.f64Sub,
      ...simdOp.f64x2Splat,
      ...op.localSet(THR + p),
    );
  }
  b.push(
    ...op.localGet(AT),
    ...op.localTee(PTR),
    ...op.i32Const(4 * chunk),
    ...op.i32Add,
    ...op.localSet(END),
  );
  b.push(...op.loop);
  // The test: |sum over the largest taps| + (Σ|h| of the rest) × max |x| bounds each output; the exact sums
  // run only when some output's bound beats the peak.
  const load = (v: number, j: number) => [
    ...op.localGet(PTR),
    ...simdOp.load64Zero(4 * (H - j + 2 * v)),
    ...simdOp.f64x2PromoteLowF32x4,
  ];
  for (let v = 0; v < V; v++)
    testTaps.forEach((j, k) => {
      b.push(...load(v, j), ...op.localSet(CX + v * testTaps.length + k));
    });
  let tests = 0;
  for (let v = 0; v < V; v++) {
    for (let p = 0; p < P; p++) {
      central[p].forEach((j, i) => {
        b.push(...op.localGet(CX + v * testTaps.length + testTaps.indexOf(j)));
        b.push(...simdOp.f64x2Const(phases[p][j]), ...simdOp.f64x2Mul);
        if (i > 0) b.push(...simdOp.f64x2Add);
      });
      b.push(...simdOp.f64x2Abs, ...op.localGet(THR + p), ...simdOp.f64x2Gt);
      if (tests++ > 0) b.push(...simdOp.v128Or);
    }
  }
  b.push(...simdOp.v128AnyTrue, ...op.if);
  const started = new Array<boolean>(V * P).fill(false);
  for (let j = 0; j < T; j++) {
    if (phases.every((h) => h[j] === 0)) continue;
    for (let v = 0; v < V; v++) {
      // Outputs n + 2v and n + 2v + 1 take x[n + 2v − j] and the sample after it.
      b.push(...load(v, j), ...op.localSet(X));
      for (let p = 0; p < P; p++) {
        const h = phases[p][j];
        if (h === 0) continue;
        const acc = ACC + v * P + p;
        if (started[v * P + p]) b.push(...op.localGet(acc));
        b.push(...op.localGet(X), ...simdOp.f64x2Const(h), ...simdOp.f64x2Mul);
        if (started[v * P + p]) b.push(...simdOp.f64x2Add);
        b.push(...op.localSet(acc));
        started[v * P + p] = true;
      }
    }
  }
  for (let a = 0; a < V * P; a++) {
    b.push(
      ...op.localGet(PV),
      ...op.localGet(ACC + a),
      ...simdOp.f64x2Abs,
      ...simdOp.f64x2Pmax,
      ...op.localSet(PV),
    );
  }
  b.push(...op.end); // if (test)
  b.push(
    ...op.localGet(PTR),
    ...op.i32Const(8 * V),
    ...op.i32Add,
    ...op.localTee(PTR),
    ...op.localGet(END),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
  );
  b.push(
    ...op.localGet(PV),
    ...simdOp.f64x2ExtractLane(0),
    ...op.localGet(PV),
    ...simdOp.f64x2ExtractLane(1),
    ...op.f64Max,
    ...op.localSet(PEAK),
    ...op.end, // if (chunk)
  );
  // Next chunk.
  b.push(
    ...op.localGet(CUR),
    ...op.localSet(BEFORE),
    ...op.localGet(AT),
    ...op.i32Const(4 * chunk),
    ...op.i32Add,
    ...op.localTee(AT),
    ...op.localGet(BYTES),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.localGet(PEAK),
  );
  return buildKernelModule({
    params: [I32, F64, F64],
    results: [F64],
    locals: [
      [3, I32],
      [2, F64],
      [3 + P + V * testTaps.length + V * P, V128],
    ],
    body: b,
    memoryPages: Math.ceil(((H + KERNEL_CAPACITY) * 4 + 16) / 65536),
  });
}
