/**
 * Radix-2 complex FFT over 64-bit arrays, with tables built once per size. `forward` computes
 * X[k] = Σ x[n]·e^{−2πikn/N}; `inverse` includes the 1/N scale, so inverse(forward(x)) = x.
 */
export class FFT {
  readonly size: number;
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  /** @param size transform length, a power of two (2 … 2^24). */
  constructor(size: number) {
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
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / size);
      this.sin[i] = Math.sin((2 * Math.PI * i) / size);
    }
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
