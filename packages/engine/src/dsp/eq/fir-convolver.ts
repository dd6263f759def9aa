/**
 * A long FIR filter applied by uniformly partitioned FFT convolution (overlap-save with a frequency-domain
 * delay line), the same filter on every channel. Two channels ride in one complex FFT — the real and the
 * imaginary part — which a real filter keeps apart, so no separation step is needed.
 *
 * Output is the input filtered and delayed by exactly `partition` samples. A new filter takes over at the
 * next partition boundary: that block is computed with the old and the new filter and crossfaded linearly,
 * so a change never clicks. Partition boundaries are counted from the start, so results do not depend on
 * block sizes.
 */
import { FFT } from "../../core/fft.ts";

export class FirConvolver {
  /** Partition size B (samples) = the delay this adds on top of the filter's own. */
  readonly partition: number;
  /** Filter taps this convolver holds (the longest filter `setFilter` accepts). */
  readonly maxTaps: number;
  readonly channels: number;
  private readonly partitions: number;
  private readonly fft: FFT;
  /** Filter spectra: P partitions of N = 2B complex bins, (re, im) interleaved. */
  private h: Float64Array;
  private next: Float64Array | null = null;
  private spare: Float64Array;
  /** Per channel pair: input frames (2B, re = even channel, im = odd channel), FDL, wet output (B). */
  private readonly frameRe: Float64Array[];
  private readonly frameIm: Float64Array[];
  private readonly fdl: Float64Array[];
  private readonly wetRe: Float64Array[];
  private readonly wetIm: Float64Array[];
  private head = 0;
  private fill = 0;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly accRe: Float64Array;
  private readonly accIm: Float64Array;
  private readonly oldRe: Float64Array;
  private readonly oldIm: Float64Array;

  /**
   * @param channels channels (1 … 64).
   * @param partition B, a power of two ≥ 16.
   * @param maxTaps longest filter, taps.
   */
  constructor(channels: number, partition: number, maxTaps: number) {
    const B = partition;
    const N = 2 * B;
    this.channels = channels;
    this.partition = B;
    this.maxTaps = maxTaps;
    this.partitions = Math.max(1, Math.ceil(maxTaps / B));
    this.fft = new FFT(N);
    const pairs = Math.ceil(channels / 2);
    const specLen = 2 * N * this.partitions;
    this.h = new Float64Array(specLen);
    this.spare = new Float64Array(specLen);
    this.frameRe = Array.from({ length: pairs }, () => new Float64Array(N));
    this.frameIm = Array.from({ length: pairs }, () => new Float64Array(N));
    this.fdl = Array.from({ length: pairs }, () => new Float64Array(specLen));
    this.wetRe = Array.from({ length: pairs }, () => new Float64Array(B));
    this.wetIm = Array.from({ length: pairs }, () => new Float64Array(B));
    this.zr = new Float64Array(N);
    this.zi = new Float64Array(N);
    this.accRe = new Float64Array(N);
    this.accIm = new Float64Array(N);
    this.oldRe = new Float64Array(B);
    this.oldIm = new Float64Array(B);
  }

  /**
   * Sets the filter (at most `maxTaps` taps). `immediate` replaces it at once (before audio or after a reset);
   * otherwise it fades in over the next partition.
   */
  setFilter(taps: Float64Array, immediate = false): void {
    if (taps.length > this.maxTaps)
      throw new RangeError(`filter has ${taps.length} taps, at most ${this.maxTaps}`);
    const spec = this.next ?? this.spare;
    this.transform(taps, spec);
    if (immediate) {
      this.spare = this.h;
      this.h = spec;
      this.next = null;
    } else this.next = spec;
  }

  /** Clears the input history and output; a pending filter takes over at once. */
  reset(): void {
    for (const a of [...this.frameRe, ...this.frameIm, ...this.fdl, ...this.wetRe, ...this.wetIm]) a.fill(0);
    this.fill = 0;
    this.head = 0;
    if (this.next) {
      this.spare = this.h;
      this.h = this.next;
      this.next = null;
    }
  }

