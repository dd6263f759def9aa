import { FftKernel, fftTwiddles } from "./fft-kernel.ts";

/**
 * Radix-2 complex FFT over 64-bit arrays, with tables built once per size. `forward` computes
 * X[k] = Σ x[n]·e^{−2πikn/N}; `inverse` includes the 1/N scale, so inverse(forward(x)) = x. Sizes 16 … 65 536
 * run their butterflies in a WebAssembly kernel where the host has one (`FftKernel`, the same numbers to the
 * last bit).
 */
export class FFT {
  readonly size: number;
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** The kernel (undefined: not made yet; null: none, the TypeScript loops run). */
  private kernel: FftKernel | null | undefined;

  /**
   * @param size transform length, a power of two (2 … 2^24).
   * @param options.wasm use the WebAssembly kernel where it can (default true); false keeps the TypeScript
   *   loops, which give the same numbers.
   */
  constructor(size: number, options: { wasm?: boolean } = {}) {
    if (!(Number.isInteger(size) && size >= 2 && size <= 1 << 24 && (size & (size - 1)) === 0)) {
      throw new RangeError(`FFT size must be a power of two between 2 and 2^24, got ${size}`);
    }
    this.size = size;
    const bits = Math.log2(size);
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    ({ cos: this.cos, sin: this.sin } = fftTwiddles(size));
    if (options.wasm === false) this.kernel = null;
  }

  /** In-place forward transform of (re, im). */
  forward(re: Float64Array, im: Float64Array): void {
    this.transform(re, im, -1);
  }

  /** In-place inverse transform of (re, im), scaled by 1/N. */
  inverse(re: Float64Array, im: Float64Array): void {
    this.transform(re, im, 1);
    const s = 1 / this.size;
    for (let i = 0; i < this.size; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }

  private transform(re: Float64Array, im: Float64Array, sign: number): void {
    const n = this.size;
    const rev = this.rev;
    if (this.kernel === undefined) this.kernel = FftKernel.create(n);
    const kernel = this.kernel;
    if (kernel) {
      // Into the kernel's memory in bit-reversed order, with the first stage (twiddle 1) on the way.
      const kr = kernel.re;
      const ki = kernel.im;
      for (let a = 0; a < n; a += 2) {
        const ja = rev[a];
        const jb = rev[a + 1];
        const r0 = re[ja];
        const i0 = im[ja];
        const xr = re[jb];
        const xi = im[jb];
        kr[a] = r0 + xr;
        ki[a] = i0 + xi;
        kr[a + 1] = r0 - xr;
        ki[a + 1] = i0 - xi;
      }
      kernel.stages(sign);
      re.set(kr);
      im.set(ki);
      return;
    }
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    // First stage: the twiddle is 1.
    for (let a = 0; a < n; a += 2) {
      const b = a + 1;
      const xr = re[b];
      const xi = im[b];
      re[b] = re[a] - xr;
      im[b] = im[a] - xi;
      re[a] += xr;
      im[a] += xi;
    }
    // Then stages in pairs (len, 2·len): each pass loads four points, does the two radix-2 stages' butterflies
    // on them with the same factors and operations as stage-by-stage, and stores them once — half the
    // passes over memory, identical results.
    const cosT = this.cos;
    const sinT = this.sin;
    let len = 4;
    for (; 2 * len <= n; len <<= 2) {
      const h = len >> 1;
      const s1 = n / len;
      const s2 = s1 >> 1;
      for (let start = 0; start < n; start += 2 * len) {
        for (let k = 0; k < h; k++) {
          const w1r = cosT[k * s1];
          const w1i = sign * sinT[k * s1];
          const w2r = cosT[k * s2];
          const w2i = sign * sinT[k * s2];
          const w3r = cosT[(k + h) * s2];
          const w3i = sign * sinT[(k + h) * s2];
          const a0 = start + k;
          const a1 = a0 + h;
          const a2 = a0 + len;
          const a3 = a2 + h;
          let xr = re[a1] * w1r - im[a1] * w1i;
          let xi = re[a1] * w1i + im[a1] * w1r;
          const r0 = re[a0];
          const i0 = im[a0];
          const b0r = r0 + xr;
          const b0i = i0 + xi;
          const b1r = r0 - xr;
          const b1i = i0 - xi;
          xr = re[a3] * w1r - im[a3] * w1i;
          xi = re[a3] * w1i + im[a3] * w1r;
          const r2 = re[a2];
          const i2 = im[a2];
          const b2r = r2 + xr;
          const b2i = i2 + xi;
          const b3r = r2 - xr;
          const b3i = i2 - xi;
          xr = b2r * w2r - b2i * w2i;
          xi = b2r * w2i + b2i * w2r;
          re[a0] = b0r + xr;
          im[a0] = b0i + xi;
          re[a2] = b0r - xr;
          im[a2] = b0i - xi;
          xr = b3r * w3r - b3i * w3i;
          xi = b3r * w3i + b3i * w3r;
          re[a1] = b1r + xr;
          im[a1] = b1i + xi;
          re[a3] = b1r - xr;
          im[a3] = b1i - xi;
        }
      }
    }
    if (len <= n) {
      // One stage left over.
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = cosT[k * step];
          const wi = sign * sinT[k * step];
          const a = start + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
