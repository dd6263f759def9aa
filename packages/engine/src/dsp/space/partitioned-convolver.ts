import { FFT } from "../../core/fft.ts";

/**
 * Uniformly partitioned FFT convolution of a stretch of an impulse response (overlap-save with a
 * frequency-domain delay line). The stretch is cut into partitions of B samples, each transformed once (FFT
 * size 2B). Every B input samples one forward and one inverse FFT run per pair of output channels — two
 * real signals ride in one complex FFT (real and imaginary part) and are separated by conjugate symmetry —
 * and the spectra of the last P input blocks are multiplied with the P partition spectra and summed.
 * Output is delayed by exactly B samples: wet[n] = Σ h[k]·x[n − B − k].
 *
 * Output channel c reads input channel min(c, inputs − 1) and impulse-response channel c mod IR channels.
 */
export class PartitionedConvolver {
  /** Partition size = latency, samples. */
  readonly size: number;
  /** Partitions. */
  readonly partitions: number;
  private readonly inputs: number;
  private readonly outputs: number;
  private readonly fft: FFT;
  /** Partition spectra per output channel, P·(B+1) interleaved (re, im) bins; 32-bit halves the bytes streamed. */
  private readonly h: Float32Array[];
  /** Input spectra per output channel, same layout; `head` is the newest slot. */
  private readonly fdl: Float32Array[];
  private head = 0;
  /** Per input channel the previous and current block (2B); per output channel the wet block (B). */
  private readonly frame: Float64Array[];
  private readonly wet: Float64Array[];
  private fill = 0;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;

  /**
   * @param size partition size B (a power of two ≥ 2).
   * @param inputs input channels; @param outputs output channels.
   * @param ir impulse-response channels; the stretch [start, end) of each is convolved.
   */
  constructor(
    size: number,
    inputs: number,
    outputs: number,
    ir: readonly Float32Array[],
    start: number,
    end: number,
  ) {
    const B = size;
    this.size = B;
    this.inputs = inputs;
    this.outputs = outputs;
    this.fft = new FFT(2 * B);
    this.zr = new Float64Array(2 * B);
    this.zi = new Float64Array(2 * B);
    this.aRe = new Float64Array(B + 1);
    this.aIm = new Float64Array(B + 1);
    this.bRe = new Float64Array(B + 1);
    this.bIm = new Float64Array(B + 1);
    this.frame = Array.from({ length: inputs }, () => new Float64Array(2 * B));
    this.wet = Array.from({ length: outputs }, () => new Float64Array(B));
    const P = Math.max(1, Math.ceil((end - start) / B));
    this.partitions = P;
    const bins = B + 1;
    this.h = [];
    for (let c = 0; c < outputs; c++) {
      const h = ir[c % ir.length];
      const spec = new Float32Array(2 * P * bins);
      for (let p = 0; p < P; p++) {
        this.zr.fill(0);
        this.zi.fill(0);
        const from = start + p * B;
        const to = Math.min(end, from + B);
        for (let i = from; i < to; i++) this.zr[i - from] = h[i];
        this.fft.forward(this.zr, this.zi);
        for (let k = 0; k < bins; k++) {
          spec[2 * (p * bins + k)] = this.zr[k];
          spec[2 * (p * bins + k) + 1] = this.zi[k];
        }
      }
      this.h.push(spec);
    }
    this.fdl = Array.from({ length: outputs }, () => new Float32Array(2 * P * bins));
  }

  /**
   * Takes `n` samples of every input channel from `offset` and writes `n` wet samples to each `out[c]`
   * from `outOffset` (`add`: added to what is there instead of replacing it).
   */
  process(
    input: readonly Float32Array[],
    offset: number,
    n: number,
    out: Float64Array[],
    outOffset: number,
    add: boolean,
  ): void {
    const B = this.size;
    let done = 0;
    while (done < n) {
      const m = Math.min(n - done, B - this.fill);
      const f = this.fill;
      for (let c = 0; c < this.inputs; c++) {
        const fr = this.frame[c];
        const x = input[c];
        for (let i = 0; i < m; i++) fr[B + f + i] = x[offset + done + i];
      }
      for (let c = 0; c < this.outputs; c++) {
        const w = this.wet[c];
        const o = out[c];
        const base = outOffset + done;
        if (add) for (let i = 0; i < m; i++) o[base + i] += w[f + i];
        else for (let i = 0; i < m; i++) o[base + i] = w[f + i];
      }
      this.fill += m;
      done += m;
      if (this.fill === B) {
        this.block();
        this.fill = 0;
        for (const fr of this.frame) fr.copyWithin(0, B, 2 * B);
      }
    }
  }

