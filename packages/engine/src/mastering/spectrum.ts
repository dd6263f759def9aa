/**
 * Long-term average spectrum (LTAS) of a programme, smoothed in fractional octaves: the "tonal balance" a
 * mastering engineer compares against a reference record. Silence is left out so fades and gaps do not
 * tilt the average.
 */
import { FFT } from "../core/fft.ts";

/** A smoothed spectrum on a log-frequency grid. */
export interface LongTermSpectrum {
  /** Grid frequencies, Hz (1/12-octave spacing). */
  freqs: number[];
  /** Smoothed power per grid point, dB (relative to full-scale sine ≈ 0 dB in one bin). */
  db: number[];
}

/** FFT length for a sample rate: ~5.9 Hz bins at 48 kHz, fine enough for 1/3-octave smoothing at 30 Hz. */
function fftSize(sampleRate: number): number {
  let n = 1024;
  while (n < sampleRate / 6) n *= 2;
  return n;
}

/** Frames quieter than this (mean square, ≈ −70 dBFS) are skipped. */
const SILENT_POWER = 1e-7;
/** Grid: 1/12 octave from 20 Hz to 20 kHz. */
const GRID_LOW = 20;
const GRID_HIGH = 20000;
const GRID_STEPS_PER_OCTAVE = 12;

/** The analysis grid frequencies, Hz. */
export function spectrumGrid(): number[] {
  const out: number[] = [];
  for (let f = GRID_LOW; f <= GRID_HIGH * 1.0001; f *= 2 ** (1 / GRID_STEPS_PER_OCTAVE)) out.push(f);
  return out;
}

/**
 * Measures the long-term spectrum of the channels' mean: Hann-windowed FFT frames, power averaged over
 * all non-silent frames, then smoothed over `smoothingOctaves` around each grid point.
 * @param channels planar audio, full scale ±1.
 * @param sampleRate Hz.
 * @param smoothingOctaves width of the smoothing window, octaves (default 1/3).
 */
export function longTermSpectrum(
  channels: readonly Float32Array[],
  sampleRate: number,
  smoothingOctaves = 1 / 3,
): LongTermSpectrum {
  const m = new LongTermSpectrumMeter(sampleRate, channels.length);
  m.process(channels, channels[0]?.length ?? 0);
  return m.result(smoothingOctaves);
}

/**
 * `longTermSpectrum` fed block by block (a programme too long to hold): the same frames, the same result,
 * whatever the block sizes.
 */
export class LongTermSpectrumMeter {
  private readonly n: number;
  private readonly fft: FFT;
  private readonly win: Float64Array;
  private wsum = 0;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly acc: Float64Array;
  private count = 0;
  /** The channels' mean of the frame being filled, and how many samples it has. */
  private readonly frame: Float64Array;
  private filled = 0;

  /**
   * @param sampleRate Hz.
   * @param channels channel count of the blocks to come.
   */
  constructor(
    private readonly sampleRate: number,
    private readonly channels: number,
  ) {
    const n = fftSize(sampleRate);
    this.n = n;
    this.fft = new FFT(n);
    this.win = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      this.wsum += this.win[i] * this.win[i];
    }
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.acc = new Float64Array(n / 2 + 1);
    this.frame = new Float64Array(n);
  }

  /** Adds `frames` frames of planar audio. */
  process(input: readonly Float32Array[], frames: number): void {
    const { n, frame } = this;
    const k = this.channels;
    // The channels' mean (the mid signal): one transform per frame. Hann frames without overlap are plenty
    // for a long-term average (hundreds of frames per song).
    for (let i = 0; i < frames; i++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += input[c][i];
      frame[this.filled++] = v / k;
      if (this.filled === n) {
        this.transform();
        this.filled = 0;
      }
    }
  }

  private transform(): void {
    const { n, re, im, win, frame } = this;
    let ms = 0;
    for (let i = 0; i < n; i++) {
      const v = frame[i];
      re[i] = v;
      ms += v * v;
    }
    if (ms / n < SILENT_POWER) return;
    for (let i = 0; i < n; i++) {
      re[i] *= win[i];
      im[i] = 0;
    }
    this.fft.forward(re, im);
    for (let j = 0; j <= n / 2; j++) this.acc[j] += re[j] * re[j] + im[j] * im[j];
    this.count++;
  }

  /** The spectrum of what was added (a last partial frame is left out), smoothed over `smoothingOctaves`. */
  result(smoothingOctaves = 1 / 3): LongTermSpectrum {
    const { n, acc, count } = this;
    // Scale so a full-scale sine reads about 0 dB at its bin (window power normalised).
    const scale = count > 0 ? 4 / (count * this.wsum * n) : 0;
    const binHz = this.sampleRate / n;
    const freqs = spectrumGrid();
    const half = 2 ** (smoothingOctaves / 2);
    const db = freqs.map((f) => {
      const lo = Math.max(1, Math.floor(f / half / binHz));
      const hi = Math.min(n / 2, Math.max(lo, Math.ceil((f * half) / binHz)));
      let s = 0;
      for (let k = lo; k <= hi; k++) s += acc[k];
      const p = (s / (hi - lo + 1)) * scale;
      return p > 0 ? 10 * Math.log10(p) : -200;
    });
    return { freqs, db };
  }
}

/** Band used for comparing tonal balance: the range a mastering EQ should act on, Hz. */
export const COMPARE_LOW_HZ = 40;
export const COMPARE_HIGH_HZ = 16000;

/**
 * Difference `b − a` in dB at each grid point, with the mean difference over 40 Hz … 16 kHz removed: the
 * tonal-balance difference independent of level.
 */
export function tonalDifference(a: LongTermSpectrum, b: LongTermSpectrum): number[] {
  const d = a.db.map((v, i) => b.db[i] - v);
  let s = 0;
  let k = 0;
  for (let i = 0; i < d.length; i++) {
    if (a.freqs[i] >= COMPARE_LOW_HZ && a.freqs[i] <= COMPARE_HIGH_HZ) {
      s += d[i];
      k++;
    }
  }
  const mean = k ? s / k : 0;
  return d.map((v) => v - mean);
}

/**
 * Spectral distance between two programmes: RMS of the level-normalised tonal difference over
 * 40 Hz … 16 kHz on the 1/12-octave grid, dB. 0 = the same tonal balance.
 */
export function spectralDistanceDb(a: LongTermSpectrum, b: LongTermSpectrum): number {
  const d = tonalDifference(a, b);
  let s = 0;
  let k = 0;
  for (let i = 0; i < d.length; i++) {
    if (a.freqs[i] >= COMPARE_LOW_HZ && a.freqs[i] <= COMPARE_HIGH_HZ) {
      s += d[i] * d[i];
      k++;
    }
  }
  return k ? Math.sqrt(s / k) : 0;
}

/**
 * Stereo width as the side-to-mid energy ratio (S = (L−R)/2, M = (L+R)/2): 0 for mono, 1 for uncorrelated
 * channels of equal level, large for anti-phase content. Null for mono programmes.
 */
export function sideToMidRatio(channels: readonly Float32Array[]): number | null {
  if (channels.length < 2) return null;
  const [l, r] = channels;
  let m = 0;
  let s = 0;
  for (let i = 0; i < l.length; i++) {
    const a = l[i] + r[i];
    const b = l[i] - r[i];
    m += a * a;
    s += b * b;
  }
  return m > 0 ? s / m : null;
}
