import type { BiquadCoefficients } from "../core/biquad.ts";
import { K_KERNEL_CAPACITY, KWeightingPairKernel } from "./k-weighting-kernel.ts";

/**
 * ITU-R BS.1770-4 K-weighting: a high-shelf "pre-filter" (the head's acoustic effect, about +4 dB above
 * 2 kHz) followed by the RLB high-pass (about 38 Hz). The recommendation gives the coefficients for 48 kHz
 * only; here both stages are designed from their analog prototypes for any sample rate, so 44.1 kHz or
 * 96 kHz material is weighted by the same curve rather than by 48 kHz coefficients at the wrong rate.
 * Prototype parameters (centre frequency, gain, Q) are those that reproduce the published 48 kHz
 * coefficients to better than 1e-8.
 */
const SHELF_HZ = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
const HIGHPASS_HZ = 38.13547087602444;
const HIGHPASS_Q = 0.5003270373238773;

/** The two K-weighting stages for a sample rate (8 000 … 384 000 Hz). */
export function kWeightingStages(sampleRate: number): [BiquadCoefficients, BiquadCoefficients] {
  // Stage 1: high shelf, bilinear transform with pre-warping at the shelf frequency.
  const k1 = Math.tan((Math.PI * SHELF_HZ) / sampleRate);
  const vh = 10 ** (SHELF_GAIN_DB / 20);
  const vb = vh ** 0.4996667741545416;
  const d1 = 1 + k1 / SHELF_Q + k1 * k1;
  const shelf: BiquadCoefficients = {
    b0: (vh + (vb * k1) / SHELF_Q + k1 * k1) / d1,
    b1: (2 * (k1 * k1 - vh)) / d1,
    b2: (vh - (vb * k1) / SHELF_Q + k1 * k1) / d1,
    a1: (2 * (k1 * k1 - 1)) / d1,
    a2: (1 - k1 / SHELF_Q + k1 * k1) / d1,
  };
  // Stage 2: second-order high-pass with numerator g·(1, −2, 1). BS.1770 publishes g = 1 at 48 kHz, which
  // leaves a passband gain of 4/(1 − a1 + a2) ≈ +0.04 dB there; that gain depends on the rate, so g scales
  // it to the 48 kHz value at every rate (g is exactly 1 at 48 kHz, keeping the published coefficients).
  const hp = (fs: number) => {
    const k = Math.tan((Math.PI * HIGHPASS_HZ) / fs);
    const d = 1 + k / HIGHPASS_Q + k * k;
    return { a1: (2 * (k * k - 1)) / d, a2: (1 - k / HIGHPASS_Q + k * k) / d };
  };
  const { a1, a2 } = hp(sampleRate);
  const ref = hp(48000);
  const g = sampleRate === 48000 ? 1 : (1 - a1 + a2) / (1 - ref.a1 + ref.a2);
  const highpass: BiquadCoefficients = { b0: g, b1: -2 * g, b2: g, a1, a2 };
  return [shelf, highpass];
}

/**
 * K-weights one channel, block by block. Two cascaded biquads in transposed direct form II, state in
 * doubles so −70 LUFS material keeps its precision.
 */
export class KWeighting {
  private readonly c: Float64Array;
  private readonly s = new Float64Array(4);
  /** energyPair's WebAssembly kernel, when this filter leads a pair (undefined: not made yet; null: none). */
  private pairKernel: KWeightingPairKernel | null | undefined;

  /**
   * @param sampleRate Hz, 8 000 … 384 000.
   * @param options.wasm let `energyPair` run in a WebAssembly kernel where the host has one (default true);
   *   false keeps it in TypeScript, which gives the same sums.
   */
  constructor(sampleRate: number, options: { wasm?: boolean } = {}) {
    const [a, b] = kWeightingStages(sampleRate);
    this.c = new Float64Array([a.b0, a.b1, a.b2, a.a1, a.a2, b.b0, b.b1, b.b2, b.a1, b.a2]);
    if (options.wasm === false) this.pairKernel = null;
  }

  /**
   * Filters `frames` samples starting at `offset` and returns the sum of the squared output: the meter's
   * hot loop, so nothing is written back.
   */
  energy(input: Float32Array, offset: number, frames: number): number {
    const c = this.c;
    const b0 = c[0];
    const b1 = c[1];
    const b2 = c[2];
    const a1 = c[3];
    const a2 = c[4];
    const e1 = c[8];
    const e2 = c[9];
    let s1 = this.s[0];
    let s2 = this.s[1];
    let t1 = this.s[2];
    let t2 = this.s[3];
    let sum = 0;
    const d0 = c[5];
    // The high-pass numerator is d0·(1, −2, 1): written out, it saves two multiplies per sample.
    for (let i = 0; i < frames; i++) {
      const x = input[offset + i];
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      const u = d0 * y;
      const z = u + t1;
      t1 = -2 * u - e1 * z + t2;
      t2 = u - e2 * z;
      sum += z * z;
    }
    keepState(this.s, s1, s2, t1, t2);
    return sum;
  }

