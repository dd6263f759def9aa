/**
 * The radix-2 FFT's butterfly stages (`FFT` in fft.ts) as generated WebAssembly, two butterflies a turn in
 * `f64x2` lanes (k and k + 1 of a group). Every butterfly does exactly the arithmetic of the TypeScript loops in
 * the same order — double products and sums, no fused multiply-add, twiddles from the same tables — so the
 * transform is the same to the last bit, at about half the instructions. The bit-reversal permutation and the
 * first stage (twiddle 1) are done by the caller while copying the input in.
 *
 * Memory: re (n doubles), im (n doubles), then per stage its twiddles laid out contiguously by k
 * (cos and sin for w1, w2, w3 of each paired stage; cos and sin of a last single stage).
 */
import { buildKernelModule, Code, type CompiledKernel, compileKernelOnce, F64, I32, V128 } from "./wasm.ts";

/** Sizes the kernel takes (smaller ones are not worth a call, larger ones would need too much memory). */
export const FFT_KERNEL_MIN = 16;
export const FFT_KERNEL_MAX = 1 << 16;

/**
 * Bytes between re and im: with im right after re, a point's two parts would sit a power of two apart, in the
 * same cache set and at the same offset within 4 KiB: the stages of 8192 points took 118 µs that way against
 * 48 µs with the gap, of 65 536 points 1.06 against 0.57 ms.
 */
const IM_GAP = 17 * 64;

export class FftKernel {
  /** Input and output of `stages`: the permuted, first-stage data in, the transform out. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly run: (sign: number) => number;

  private constructor(compiled: CompiledKernel, n: number) {
    const inst = compiled.instantiate();
    this.run = inst.run;
    this.re = new Float64Array(inst.memory, 0, n);
    this.im = new Float64Array(inst.memory, 8 * n + IM_GAP, n);
  }

  /**
   * A kernel for transforms of `n` points (a power of two), or null when n is outside FFT_KERNEL_MIN …
   * FFT_KERNEL_MAX or the host has no WebAssembly SIMD. Its twiddles are `fftTwiddles(n)`.
   */
  static create(n: number): FftKernel | null {
    if (!(n >= FFT_KERNEL_MIN && n <= FFT_KERNEL_MAX && (n & (n - 1)) === 0)) return null;
    const compiled = compileKernelOnce(`fft;${n}`, () => generate(n));
    return compiled ? new FftKernel(compiled, n) : null;
  }

  /** Every stage after the first, in place on `re`, `im`; sign −1 forward, +1 inverse (unscaled). */
  stages(sign: number): void {
    this.run(sign);
  }
}

/** The FFT's twiddle tables for `n` points: cos and sin of 2πi/n, i < n/2 (`FFT` and the kernel share them). */
export function fftTwiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  return { cos, sin };
}