  reset(): void {
    for (const f of this.frame) f.fill(0);
    for (const w of this.wet) w.fill(0);
    for (const f of this.fdl) f.fill(0);
    this.fill = 0;
    this.head = 0;
  }

  /** One partition step over the newest 2B-sample frame. */
  private block(): void {
    const B = this.size;
    const N = 2 * B;
    const P = this.partitions;
    const bins = B + 1;
    const zr = this.zr;
    const zi = this.zi;
    const outs = this.outputs;
    const ins = this.inputs;
    this.head = (this.head + 1) % P;
    const off = 2 * this.head * bins;
    for (let a = 0; a < outs; a += 2) {
      const b = a + 1 < outs ? a + 1 : -1;
      const fa = this.frame[a < ins ? a : ins - 1];
      const fb = b < 0 ? null : this.frame[b < ins ? b : ins - 1];
      for (let i = 0; i < N; i++) {
        zr[i] = fa[i];
        zi[i] = fb ? fb[i] : 0;
      }
      this.fft.forward(zr, zi);
      // Separate the two real signals' half spectra: A = (Z[k] + conj Z[N−k])/2, B = (Z[k] − conj Z[N−k])/2j.
      const xa = this.fdl[a];
      const xb = b >= 0 ? this.fdl[b] : xa;
      for (let k = 0; k <= B; k++) {
        const m = (N - k) & (N - 1);
        const pr = zr[k];
        const pi = zi[k];
        const qr = zr[m];
        const qi = zi[m];
        xa[off + 2 * k] = 0.5 * (pr + qr);
        xa[off + 2 * k + 1] = 0.5 * (pi - qi);
        if (b >= 0) {
          xb[off + 2 * k] = 0.5 * (pi + qi);
          xb[off + 2 * k + 1] = 0.5 * (qr - pr);
        }
      }
      const aRe = this.aRe;
      const aIm = this.aIm;
      const bRe = this.bRe;
      const bIm = this.bIm;
      this.accumulate(a, aRe, aIm);
      if (b >= 0) this.accumulate(b, bRe, bIm);
      else {
        bRe.fill(0);
        bIm.fill(0);
      }
      // Recombine Ya + j·Yb into one full spectrum for a single inverse FFT.
      for (let k = 0; k <= B; k++) {
        zr[k] = aRe[k] - bIm[k];
        zi[k] = aIm[k] + bRe[k];
        if (k > 0 && k < B) {
          zr[N - k] = aRe[k] + bIm[k];
          zi[N - k] = -aIm[k] + bRe[k];
        }
      }
      this.fft.inverse(zr, zi);
      // Overlap-save: the last B samples are the valid linear-convolution output.
      const wa = this.wet[a];
      for (let i = 0; i < B; i++) wa[i] = zr[B + i];
      if (b >= 0) {
        const wb = this.wet[b];
        for (let i = 0; i < B; i++) wb[i] = zi[B + i];
      }
    }
  }

  /** acc = Σ_p X[head − p]·H[p] for output channel c (64-bit sums). */
  private accumulate(c: number, accRe: Float64Array, accIm: Float64Array): void {
    const bins = this.size + 1;
    const P = this.partitions;
    accRe.fill(0);
    accIm.fill(0);
    const x = this.fdl[c];
    const h = this.h[c];
    let slot = this.head;
    for (let p = 0; p < P; p++) {
      let xo = 2 * slot * bins;
      let ho = 2 * p * bins;
      for (let k = 0; k < bins; k++, xo += 2, ho += 2) {
        const ar = x[xo];
        const ai = x[xo + 1];
        const br = h[ho];
        const bi = h[ho + 1];
        accRe[k] += ar * br - ai * bi;
        accIm[k] += ar * bi + ai * br;
      }
      slot = slot === 0 ? P - 1 : slot - 1;
    }
  }
}
