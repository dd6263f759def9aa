/**
 * Natural exp and log for per-sample hot loops (gain computers, fader curves), 3–5× faster than V8's
 * Math.exp/Math.log in those loops and within a few units in the last place of them: relative error
 * < 4e-15 for `fastExp`, error < 1e-14 for `fastLog` (absolute near 1, relative far from it) (checked against Math in core.test.ts). Gains end
 * as float32 (relative step 6e-8), so the difference never reaches the audio beyond a rare last-bit rounding.
 *
 * Both split the argument with 256-entry tables and finish with a short polynomial on a tiny remainder — no
 * division, no Math call, no type punning through a scratch array (which stalls V8 on store forwarding). The
 * tables cost 8 KB once.
 */

/** 2^(e − 1023) for e = 0 … 2047 (the log's scaling). */
const POW2 = new Float64Array(2048);
/**
 * 2^(e − EXP_BIAS) for e = 0 … 2200, for exp: wide enough that arguments clamped to [EXP_LO, EXP_HI] reach
 * their true results through the table alone — subnormals and 0 at the bottom, Infinity at the top.
 */
const EXP_BIAS = 1100;
const EXP_POW2 = new Float64Array(2201);
/** 2^(j/256), j = 0 … 255. */
const EXP_FRAC = new Float64Array(256);
/**
 * For mantissas in [c, c + 1/256) with c = 1 + k/256: 1/c and ln c. (Left edges, not midpoints, so ln 1 is
 * exactly 0: unity gain reads exactly 0 dB.)
 */
const LOG_INV = new Float64Array(256);
const LOG_OF = new Float64Array(256);
for (let e = 0; e < 2048; e++) POW2[e] = 2 ** (e - 1023);
for (let e = 0; e < EXP_POW2.length; e++) EXP_POW2[e] = 2 ** (e - EXP_BIAS);
for (let j = 0; j < 256; j++) {
  EXP_FRAC[j] = 2 ** (j / 256);
  const c = 1 + j / 256;
  LOG_INV[j] = 1 / c;
  LOG_OF[j] = Math.log(c);
}

const TO_STEPS = 256 / Math.LN2;
// ln2/256 and ln 2 split in a short high part (n·HI is exact) and the rest (Cody and Waite), so the
// reductions stay exact for large arguments.
// Math.LN2 itself is 2.319e-17 short of ln 2, which matters once multiplied by ~1000.
const LN2_HI = Math.fround(Math.LN2);
const LN2_LO = Math.LN2 - LN2_HI + 2.3190468138462996e-17;
const STEP_HI = LN2_HI / 256;
const STEP_LO = LN2_LO / 256;
/** 1.5·2^52: (x + ROUND) − ROUND rounds x to the nearest integer for |x| < 2^51, far faster than Math.round. */
const ROUND = 6755399441055744;
/** Arguments are clamped to this range; e^−760 is 0 and e^720 is Infinity in doubles already. */
const EXP_LO = -760;
const EXP_HI = 720;

/**
 * e^u. Relative error < 4e-15 for −708 ≤ u ≤ 709 (normal results); subnormal results below that, 0 from about
 * −745, +Infinity above 709.8, NaN for NaN.
 * @param u exponent (for a gain in dB: dB · ln(10)/20).
 */
export function fastExp(x: number): number {
  // Clamping, not an early return: a return of a constant like Infinity made V8 box every result of the hot
  // loops this is inlined into.
  const u = Math.min(Math.max(x, EXP_LO), EXP_HI);
  // u = n·ln2/256 + r, |r| ≤ ln2/512: e^u = 2^(n>>8) · 2^((n&255)/256) · e^r.
  const nf = u * TO_STEPS + ROUND - ROUND;
  const n = nf | 0;
  const r = u - nf * STEP_HI - nf * STEP_LO;
  // e^r to 5 terms: the next term is below 4e-17 for |r| ≤ 0.00136.
  const p = 1 + r * (1 + r * (0.5 + r * (0.16666666666666666 + r * 0.041666666666666664)));
  return EXP_POW2[(n >> 8) + EXP_BIAS] * EXP_FRAC[n & 255] * p;
}

/**
 * Natural log of `v` read together with the high 32 bits of its IEEE-754 double (`hi`), for callers that
 * hold a Float64Array and an Int32Array view of the same buffer: `fastLogBits(x[i], bits[2 * i + 1])` (little
 * endian, as every platform Control Room runs on). Absolute error < 1e-14 for normal positive v; callers must
 * send zero, negative, subnormal, infinite and NaN values to Math.log.
 */
export function fastLogBits(v: number, hi: number): number {
  const ebits = hi >>> 20; // sign is 0 for positive v
  const k = (hi >>> 12) & 255;
  // v / 2^e is the mantissa m in [1, 2); r = m/c − 1 lies in [0, 1/256).
  const r = v * POW2[2046 - ebits] * LOG_INV[k] - 1;
  // ln(1 + r) to 6 terms: the next is below 2e-18.
  const p =
    r * (1 + r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * (0.2 - r * 0.16666666666666666)))));
  const e = ebits - 1023;
  return e * LN2_HI + (LOG_OF[k] + p + e * LN2_LO);
}

/**
 * ln |x| from the 32 bits of a float32 x (an Int32Array view of a Float32Array), for x normal and finite:
 * exponent field ≠ 0 and ≠ 255 (callers test that on the bits). Error < 1e-14 as `fastLogBits`; the float32
 * value itself is not needed.
 */
export function fastLogAbsF32Bits(bits: number): number {
  const e = ((bits >>> 23) & 0xff) - 127;
  const m = bits & 0x7fffff;
  const k = m >>> 15;
  // The mantissa 1 + m/2^23 is exact in a double; r as in fastLogBits.
  const r = (1 + m * 1.1920928955078125e-7) * LOG_INV[k] - 1;
  const p =
    r * (1 + r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * (0.2 - r * 0.16666666666666666)))));
  return e * LN2_HI + (LOG_OF[k] + p + e * LN2_LO);
}

/** Smallest positive normal double: below it `fastLogBits` does not apply. */
export const MIN_NORMAL = 2.2250738585072014e-308;

const SCRATCH = new Float64Array(1);
const SCRATCH_BITS = new Int32Array(SCRATCH.buffer);

/**
 * ln v for one value (not for hot loops: the bit extraction goes through a scratch array; use `fastLogBits`
 * over a Float64Array there). Falls back to Math.log outside the positive normal range.
 */
export function fastLog(v: number): number {
  if (!(v >= MIN_NORMAL && v < Number.POSITIVE_INFINITY)) return Math.log(v);
  SCRATCH[0] = v;
  return fastLogBits(v, SCRATCH_BITS[1]);
}

/**
 * The tables and constants of `fastExp` and `fastLogAbsF32Bits`, for generated kernels that must compute their
 * bits exactly (dsp/dynamics/compressor-kernel.ts). Read only.
 */
export const FAST_MATH = {
  EXP_BIAS,
  EXP_POW2,
  EXP_FRAC,
  LOG_INV,
  LOG_OF,
  TO_STEPS,
  LN2_HI,
  LN2_LO,
  STEP_HI,
  STEP_LO,
  ROUND,
  EXP_LO,
  EXP_HI,
} as const;
