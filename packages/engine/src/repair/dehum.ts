/**
 * Dehum: mains hum is a fundamental at 50 or 60 Hz (drifting within ±1 Hz) plus harmonics. Found on a
 * decimated copy by a fine search of the harmonic sum; removed by tracking each harmonic that stands above
 * the signal as a sinusoid — per 1-second block (half overlapping, Hann cross-fades) a weighted least-squares
 * fit of amplitude, phase and their linear change (so slow drift in frequency and level is followed) — and
 * subtracting it. Only the hum's own lines are touched: no broadband dent, no notch ringing.
 */
import { gainToDb } from "../core/db.ts";

/** One hum harmonic. */
export interface HumHarmonic {
  /** Harmonic number (1 = fundamental). */
  number: number;
  /** Frequency, Hz. */
  hz: number;
  /** Peak amplitude, dBFS. */
  levelDb: number;
  /** How far it stands above the spectrum around it, dB. */
  aboveDb: number;
}

/** Mains hum found in a channel. */
export interface HumReport {
  /** Mains fundamental, Hz (49 … 51 or 59 … 61). */
  fundamentalHz: number;
  /** Peak level of the fundamental (or of the strongest harmonic when the fundamental is not above the signal), dBFS. */
  levelDb: number;
  /** The harmonics that stand above the signal (these are removed). */
  harmonics: HumHarmonic[];
}

/** A harmonic counts when it stands this far above the median of its neighbourhood. */
const ABOVE_DB = 12;
/** Highest harmonic frequency considered, Hz. */
const MAX_HZ = 1000;

/** Decimated (low-passed) copy for the hum search. */
interface Decimated {
  y: Float64Array;
  rate: number;
}

function decimate(x: Float32Array, sampleRate: number): Decimated {
  const factor = Math.max(1, Math.floor(sampleRate / 3000));
  const rate = sampleRate / factor;
  const cutoff = 1200 / sampleRate; // cycles per input sample
  const half = 8 * factor;
  const taps = new Float64Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const sinc = i === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * i) / (Math.PI * i);
    const w =
      0.42 + 0.5 * Math.cos((Math.PI * i) / (half + 1)) + 0.08 * Math.cos((2 * Math.PI * i) / (half + 1));
    taps[i + half] = sinc * w;
    sum += sinc * w;
  }
  for (let i = 0; i < taps.length; i++) taps[i] /= sum;
  const m = Math.floor(x.length / factor);
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const c = j * factor;
    let acc = 0;
    const lo = Math.max(-half, -c);
    const hi = Math.min(half, x.length - 1 - c);
    for (let i = lo; i <= hi; i++) acc += taps[i + half] * x[c + i];
    y[j] = acc;
  }
  return { y, rate };
}