function generate(n: number): Uint8Array {
  const { cos, sin } = fftTwiddles(n);
  const RE = 0;
  const IM = 8 * n + IM_GAP;
  const at = IM + 8 * n;
  const table: number[] = [];
  /** Appends a run of twiddles; returns its byte address. */
  const put = (values: number[]) => {
    const addr = at + 8 * table.length;
    for (const v of values) table.push(v);
    return addr;
  };
  // Parameters and locals.
  const SIGN = 0;
  const START = 1;
  const K = 2; // byte offset of k within a group (8 · k)
  const T = 3; // byte offset of k in the stage's twiddle runs
  const SV = 4; // sign in both lanes
  const W = 5; // W … W + 5: w1r w1i w2r w2i w3r w3i
  const R0 = W + 6;
  const I0 = R0 + 1;
  const R1 = I0 + 1;
  const I1 = R1 + 1;
  const R2 = I1 + 1;
  const I2 = R2 + 1;
  const R3 = I2 + 1;
  const I3 = R3 + 1;
  const XR = I3 + 1;
  const XI = XR + 1;
  const B0R = XI + 1;
  const B0I = B0R + 1;
  const B1R = B0I + 1;
  const B1I = B1R + 1;
  const B2R = B1I + 1;
  const B2I = B2R + 1;
  const B3R = B2I + 1;
  const B3I = B3R + 1;
  const VECS = B3I + 1 - SV;
  const b = new Code();
  b.localGet(SIGN).f64x2Splat().localSet(SV);
  const load = (base: number, offsetLocal: number, extra: number) =>
    b.localGet(offsetLocal).v128Load(base + extra, 3);
  /** x = (pr·wr − pi·wi, pr·wi + pi·wr) into XR, XI. */
  const twiddle = (pr: number, pi: number, wr: number, wi: number) => {
    b.localGet(pr).localGet(wr).f64x2Mul().localGet(pi).localGet(wi).f64x2Mul().f64x2Sub().localSet(XR);
    b.localGet(pr).localGet(wi).f64x2Mul().localGet(pi).localGet(wr).f64x2Mul().f64x2Add().localSet(XI);
  };
  const sum = (x: number, y: number, sub: boolean, into: number) => {
    b.localGet(x).localGet(y);
    if (sub) b.f64x2Sub();
    else b.f64x2Add();
    b.localSet(into);
  };
  /** Stores v at re/im[address local + offset]. */
  const store = (base: number, addrLocal: number, extra: number, v: number) =>
    b
      .localGet(addrLocal)
      .localGet(v)
      .v128Store(base + extra, 3);
  let len = 4;
  for (; 2 * len <= n; len <<= 2) {
    const h = len >> 1;
    const s1 = n / len;
    const s2 = s1 >> 1;
    const runs = [
      Array.from({ length: h }, (_, k) => cos[k * s1]),
      Array.from({ length: h }, (_, k) => sin[k * s1]),
      Array.from({ length: h }, (_, k) => cos[k * s2]),
      Array.from({ length: h }, (_, k) => sin[k * s2]),
      Array.from({ length: h }, (_, k) => cos[(k + h) * s2]),
      Array.from({ length: h }, (_, k) => sin[(k + h) * s2]),
    ].map(put);
    // for start in 0, 2·len, … (bytes): for k in 0, 2, … h − 2
    b.i32Const(0).localSet(START);
    b.loop();
    b.i32Const(0).localSet(K);
    b.loop();
    // Twiddles of k, k + 1 (T = K: both runs are indexed by k), the sines times the sign.
    for (let j = 0; j < 6; j++) {
      b.localGet(K).v128Load(runs[j], 3);
      if (j % 2 === 1) b.localGet(SV).f64x2Mul();
      b.localSet(W + j);
    }
    // START + K is the byte offset of a0; a1 = a0 + h, a2 = a0 + len, a3 = a2 + h.
    b.localGet(START).localGet(K).i32Add().localSet(T);
    load(RE, T, 0).localSet(R0);
    load(IM, T, 0).localSet(I0);
    load(RE, T, 8 * h).localSet(R1);
    load(IM, T, 8 * h).localSet(I1);
    load(RE, T, 8 * len).localSet(R2);
    load(IM, T, 8 * len).localSet(I2);
    load(RE, T, 8 * (len + h)).localSet(R3);
    load(IM, T, 8 * (len + h)).localSet(I3);
    twiddle(R1, I1, W, W + 1);
    sum(R0, XR, false, B0R);
    sum(I0, XI, false, B0I);
    sum(R0, XR, true, B1R);
    sum(I0, XI, true, B1I);
    twiddle(R3, I3, W, W + 1);
    sum(R2, XR, false, B2R);
    sum(I2, XI, false, B2I);
    sum(R2, XR, true, B3R);
    sum(I2, XI, true, B3I);
    twiddle(B2R, B2I, W + 2, W + 3);
    sum(B0R, XR, false, R0);
    sum(B0I, XI, false, I0);
    sum(B0R, XR, true, R2);
    sum(B0I, XI, true, I2);
    twiddle(B3R, B3I, W + 4, W + 5);
    sum(B1R, XR, false, R1);
    sum(B1I, XI, false, I1);
    sum(B1R, XR, true, R3);
    sum(B1I, XI, true, I3);
    store(RE, T, 0, R0);
    store(IM, T, 0, I0);
    store(RE, T, 8 * len, R2);
    store(IM, T, 8 * len, I2);
    store(RE, T, 8 * h, R1);
    store(IM, T, 8 * h, I1);
    store(RE, T, 8 * (len + h), R3);
    store(IM, T, 8 * (len + h), I3);
    b.localGet(K)
      .i32Const(16)
      .i32Add()
      .localTee(K)
      .i32Const(8 * h)
      .i32LtU()
      .brIf(0);
    b.end();
    b.localGet(START)
      .i32Const(16 * len)
      .i32Add()
      .localTee(START)
      .i32Const(8 * n)
      .i32LtU()
      .brIf(0);
    b.end();
  }
  if (len <= n) {
    // One stage left over: a = start + k, b = a + half.
    const half = len >> 1;
    const step = n / len;
    const runs = [
      Array.from({ length: half }, (_, k) => cos[k * step]),
      Array.from({ length: half }, (_, k) => sin[k * step]),
    ].map(put);
    b.i32Const(0).localSet(START);
    b.loop();
    b.i32Const(0).localSet(K);
    b.loop();
    b.localGet(K).v128Load(runs[0], 3).localSet(W);
    b.localGet(K)
      .v128Load(runs[1], 3)
      .localGet(SV)
      .f64x2Mul()
      .localSet(W + 1);
    b.localGet(START).localGet(K).i32Add().localSet(T);
    load(RE, T, 0).localSet(R0);
    load(IM, T, 0).localSet(I0);
    load(RE, T, 8 * half).localSet(R1);
    load(IM, T, 8 * half).localSet(I1);
    twiddle(R1, I1, W, W + 1);
    sum(R0, XR, true, R1);
    sum(I0, XI, true, I1);
    sum(R0, XR, false, R0);
    sum(I0, XI, false, I0);
    store(RE, T, 0, R0);
    store(IM, T, 0, I0);
    store(RE, T, 8 * half, R1);
    store(IM, T, 8 * half, I1);
    b.localGet(K)
      .i32Const(16)
      .i32Add()
      .localTee(K)
      .i32Const(8 * half)
      .i32LtU()
      .brIf(0);
    b.end();
    b.localGet(START)
      .i32Const(8 * len)
      .i32Add()
      .localTee(START)
      .i32Const(8 * n)
      .i32LtU()
      .brIf(0);
    b.end();
  }
  b.i32Const(0);
  const bytes = new Uint8Array(new Float64Array(table).buffer);
  return buildKernelModule({
    params: [F64],
    results: [I32],
    locals: [
      [3, I32],
      [VECS, V128],
    ],
    body: b.bytes,
    memoryPages: Math.ceil((at + bytes.length) / 65536),
    data: { offset: at, bytes },
  });
}
