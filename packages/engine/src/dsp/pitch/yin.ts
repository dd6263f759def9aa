/**
 * Pitch detection by YIN (de Cheveigné & Kawahara, 2002): the cumulative-mean-normalised difference function,
 * an absolute threshold that picks the first deep dip (not an octave below; see `detect` for the formant
 * guard), and parabolic interpolation of
 * the raw difference function around it for sub-sample period precision. The difference function is computed
 * through one FFT-based cross-correlation, so a frame costs O(W log W) instead of O(W²).
 */
import { FFT, nextPowerOfTwo } from "../../core/fft.ts";

export interface PitchOptions {
  /** Lowest pitch searched, Hz (20 … 2000; default 60). Sets the longest period, so frames need ≥ 2 such periods. */
  minHz?: number;
  /** Highest pitch searched, Hz (40 … 5000, above minHz; default 1500). */
  maxHz?: number;
  /** YIN absolute threshold on the normalised difference (0.01 … 0.5, default 0.15): lower is stricter voicing. */
  threshold?: number;
  /** Frames quieter than this RMS level, dBFS, are unvoiced (default −60). */
  gateDb?: number;
}

/** One detection. */
export interface PitchEstimate {
  /** Fundamental in Hz; 0 when nothing periodic was found (silence, or no dip at all). */
  hz: number;
  /** The period in samples (fractional), or 0. */
  period: number;
  /** 1 − the normalised difference at the chosen period (0 … 1): 1 is perfectly periodic. */
  confidence: number;
  /** Whether the frame is taken as pitched: confident (dip below threshold) and above the gate. */
  voiced: boolean;
}

const UNVOICED: PitchEstimate = { hz: 0, period: 0, confidence: 0, voiced: false };

interface Resolved {
  minHz: number;
  maxHz: number;
  threshold: number;
  gateDb: number;
}

/** Validates options; errors name the option. */
export function resolvePitchOptions(o: PitchOptions = {}): Resolved {
  const r: Resolved = {
    minHz: o.minHz ?? 60,
    maxHz: o.maxHz ?? 1500,
    threshold: o.threshold ?? 0.15,
    gateDb: o.gateDb ?? -60,
  };
  const check = (name: string, v: number, lo: number, hi: number) => {
    if (typeof v !== "number" || !(v >= lo && v <= hi)) {
      throw new RangeError(`pitch detection ${name}: must be between ${lo} and ${hi}, got ${v}`);
    }
  };
  check("minHz", r.minHz, 20, 2000);
  check("maxHz", r.maxHz, 40, 5000);
  check("threshold", r.threshold, 0.01, 0.5);
  check("gateDb", r.gateDb, -200, 0);
  if (r.maxHz <= r.minHz)
    throw new RangeError(`pitch detection maxHz: must be above minHz (${r.minHz}), got ${r.maxHz}`);
  return r;
}

/**
 * Reusable YIN analyser for frames of one length at one rate (keeps its FFT and buffers).
 * The frame must hold at least two periods of `minHz`: the lag search runs to ⌊sampleRate/minHz⌋ and the
 * difference is summed over the first (length − that lag) samples.
 */
export class Yin {
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly options: Resolved;
  private readonly tauMin: number;
  private readonly tauMax: number;
  /** Integration window (samples summed per lag). */
  private readonly window: number;
  private readonly fft: FFT;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly diff: Float64Array;
  private readonly cmnd: Float64Array;
  private readonly energy: Float64Array;

  constructor(sampleRate: number, frameLength: number, options: PitchOptions = {}) {
    if (!(sampleRate >= 8000 && sampleRate <= 384000)) {
      throw new RangeError(
        `pitch detection sampleRate: must be between 8000 and 384000 Hz, got ${sampleRate}`,
      );
    }
    this.options = resolvePitchOptions(options);
    this.sampleRate = sampleRate;
    this.tauMax = Math.floor(sampleRate / this.options.minHz);
    this.tauMin = Math.max(2, Math.floor(sampleRate / this.options.maxHz));
    if (!(Number.isInteger(frameLength) && frameLength >= 2 * this.tauMax + 2)) {
      throw new RangeError(
        `pitch detection frame: needs at least ${2 * this.tauMax + 2} samples (two periods of minHz ${this.options.minHz} Hz), got ${frameLength}`,
      );
    }
    this.frameLength = frameLength;
    this.window = frameLength - this.tauMax - 1;
    const n = nextPowerOfTwo(frameLength + this.window);
    this.fft = new FFT(n);
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.diff = new Float64Array(this.tauMax + 2);
    this.cmnd = new Float64Array(this.tauMax + 2);
    this.energy = new Float64Array(frameLength + 1);
  }