  /**
   * Filters `frames` samples: reads `input[c]` and writes `output[c]` (64-bit, may be the same arrays) from
   * `offset`.
   */
  process(input: readonly Float64Array[], output: Float64Array[], offset: number, frames: number): void {
    const B = this.partition;
    const C = this.channels;
    let done = 0;
    while (done < frames) {
      const m = Math.min(frames - done, B - this.fill);
      const f = this.fill;
      const at = offset + done;
      for (let c = 0; c < C; c++) {
        const pair = c >> 1;
        const fr = c & 1 ? this.frameIm[pair] : this.frameRe[pair];
        const wet = c & 1 ? this.wetIm[pair] : this.wetRe[pair];
        const x = input[c];
        const y = output[c];
        for (let i = 0; i < m; i++) {
          fr[B + f + i] = x[at + i];
          y[at + i] = wet[f + i];
        }
      }
      this.fill += m;
      done += m;
      if (this.fill === B) {
        this.block();
        this.fill = 0;
      }
    }
  }

  /** Partition spectra of `taps` into `spec`. */
  private transform(taps: Float64Array, spec: Float64Array): void {
    const B = this.partition;
    const N = 2 * B;
    const zr = this.zr;
    const zi = this.zi;
    for (let p = 0; p < this.partitions; p++) {
      zr.fill(0);
      zi.fill(0);
      const from = p * B;
      const to = Math.min(taps.length, from + B);
      for (let i = from; i < to; i++) zr[i - from] = taps[i];
      this.fft.forward(zr, zi);
      const o = 2 * N * p;
      for (let k = 0; k < N; k++) {
        spec[o + 2 * k] = zr[k];
        spec[o + 2 * k + 1] = zi[k];
      }
    }
  }

  /** One partition step: transform the newest 2B frame, multiply-accumulate, inverse transform. */
  private block(): void {
    const B = this.partition;
    const N = 2 * B;
    const P = this.partitions;
    this.head = (this.head + 1) % P;
    const zr = this.zr;
    const zi = this.zi;
    for (let pair = 0; pair < this.frameRe.length; pair++) {
      const fr = this.frameRe[pair];
      const fi = this.frameIm[pair];
      zr.set(fr);
      zi.set(fi);
      this.fft.forward(zr, zi);
      const fdl = this.fdl[pair];
      const slot = 2 * N * this.head;
      for (let k = 0; k < N; k++) {
        fdl[slot + 2 * k] = zr[k];
        fdl[slot + 2 * k + 1] = zi[k];
      }
      const wr = this.wetRe[pair];
      const wi = this.wetIm[pair];
      if (this.next) {
        this.convolve(fdl, this.h);
        this.oldRe.set(zr.subarray(B, N));
        this.oldIm.set(zi.subarray(B, N));
        this.convolve(fdl, this.next);
        // Linear crossfade old → new across the block; both see the same input, so the sum stays level.
        for (let i = 0; i < B; i++) {
          const t = (i + 1) / B;
          wr[i] = this.oldRe[i] + (zr[B + i] - this.oldRe[i]) * t;
          wi[i] = this.oldIm[i] + (zi[B + i] - this.oldIm[i]) * t;
        }
      } else {
        this.convolve(fdl, this.h);
        // Overlap-save: the last B samples of the inverse transform are the valid output.
        for (let i = 0; i < B; i++) {
          wr[i] = zr[B + i];
          wi[i] = zi[B + i];
        }
      }
      fr.copyWithin(0, B, N);
      fi.copyWithin(0, B, N);
    }
    if (this.next) {
      this.spare = this.h;
      this.h = this.next;
      this.next = null;
    }
  }

  /** (zr, zi) = IFFT(Σ_p X[head − p]·H[p]); the valid output is its second half. */
  private convolve(fdl: Float64Array, h: Float64Array): void {
    const B = this.partition;
    const N = 2 * B;
    const P = this.partitions;
    const ar = this.accRe;
    const ai = this.accIm;
    ar.fill(0);
    ai.fill(0);
    let slot = this.head;
    for (let p = 0; p < P; p++) {
      let xo = 2 * N * slot;
      let ho = 2 * N * p;
      for (let k = 0; k < N; k++, xo += 2, ho += 2) {
        const xr = fdl[xo];
        const xi = fdl[xo + 1];
        const hr = h[ho];
        const hi = h[ho + 1];
        ar[k] += xr * hr - xi * hi;
        ai[k] += xr * hi + xi * hr;
      }
      slot = slot === 0 ? P - 1 : slot - 1;
    }
    const zr = this.zr;
    const zi = this.zi;
    zr.set(ar);
    zi.set(ai);
    this.fft.inverse(zr, zi);
  }
}