  /**
   * `energy` of two channels at once, each with its own filter: the same arithmetic per channel as two
   * `energy` calls (so the same sums to the last bit), in one loop, whose two independent recursions
   * keep the processor busy where one alone waits on its own latency. The sums go to `out[0]`, `out[1]`.
   */
  static energyPair(
    fa: KWeighting,
    fb: KWeighting,
    xa: Float32Array,
    xb: Float32Array,
    offset: number,
    frames: number,
    out: Float64Array,
  ): void {
    if (fa.pairKernel === undefined) {
      const c = fa.c;
      fa.pairKernel = KWeightingPairKernel.create({
        b0: c[0],
        b1: c[1],
        b2: c[2],
        a1: c[3],
        a2: c[4],
        d0: c[5],
        e1: c[8],
        e2: c[9],
      });
    }
    if (fa.pairKernel) {
      KWeighting.kernelPair(fa.pairKernel, fa, fb, xa, xb, offset, frames, out);
      return;
    }
    const c = fa.c;
    const b0 = c[0];
    const b1 = c[1];
    const b2 = c[2];
    const a1 = c[3];
    const a2 = c[4];
    const d0 = c[5];
    const e1 = c[8];
    const e2 = c[9];
    const sa = fa.s;
    const sb = fb.s;
    let s1 = sa[0];
    let s2 = sa[1];
    let t1 = sa[2];
    let t2 = sa[3];
    let r1 = sb[0];
    let r2 = sb[1];
    let q1 = sb[2];
    let q2 = sb[3];
    let sumA = 0;
    let sumB = 0;
    for (let i = 0; i < frames; i++) {
      const x = xa[offset + i];
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      const u = d0 * y;
      const z = u + t1;
      t1 = -2 * u - e1 * z + t2;
      t2 = u - e2 * z;
      sumA += z * z;
      const xr = xb[offset + i];
      const yr = b0 * xr + r1;
      r1 = b1 * xr - a1 * yr + r2;
      r2 = b2 * xr - a2 * yr;
      const ur = d0 * yr;
      const zr = ur + q1;
      q1 = -2 * ur - e1 * zr + q2;
      q2 = ur - e2 * zr;
      sumB += zr * zr;
    }
    keepState(sa, s1, s2, t1, t2);
    keepState(sb, r1, r2, q1, q2);
    out[0] = sumA;
    out[1] = sumB;
  }

  /** `energyPair` in the kernel: the samples go through its memory in pieces, the state and sums in and out. */
  private static kernelPair(
    k: KWeightingPairKernel,
    fa: KWeighting,
    fb: KWeighting,
    xa: Float32Array,
    xb: Float32Array,
    offset: number,
    frames: number,
    out: Float64Array,
  ): void {
    const w = k.words;
    const sa = fa.s;
    const sb = fb.s;
    for (let j = 0; j < 4; j++) {
      w[2 * j] = sa[j];
      w[2 * j + 1] = sb[j];
    }
    w[8] = 0;
    w[9] = 0;
    for (let at = 0; at < frames; at += K_KERNEL_CAPACITY) {
      const m = Math.min(K_KERNEL_CAPACITY, frames - at);
      k.left.set(xa.subarray(offset + at, offset + at + m));
      k.right.set(xb.subarray(offset + at, offset + at + m));
      k.filter(m);
    }
    keepState(sa, w[0], w[2], w[4], w[6]);
    keepState(sb, w[1], w[3], w[5], w[7]);
    out[0] = w[8];
    out[1] = w[9];
  }

  reset(): void {
    this.s.fill(0);
  }
}

/** Stores the filter state between blocks, values below 1e-30 as 0 (no subnormal slow-down in silence). */
function keepState(s: Float64Array, s1: number, s2: number, t1: number, t2: number): void {
  s[0] = Math.abs(s1) < 1e-30 ? 0 : s1;
  s[1] = Math.abs(s2) < 1e-30 ? 0 : s2;
  s[2] = Math.abs(t1) < 1e-30 ? 0 : t1;
  s[3] = Math.abs(t2) < 1e-30 ? 0 : t2;
}