  /** Detects the pitch of `frame` (its first `frameLength` samples; `start` offsets into it). */
  detect(frame: ArrayLike<number>, start = 0): PitchEstimate {
    const L = this.frameLength;
    const N = this.window;
    const tauMax = this.tauMax;
    // Prefix sums of x² give every lag's window energy in O(1).
    const e = this.energy;
    e[0] = 0;
    for (let i = 0; i < L; i++) {
      const v = frame[start + i];
      e[i + 1] = e[i] + v * v;
    }
    const total = e[L];
    if (!(total > 0) || !Number.isFinite(total)) return UNVOICED;
    const rms = Math.sqrt(total / L);
    if (20 * Math.log10(rms) < this.options.gateDb) return { ...UNVOICED };
    // Cross-correlation r(τ) = Σ_{j<N} x[j]·x[j+τ] by one complex FFT: a = x[0, N) in the real part,
    // b = x[0, L) in the imaginary part; then A and B are separated by conjugate symmetry.
    const re = this.re;
    const im = this.im;
    const n = re.length;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < N; i++) re[i] = frame[start + i];
    for (let i = 0; i < L; i++) im[i] = frame[start + i];
    this.fft.forward(re, im);
    // Z = A + iB. A[k] = (Z[k] + conj Z[n−k])/2, B[k] = (Z[k] − conj Z[n−k])/(2i); R = conj(A)·B.
    for (let k = 0; k <= n / 2; k++) {
      const k2 = (n - k) & (n - 1);
      const zr = re[k];
      const zi = im[k];
      const wr = re[k2];
      const wi = im[k2];
      const ar = 0.5 * (zr + wr);
      const ai = 0.5 * (zi - wi);
      const br = 0.5 * (zi + wi);
      const bi = -0.5 * (zr - wr);
      const rr = ar * br + ai * bi;
      const ri = ar * bi - ai * br;
      re[k] = rr;
      im[k] = ri;
      if (k2 !== k) {
        re[k2] = rr;
        im[k2] = -ri;
      }
    }
    this.fft.inverse(re, im);
    // d(τ) = Σ (x[j] − x[j+τ])² = E[0,N) + E[τ,τ+N) − 2 r(τ).
    const d = this.diff;
    const c = this.cmnd;
    const e0 = e[N];
    d[0] = 0;
    c[0] = 1;
    let running = 0;
    for (let tau = 1; tau <= tauMax + 1; tau++) {
      const v = e0 + (e[tau + N] - e[tau]) - 2 * re[tau];
      d[tau] = Math.max(v, 0);
      running += d[tau];
      c[tau] = running > 0 ? (d[tau] * tau) / running : 1;
    }
    // The first dip below the threshold, as in YIN — unless a later dip is much deeper: a strong formant on
    // one harmonic (the 3rd of an "ah") makes a shallow dip at a fraction of the period, which is not the pitch.
    // So: the shortest lag whose dip is within threshold/2 of the deepest dip below the threshold.
    let deepest = Infinity;
    for (let tau = this.tauMin; tau <= tauMax; tau++) if (c[tau] < deepest) deepest = c[tau];
    let best = -1;
    if (deepest < this.options.threshold) {
      const accept = Math.min(this.options.threshold, deepest + 0.5 * this.options.threshold);
      for (let tau = this.tauMin; tau <= tauMax; tau++) {
        if (c[tau] < accept) {
          while (tau + 1 <= tauMax && c[tau + 1] < c[tau]) tau++;
          best = tau;
          break;
        }
      }
    }
    let voiced = true;
    if (best < 0) {
      voiced = false;
      best = this.tauMin;
      for (let tau = this.tauMin + 1; tau <= tauMax; tau++) if (c[tau] < c[best]) best = tau;
    }
    // Parabolic interpolation on the raw difference (its dip is close to a parabola; the normalised one is
    // tilted by the running mean).
    let period = best;
    if (best > 1 && best <= tauMax) {
      const a = d[best - 1];
      const b = d[best];
      const g = d[best + 1];
      const den = a - 2 * b + g;
      if (den > 0) {
        const off = (0.5 * (a - g)) / den;
        if (off > -1 && off < 1) period = best + off;
      }
    }
    const confidence = Math.min(1, Math.max(0, 1 - c[best]));
    if (!(period > 0) || !Number.isFinite(period)) return { ...UNVOICED };
    return { hz: this.sampleRate / period, period, confidence, voiced };
  }
}

const cache = new Map<string, Yin>();

/**
 * Detects the pitch of one frame (YIN). The frame must hold at least two periods of `minHz` (default 60 Hz:
 * 1602 samples at 48 kHz); 2048 samples at 48 kHz is a good size.
 * @param frame samples, −1 … 1.
 * @param sampleRate Hz (8 000 … 384 000).
 */
export function detectPitch(
  frame: ArrayLike<number>,
  sampleRate: number,
  options: PitchOptions = {},
): PitchEstimate {
  const o = resolvePitchOptions(options);
  const key = `${sampleRate}/${frame.length}/${o.minHz}/${o.maxHz}/${o.threshold}/${o.gateDb}`;
  let y = cache.get(key);
  if (!y) {
    y = new Yin(sampleRate, frame.length, o);
    if (cache.size > 32) cache.clear();
    cache.set(key, y);
  }
  return y.detect(frame);
}
