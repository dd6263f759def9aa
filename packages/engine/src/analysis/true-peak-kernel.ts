import { buildKernelModule, Code, type CompiledKernel, compileKernel, F64, I32, V128 } from "../core/wasm.ts";

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
  b.localGet(AT)
    .localTee(PTR)
    .i32Const(4 * chunk)
    .i32Add()
    .localSet(END);
  b.loop();
  // The test: |sum over the largest taps| + (Σ|h| of the rest) × max |x| bounds each output; the exact sums
  // run only when some output's bound beats the peak. Outputs n + 2v and n + 2v + 1 take x[n + 2v − j]
  // and the sample after it.
  const load = (v: number, j: number) =>
    b
      .localGet(PTR)
      .v128Load64Zero(4 * (H - j + 2 * v))
      .f64x2PromoteLowF32x4();
  for (let v = 0; v < V; v++) {
    for (let k = 0; k < testTaps.length; k++) load(v, testTaps[k]).localSet(CX + v * testTaps.length + k);
  }
  let tests = 0;
  for (let v = 0; v < V; v++) {
    for (let p = 0; p < P; p++) {
      for (let i = 0; i < central[p].length; i++) {
        const j = central[p][i];
        b.localGet(CX + v * testTaps.length + testTaps.indexOf(j))
          .f64x2Const(phases[p][j])
          .f64x2Mul();
        if (i > 0) b.f64x2Add();
      }
      b.f64x2Abs()
        .localGet(THR + p)
        .f64x2Gt();
      if (tests++ > 0) b.v128Or();
    }
  }
  b.v128AnyTrue().if();
  const started = new Array<boolean>(V * P).fill(false);
  for (let j = 0; j < T; j++) {
    if (phases.every((h) => h[j] === 0)) continue;
    for (let v = 0; v < V; v++) {
      load(v, j).localSet(X);
      for (let p = 0; p < P; p++) {
        const h = phases[p][j];
        if (h === 0) continue;
        const a = v * P + p;
        if (started[a]) b.localGet(ACC + a);
        b.localGet(X).f64x2Const(h).f64x2Mul();
        if (started[a]) b.f64x2Add();
        b.localSet(ACC + a);
        started[a] = true;
      }
    }
  }
  for (let a = 0; a < V * P; a++)
    b.localGet(PV)
      .localGet(ACC + a)
      .f64x2Abs()
      .f64x2Pmax()
      .localSet(PV);
  b.end(); // if (test)
  b.localGet(PTR)
    .i32Const(8 * V)
    .i32Add()
    .localTee(PTR)
    .localGet(END)
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
      [3, I32],
      [2, F64],
      [3 + P + V * testTaps.length + V * P, V128],
    ],
    body: b.bytes,
    memoryPages: Math.ceil(((H + KERNEL_CAPACITY) * 4 + 16) / 65536),
  });
}
