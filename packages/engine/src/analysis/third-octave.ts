import { FFT } from "../core/fft.ts";

/** Nominal 1/3-octave centre frequencies (IEC 61260 base-10 series), 20 Hz … 20 kHz. */
export const THIRD_OCTAVE_CENTERS = [
  20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000,
  2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
];

/** One band of a long-term spectrum. */
export interface BandLevel {
  /** Nominal centre frequency, Hz. */
  centerHz: number;
  /** Band power relative to full scale, dB (a full-scale sine inside the band reads −3.01 dB); −Infinity when empty. */
  levelDb: number;
}

const FRAME = 8192;

/**
 * Long-term 1/3-octave band levels (all channels' power averaged), estimated Welch-style: Hann-windowed
 * 8192-point frames taken every `hopSeconds` (default 1 s — a long-term average needs a fair sample
 * of the programme, not every frame; this keeps it to a few percent of the analysis time). Two channels
 * share one complex FFT. Band edges are exact: FFT bins straddling an edge are split in proportion.
 * Bands above the Nyquist frequency are left out.
 */
export class ThirdOctaveAnalyzer {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly fft = new FFT(FRAME);
  private readonly window = new Float64Array(FRAME);
  private readonly windowPower: number;
  private readonly ring: Float64Array[];
  private filled = 0;
  private writePos = 0;
  private sinceLast = 0;
  private readonly hop: number;
  private readonly power = new Float64Array(FRAME / 2 + 1);
  private frames = 0;
  private readonly re = new Float64Array(FRAME);
  private readonly im = new Float64Array(FRAME);

  /**
   * @param sampleRate Hz.
   * @param channels 1 … 64.
   * @param hopSeconds time between analysed frames, seconds (≥ one frame's length is allowed; default 1).
   */
  constructor(sampleRate: number, channels: number, hopSeconds = 1) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.hop = Math.max(FRAME / 4, Math.round(hopSeconds * sampleRate));
    let wp = 0;
    for (let i = 0; i < FRAME; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME);
      this.window[i] = w;
      wp += w * w;
    }
    this.windowPower = wp;
    this.ring = Array.from({ length: channels }, () => new Float64Array(FRAME));
    // Start with a frame as soon as one is available.
    this.sinceLast = this.hop - FRAME;
  }

  /** Feeds planar audio. */
  process(input: readonly Float32Array[], frames: number): void {
    let i = 0;
    while (i < frames) {
      // Only the last FRAME samples before an analysis point matter: skip copying the rest.
      const untilNext = this.hop - this.sinceLast;
      const skip = Math.max(0, Math.min(frames - i, untilNext - FRAME));
      if (skip > 0) {
        i += skip;
        this.sinceLast += skip;
        this.filled = 0;
        continue;
      }
      // At most FRAME samples here (the skip above leaves no more than a frame before the next point): up
      // to the ring's end, then from its start.
      const n = Math.min(frames - i, untilNext);
      const head = Math.min(n, FRAME - this.writePos);
      for (let c = 0; c < this.channels; c++) {
        const r = this.ring[c];
        const x = input[c];
        r.set(x.subarray(i, i + head), this.writePos);
        if (n > head) r.set(x.subarray(i + head, i + n), 0);
      }
      this.writePos = (this.writePos + n) % FRAME;
      this.filled = Math.min(FRAME, this.filled + n);
      this.sinceLast += n;
      i += n;
      if (this.sinceLast >= this.hop && this.filled === FRAME) {
        this.analyse();
        // The ring still holds the last frame: when the hop is shorter than a frame (rates under FRAME
        // samples a second at the default 1 s hop, such as 8 kHz), the next frame overlaps this one. Emptying
        // it here left a ring that could never fill again within a hop, and the loop above took no samples.
        this.sinceLast = 0;
      }
    }
  }

  private analyse(): void {
    const re = this.re;
    const im = this.im;
    for (let c = 0; c < this.channels; c += 2) {
      const a = this.ring[c];
      const b = c + 1 < this.channels ? this.ring[c + 1] : null;
      // Oldest sample first: the ring from writePos to its end, then from its start (two plain loops, no
      // index arithmetic per sample).
      const win = this.window;
      const split = FRAME - this.writePos;
      for (let k = 0, idx = this.writePos; k < split; k++, idx++) re[k] = a[idx] * win[k];
      for (let k = split, idx = 0; k < FRAME; k++, idx++) re[k] = a[idx] * win[k];
      if (b) {
        for (let k = 0, idx = this.writePos; k < split; k++, idx++) im[k] = b[idx] * win[k];
        for (let k = split, idx = 0; k < FRAME; k++, idx++) im[k] = b[idx] * win[k];
      } else im.fill(0);
      this.fft.forward(re, im);
      // Separate the two real spectra: A = (Z[k] + conj Z[N−k]) / 2, B = (Z[k] − conj Z[N−k]) / 2i.
      for (let k = 0; k <= FRAME / 2; k++) {
        const j = (FRAME - k) % FRAME;
        const ar = (re[k] + re[j]) / 2;
        const ai = (im[k] - im[j]) / 2;
        const br = (im[k] + im[j]) / 2;
        const bi = (re[j] - re[k]) / 2;
        const one = k === 0 || k === FRAME / 2 ? 1 : 2;
        this.power[k] += one * (ar * ar + ai * ai + (b ? br * br + bi * bi : 0));
      }
    }
    this.frames++;
  }

  /** Band levels over what was analysed; every band −Infinity when the programme was shorter than one frame. */
  bands(): BandLevel[] {
    const out: BandLevel[] = [];
    const binHz = this.sampleRate / FRAME;
    // Mean square per sample per channel, from Parseval with the window's power.
    const scale = this.frames ? 1 / (this.frames * this.channels * this.windowPower * FRAME) : 0;
    for (const fc of THIRD_OCTAVE_CENTERS) {
      const lo = fc * 2 ** (-1 / 6);
      const hi = fc * 2 ** (1 / 6);
      if (lo >= this.sampleRate / 2) break;
      let p = 0;
      // Bin k covers [(k−0.5)·binHz, (k+0.5)·binHz).
      const k0 = Math.max(0, Math.floor(lo / binHz + 0.5));
      const k1 = Math.min(FRAME / 2, Math.floor(hi / binHz + 0.5));
      for (let k = k0; k <= k1; k++) {
        const a = Math.max(lo, (k - 0.5) * binHz);
        const b = Math.min(hi, (k + 0.5) * binHz);
        if (b > a) p += (this.power[k] * (b - a)) / binHz;
      }
      p *= scale;
      out.push({ centerHz: fc, levelDb: p > 0 ? 10 * Math.log10(p) : Number.NEGATIVE_INFINITY });
    }
    return out;
  }
}
