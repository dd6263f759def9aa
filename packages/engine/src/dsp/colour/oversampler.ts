import { kaiserBeta, kaiserLength, windowedSincLowpass } from "../../core/fir.ts";

/** Oversampling factors the `Oversampler` supports; 1 means no oversampling (a pass-through). */
export type OversampleFactor = 1 | 2 | 4 | 8;

/** Stop-band attenuation of the interpolation / decimation filters, in dB. */
export const OVERSAMPLER_STOPBAND_DB = 100;
/** Pass-band edge as a fraction of the base sample rate (20.64 kHz at 48 kHz): flat and alias-free up to here. */
export const OVERSAMPLER_PASS = 0.43;

/**
 * One channel of oversampling by a cascade of 2× half-band polyphase FIR stages (Kaiser windowed sinc,
 * ≥ 100 dB stop band). `upsample` raises a block by `factor`, a non-linearity runs at the high rate, and
 * `downsample` filters and decimates back. Every stage keeps 0 … 0.43·fs (20.6 kHz at 48 kHz) flat and
 * rejects by ≥ 100 dB whatever would land there — images on the way up, the non-linearity's harmonics on
 * the way down; only the band between 0.43·fs and the base Nyquist may receive attenuated aliases (the
 * half-band transition). Half-band filters have every other tap zero and the later stages are short, so the
 * cascade costs a fraction of one long filter.
 *
 * The round trip delays by a whole number of base-rate samples: `latency`. Block-size independent.
 */
export class Oversampler {
  /** Oversampling factor (1, 2, 4 or 8). */
  readonly factor: number;
  /** Round-trip delay (upsample then downsample) in base-rate samples. */
  readonly latency: number;
  private readonly stages: HalfbandStage[] = [];
  /** Work buffers between stages (the signal at 2×, 4× … before the last). */
  private bufs: Float64Array[] = [];
  /** Extra delay at the top rate so the round trip is a whole number of base samples. */
  private readonly pad: Float64Array;
  private readonly padLength: number;
  private padPos = 0;
  private top = new Float64Array(0);

  /** @param factor 1, 2, 4 or 8. */
  constructor(factor: OversampleFactor) {
    if (factor !== 1 && factor !== 2 && factor !== 4 && factor !== 8) {
      throw new RangeError(`oversampling factor must be 1, 2, 4 or 8, got ${factor}`);
    }
    this.factor = factor;
    const count = Math.log2(factor);
    // Round-trip delay measured at the top rate.
    let delayTop = 0;
    for (let s = 1; s <= count; s++) {
      // Stage s runs between 2^(s−1)·fs and 2^s·fs; its pass band edge in units of its output rate.
      const pass = OVERSAMPLER_PASS / 2 ** s;
      const stage = new HalfbandStage(0.5 - 2 * pass);
      this.stages.push(stage);
      delayTop += (stage.length - 1) * 2 ** (count - s);
    }
    const padTop = (factor - (delayTop % factor)) % factor;
    this.pad = new Float64Array(Math.max(1, padTop));
    this.padLength = padTop;
    this.latency = (delayTop + padTop) / factor;
  }

  private work(frames: number): void {
    if (this.bufs.length === 0 || this.bufs[0].length < frames * this.factor) {
      this.bufs = this.stages.map((_, s) => new Float64Array(frames * 2 ** (s + 1)));
    }
  }

  /** Interpolates `frames` base-rate samples of `x` into `hi` (`frames·factor` high-rate samples). */
  upsample(x: Float32Array | Float64Array, hi: Float64Array, frames: number): void {
    const S = this.stages.length;
    if (S === 0) {
      for (let i = 0; i < frames; i++) hi[i] = x[i];
      return;
    }
    this.work(frames);
    let src: Float32Array | Float64Array = x;
    let n = frames;
    for (let s = 0; s < S; s++) {
      const dst = s === S - 1 ? hi : this.bufs[s];
      this.stages[s].up(src, dst, n);
      src = dst;
      n *= 2;
    }
  }