/** Hann-weighted amplitude of a sinusoid at `hz` in y (peak, linear). */
function amplitudeAt(d: Decimated, hz: number, window: Float64Array, wsum: number): number {
  const w = (2 * Math.PI * hz) / d.rate;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = 1;
  let s = 0;
  let re = 0;
  let im = 0;
  const y = d.y;
  for (let n = 0; n < y.length; n++) {
    const v = y[n] * window[n];
    re += v * c;
    im -= v * s;
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
    if ((n & 1023) === 1023) {
      const r = 1 / Math.hypot(c, s);
      c *= r;
      s *= r;
    }
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

/**
 * Looks for mains hum in one channel.
 * @returns the fundamental, its level and the harmonics standing ≥ 12 dB above their surroundings, or null
 *   when there is no hum: neither the fundamental nor the second harmonic stands out, or only one harmonic
 *   does and it is not the fundamental standing 20 dB out.
 */
export function detectHum(x: Float32Array, sampleRate: number): HumReport | null {
  // The search needs a few seconds at most; long files are judged on their first minute.
  const span = x.subarray(0, Math.min(x.length, 60 * sampleRate));
  if (span.length < sampleRate) return null;
  const d = decimate(span, sampleRate);
  const window = new Float64Array(d.y.length);
  let wsum = 0;
  for (let n = 0; n < window.length; n++) {
    window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / window.length);
    wsum += window[n];
  }
  const score = (f0: number) => {
    let s = 0;
    for (let k = 1; k <= 6 && k * f0 < d.rate / 2.5; k++) s += amplitudeAt(d, k * f0, window, wsum) ** 2;
    return s;
  };
  let best = 50;
  let bestScore = -1;
  for (const base of [50, 60]) {
    for (let f = base - 1; f <= base + 1 + 1e-9; f += 0.05) {
      const s = score(f);
      if (s > bestScore) {
        bestScore = s;
        best = f;
      }
    }
  }
  for (let step = 0.01; step >= 0.001; step /= 10) {
    let c = best;
    for (let f = best - 5 * step; f <= best + 5 * step + 1e-12; f += step) {
      const s = score(f);
      if (s > bestScore) {
        bestScore = s;
        c = f;
      }
    }
    best = c;
  }
  const f0 = best;
  const harmonics: HumHarmonic[] = [];
  const offsets = [-9, -7.5, -6, -4.5, -3, 3, 4.5, 6, 7.5, 9];
  for (let k = 1; k * f0 <= Math.min(MAX_HZ, d.rate / 2.5); k++) {
    const a = amplitudeAt(d, k * f0, window, wsum);
    const around = offsets.map((o) => amplitudeAt(d, k * f0 + o, window, wsum)).sort((u, v) => u - v);
    const floor = (around[4] + around[5]) / 2;
    const above = gainToDb(a) - gainToDb(floor);
    if (a > 0 && above >= ABOVE_DB)
      harmonics.push({ number: k, hz: k * f0, levelDb: gainToDb(a), aboveDb: above });
  }
  const fundamental = harmonics.find((h) => h.number === 1);
  // Mains hum always has its fundamental or (rectifier buzz) its second harmonic; a sung note whose partials
  // happen to fall on multiples of 49–51 Hz has neither.
  const low = harmonics.some((h) => h.number <= 2);
  if (!low || (harmonics.length < 2 && !(fundamental && fundamental.aboveDb >= 20))) return null;
  const strongest = harmonics.reduce((m, h) => (h.levelDb > m.levelDb ? h : m));
  return {
    fundamentalHz: Math.round(f0 * 1000) / 1000,
    levelDb: (fundamental ?? strongest).levelDb,
    harmonics,
  };
}

/** What dehumming one channel removed. */
export interface DehumResult {
  /** The channel without hum (a new array). */
  output: Float32Array;
  /** Per harmonic: frequency and the level removed (peak of the subtracted sinusoid's average amplitude, dBFS). */
  removed: { hz: number; levelDb: number }[];
}

/**
 * Removes the hum described by `hum` (from `detectHum`) from one channel.
 * @param blockSeconds length of the tracking blocks, 0.25 … 4 s (default 1).
 */
export function dehum(x: Float32Array, sampleRate: number, hum: HumReport, blockSeconds = 1): DehumResult {
  if (!(blockSeconds >= 0.25 && blockSeconds <= 4)) {
    throw new RangeError(`blockSeconds must be between 0.25 and 4, got ${blockSeconds}`);
  }
  const n = x.length;
  const est = new Float64Array(n);
  const block = Math.max(64, Math.round(blockSeconds * sampleRate) & ~1);
  const hop = block / 2;
  const win = new Float64Array(block);
  for (let i = 0; i < block; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / block);
  const removed = hum.harmonics.map((h) => ({ hz: h.hz, sum: 0, blocks: 0 }));
  // Blocks start half a block before 0 so the Hann cross-fades sum to one everywhere.
  for (let b0 = -hop; b0 < n; b0 += hop) {
    const lo = Math.max(0, b0);
    const hi = Math.min(n, b0 + block);
    if (hi - lo < 8) continue;
    for (let hIndex = 0; hIndex < hum.harmonics.length; hIndex++) {
      const w = (2 * Math.PI * hum.harmonics[hIndex].hz) / sampleRate;
      const amp = fitAndAdd(x, est, win, b0, lo, hi, w, block);
      removed[hIndex].sum += amp;
      removed[hIndex].blocks++;
    }
  }
  const output = new Float32Array(n);
  for (let i = 0; i < n; i++) output[i] = x[i] - est[i];
  return {
    output,
    removed: removed.map((r) => ({ hz: r.hz, levelDb: gainToDb(r.blocks ? r.sum / r.blocks : 0) })),
  };
}

/**
 * Weighted least-squares fit of (a + b·t)·cos(wn) + (c + d·t)·sin(wn) over x[lo, hi) with weights win[n − b0]
 * (t centred on the block), added into est with the same window. Returns the fitted mean amplitude.
 */
function fitAndAdd(
  x: Float32Array,
  est: Float64Array,
  win: Float64Array,
  b0: number,
  lo: number,
  hi: number,
  w: number,
  block: number,
): number {
  const mid = b0 + block / 2;
  const scaleT = 2 / block;
  // Basis values by rotation from the first sample (phase referenced to absolute time, so blocks agree).
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = Math.cos(w * lo);
  let s = Math.sin(w * lo);
  const m = new Float64Array(16);
  const r = new Float64Array(4);
  const basis = new Float64Array(4);
  for (let n = lo; n < hi; n++) {
    const t = (n - mid) * scaleT;
    basis[0] = c;
    basis[1] = s;
    basis[2] = t * c;
    basis[3] = t * s;
    const wt = win[n - b0];
    const xv = x[n] * wt;
    for (let i = 0; i < 4; i++) {
      r[i] += xv * basis[i];
      const bi = basis[i] * wt;
      for (let j = 0; j <= i; j++) m[i * 4 + j] += bi * basis[j];
    }
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) m[j * 4 + i] = m[i * 4 + j];
  const coef = solve4(m, r);
  if (!coef) return 0;
  c = Math.cos(w * lo);
  s = Math.sin(w * lo);
  for (let n = lo; n < hi; n++) {
    const t = (n - mid) * scaleT;
    est[n] += win[n - b0] * ((coef[0] + coef[2] * t) * c + (coef[1] + coef[3] * t) * s);
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  return Math.hypot(coef[0], coef[1]);
}

/** Gaussian elimination with partial pivoting on a 4×4 system; null when singular. */
function solve4(m: Float64Array, r: Float64Array): Float64Array | null {
  const a = Float64Array.from(m);
  const b = Float64Array.from(r);
  for (let col = 0; col < 4; col++) {
    let piv = col;
    for (let i = col + 1; i < 4; i++) if (Math.abs(a[i * 4 + col]) > Math.abs(a[piv * 4 + col])) piv = i;
    if (!(Math.abs(a[piv * 4 + col]) > 1e-30)) return null;
    if (piv !== col) {
      for (let j = 0; j < 4; j++) [a[col * 4 + j], a[piv * 4 + j]] = [a[piv * 4 + j], a[col * 4 + j]];
      [b[col], b[piv]] = [b[piv], b[col]];
    }
    for (let i = col + 1; i < 4; i++) {
      const f = a[i * 4 + col] / a[col * 4 + col];
      for (let j = col; j < 4; j++) a[i * 4 + j] -= f * a[col * 4 + j];
      b[i] -= f * b[col];
    }
  }
  const out = new Float64Array(4);
  for (let i = 3; i >= 0; i--) {
    let v = b[i];
    for (let j = i + 1; j < 4; j++) v -= a[i * 4 + j] * out[j];
    out[i] = v / a[i * 4 + i];
  }
  return out;
}