  /** Filters and decimates `frames·factor` high-rate samples of `hi` into `frames` samples of `y`. */
  downsample(hi: Float64Array, y: Float32Array | Float64Array, frames: number): void {
    const S = this.stages.length;
    if (S === 0) {
      for (let i = 0; i < frames; i++) y[i] = hi[i];
      return;
    }
    this.work(frames);
    let n = frames * this.factor;
    let src = hi;
    if (this.padLength > 0) {
      // Delay the top-rate signal by the pad (into a work buffer; `hi` is left as it is).
      const top = this.top.length < n ? (this.top = new Float64Array(n)) : this.top;
      const ring = this.pad;
      const len = this.padLength;
      let p = this.padPos;
      for (let i = 0; i < n; i++) {
        top[i] = ring[p];
        ring[p] = hi[i];
        if (++p === len) p = 0;
      }
      this.padPos = p;
      src = top;
    }
    for (let s = S - 1; s >= 0; s--) {
      const dst = s === 0 ? y : this.bufs[s - 1];
      this.stages[s].down(src, dst, n / 2);
      src = dst as Float64Array;
      n /= 2;
    }
  }

  /** Clears the filter histories. */
  reset(): void {
    for (const s of this.stages) s.reset();
    this.pad.fill(0);
    this.padPos = 0;
  }
}

/**
 * A 2× half-band stage. Length N = 4K − 1 with the centre at an odd index, so every tap an even distance
 * from the centre is zero: upsampling needs 2K multiplies for one output phase and a single scaled copy for
 * the other, downsampling 2K + 1 per output.
 */
class HalfbandStage {
  readonly length: number;
  /** Even-index taps h[0], h[2], … (scaled by 2 for interpolation gain in `upEven`). */
  private readonly even: Float64Array;
  private readonly upEven: Float64Array;
  private readonly centre: number;
  private readonly centreTap: number;
  /** Input history for `up` (doubled ring), newest at upPos. */
  private readonly upHist: Float64Array;
  private upPos = 0;
  /** High-rate history for `down` (doubled ring), newest at downPos. */
  private readonly downHist: Float64Array;
  private downPos = 0;

  /** @param transition transition width as a fraction of the stage's high rate (centred on 0.25). */
  constructor(transition: number) {
    let n = kaiserLength(OVERSAMPLER_STOPBAND_DB, transition);
    while (n % 4 !== 3) n++;
    this.length = n;
    const h = windowedSincLowpass(n, 0.25, kaiserBeta(OVERSAMPLER_STOPBAND_DB));
    this.centre = (n - 1) / 2;
    this.centreTap = h[this.centre];
    const K2 = (n + 1) / 2;
    this.even = new Float64Array(K2);
    this.upEven = new Float64Array(K2);
    for (let j = 0; j < K2; j++) {
      this.even[j] = h[2 * j];
      this.upEven[j] = 2 * h[2 * j];
    }
    this.upHist = new Float64Array(2 * K2);
    this.downHist = new Float64Array(2 * n);
  }

  /** y[2i] = 2·Σ h[2j]·x[i−j];  y[2i+1] = 2·h[c]·x[i − (c−1)/2]. */
  up(x: Float32Array | Float64Array, y: Float64Array, frames: number): void {
    const K2 = this.even.length;
    const taps = this.upEven;
    const hist = this.upHist;
    const lag = (this.centre - 1) / 2;
    const c2 = 2 * this.centreTap;
    let pos = this.upPos;
    for (let i = 0; i < frames; i++) {
      pos = pos === 0 ? K2 - 1 : pos - 1;
      const v = x[i];
      hist[pos] = v;
      hist[pos + K2] = v;
      let acc = 0;
      for (let j = 0; j < K2; j++) acc += taps[j] * hist[pos + j];
      y[2 * i] = acc;
      y[2 * i + 1] = c2 * hist[pos + lag];
    }
    this.upPos = pos;
  }

  /** y[i] = Σ h[k]·v[2i − k] over the non-zero taps (even k, and the centre). */
  down(v: Float64Array, y: Float32Array | Float64Array, frames: number): void {
    const N = this.length;
    const K2 = this.even.length;
    const taps = this.even;
    const hist = this.downHist;
    const c = this.centre;
    const ct = this.centreTap;
    let pos = this.downPos;
    for (let i = 0; i < frames; i++) {
      // v[2i] is aligned with output i: push it, compute, then push v[2i+1].
      pos = pos === 0 ? N - 1 : pos - 1;
      let s = v[2 * i];
      hist[pos] = s;
      hist[pos + N] = s;
      let acc = ct * hist[pos + c];
      for (let j = 0; j < K2; j++) acc += taps[j] * hist[pos + 2 * j];
      y[i] = acc;
      pos = pos === 0 ? N - 1 : pos - 1;
      s = v[2 * i + 1];
      hist[pos] = s;
      hist[pos + N] = s;
    }
    this.downPos = pos;
  }

  reset(): void {
    this.upHist.fill(0);
    this.downHist.fill(0);
    this.upPos = 0;
    this.downPos = 0;
  }
}
