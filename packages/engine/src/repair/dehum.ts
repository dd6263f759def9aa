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

/** A harmonic counts when it stands this far above its surroundings in three quarters of the span, dB. */
const ABOVE_DB = 12;
/** Quietest hum line taken (peak, dBFS): below it a "line" is quantisation distortion or inaudible. */
export const MIN_HUM_DB = -80;
/** Most a hum line's level may vary between the quieter and louder quarter of the segments, dB (mains hum is steady). */
const STEADY_DB = 6;
/** A line off the mains grid by more than this is a note's, not the mains', Hz. */
const OFF_GRID_HZ = 2;
/** Partials of a suspected note that are compared with a hum line. */
const NOTE_PARTIALS = 6;

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

/** Hann-weighted amplitude of a sinusoid at `hz` in y[from, from + window.length) (peak, linear). */
function amplitudeAt(d: Decimated, hz: number, window: Float64Array, wsum: number, from = 0): number {
  const w = (2 * Math.PI * hz) / d.rate;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = 1;
  let s = 0;
  let re = 0;
  let im = 0;
  const y = d.y;
  for (let n = 0; n < window.length; n++) {
    const v = y[from + n] * window[n];
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
 * A line is judged in segments of at least 1 s, at most 2 s (at least four); it must stand out in three
 * quarters of them. Mains hum is there all the time; a sung or played note, even one that recurs in every
 * phrase, comes and goes within seconds.
 */
const MIN_SEGMENTS = 4;
const SEGMENT_SECONDS = 2;
/** Offsets from a line where its surroundings are measured, Hz. */
const OFFSETS = [-9, -7.5, -6, -4.5, -3, 3, 4.5, 6, 7.5, 9];

/** Hann window over `len` samples and its sum. */
function hann(len: number): { window: Float64Array; wsum: number } {
  const window = new Float64Array(len);
  let wsum = 0;
  for (let n = 0; n < len; n++) {
    window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / len);
    wsum += window[n];
  }
  return { window, wsum };
}

/**
 * How far the line at `hz` stands above its surroundings in three quarters of the segments at least (the
 * quarter where it stands out least is left out: a note passing right beside it may cover it there; the
 * whole span when shorter than 4 s), dB. Surroundings: the median level 3–9 Hz away on the quieter
 * side (a line beside a louder note still stands out on its clear side).
 */
function standsOut(d: Decimated, hz: number): { above: number; spreadDb: number } {
  const seconds = d.y.length / d.rate;
  const segments =
    seconds >= MIN_SEGMENTS ? Math.max(MIN_SEGMENTS, Math.floor(seconds / SEGMENT_SECONDS)) : 1;
  const len = Math.floor(d.y.length / segments);
  const { window, wsum } = hann(len);
  const above: number[] = [];
  const levels: number[] = [];
  for (let s = 0; s < segments; s++) {
    const at = (f: number) => amplitudeAt(d, f, window, wsum, s * len);
    const side = (list: number[]) => {
      const v = list.map((o) => at(hz + o)).sort((u, w) => u - w);
      return v[v.length >> 1];
    };
    const floor = Math.min(side(OFFSETS.filter((o) => o < 0)), side(OFFSETS.filter((o) => o > 0)));
    const a = at(hz);
    levels.push(gainToDb(a));
    above.push(gainToDb(a) - gainToDb(floor));
  }
  above.sort((u, v) => u - v);
  levels.sort((u, v) => u - v);
  const q = Math.floor(segments / 4);
  return { above: above[q], spreadDb: levels[segments - 1 - q] - levels[q] };
}

/**
 * Looks for mains hum in one channel.
 * @returns the fundamental, its level and the harmonics standing ≥ 12 dB above their surroundings all the
 *   time (in three quarters of the span), or null
 *   when there is no hum: neither the fundamental nor the second harmonic stands out, or only one harmonic
 *   does and it is not the fundamental standing 20 dB out.
 */
export function detectHum(x: Float32Array, sampleRate: number): HumReport | null {
  // The search needs a few seconds at most; long files are judged on their first minute.
  const span = x.subarray(0, Math.min(x.length, 60 * sampleRate));
  if (span.length < sampleRate) return null;
  const d = decimate(span, sampleRate);
  const { window, wsum } = hann(d.y.length);
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
  // The note check needs a few seconds only.
  const head: Decimated = { y: d.y.subarray(0, Math.min(d.y.length, Math.round(10 * d.rate))), rate: d.rate };
  const headWindow = hann(head.y.length);
  for (let k = 1; k * f0 <= Math.min(MAX_HZ, d.rate / 2.5); k++) {
    const a = amplitudeAt(d, k * f0, window, wsum);
    if (!(a > 0) || gainToDb(a) < MIN_HUM_DB) continue;
    const out = standsOut(d, k * f0);
    if (out.above < ABOVE_DB || out.spreadDb > STEADY_DB) continue;
    if (partialOfNote(head, headWindow, k * f0, f0)) continue;
    harmonics.push({ number: k, hz: k * f0, levelDb: gainToDb(a), aboveDb: out.above });
  }
  const fundamental = harmonics.find((h) => h.number === 1);
  // Mains hum always has its fundamental or (rectifier buzz) its second harmonic; a sung note whose partials
  // happen to fall on multiples of 49–51 Hz has neither.
  const low = harmonics.some((h) => h.number <= 2);
  if (harmonics.length === 0 || !low || (harmonics.length < 2 && !(fundamental && fundamental.aboveDb >= 20)))
    return null;
  const strongest = harmonics.reduce((m, h) => (h.levelDb > m.levelDb ? h : m));
  return {
    fundamentalHz: Math.round(f0 * 1000) / 1000,
    levelDb: (fundamental ?? strongest).levelDb,
    harmonics,
  };
}

/**
 * True when the line at `hz` is better explained as a partial of a musical note than as a mains harmonic: for
 * some note fundamental g = hz / m (m = 2 … 6) off the mains grid of `f0`, the note's own partials beside it
 * (its fundamental, the partials next to this one) that are off the grid stand clear of their surroundings and
 * are louder than this line. A 220 Hz note's third partial sits on 60 Hz × 11 but belongs to the note.
 */
function partialOfNote(
  d: Decimated,
  { window, wsum }: { window: Float64Array; wsum: number },
  hz: number,
  f0: number,
): boolean {
  const line = amplitudeAt(d, hz, window, wsum);
  for (let m = 2; m <= NOTE_PARTIALS; m++) {
    const g = hz / m;
    if (g < 40) break;
    for (const j of new Set([1, m - 1, m + 1])) {
      const f = j * g;
      if (j < 1 || f >= d.rate / 2.5) continue;
      if (Math.abs(f - Math.round(f / f0) * f0) <= OFF_GRID_HZ) continue;
      const a = amplitudeAt(d, f, window, wsum);
      if (a <= line) continue;
      const around = [-6, -3, 3, 6].map((o) => amplitudeAt(d, f + o, window, wsum)).sort((u, v) => u - v);
      if (gainToDb(a) - gainToDb(around[1]) >= ABOVE_DB) return true;
    }
  }
  return false;
}

/** What dehumming one channel removed. */
export interface DehumResult {
  /** The channel without hum (a new array). */
  output: Float32Array;
  /** Per harmonic: frequency and the level removed (mean peak amplitude of the subtracted sinusoid, dBFS). */
  removed: { hz: number; levelDb: number }[];
}

/** Blocks either side whose estimates are pooled for one block (±2 s at the default block length). */
const POOL = 4;

/**
 * Removes the hum described by `hum` (from `detectHum`) from one channel.
 *
 * Per block (`blockSeconds` long, half overlapping) each harmonic's complex amplitude is measured by a
 * Hann-weighted projection, together with the power just beside it (±3…5 block-bins: what else sounds there).
 * The fundamental's (or lowest harmonic's) phase from block to block tracks the mains frequency's drift; every
 * harmonic is followed on that phase track (k times it). Each block's amplitude is then pooled with its
 * neighbours' (±2 s), weighting each by the inverse of the power beside it, so a block where a sung note
 * passes the hum line counts little — the hum is steady, the music is not. The pooled sinusoids, cross-faded
 * block to block, are subtracted.
 * @param blockSeconds length of the tracking blocks, 0.25 … 4 s (default 1).
 */
export function dehum(x: Float32Array, sampleRate: number, hum: HumReport, blockSeconds = 1): DehumResult {
  if (!(blockSeconds >= 0.25 && blockSeconds <= 4)) {
    throw new RangeError(`blockSeconds must be between 0.25 and 4, got ${blockSeconds}`);
  }
  const n = x.length;
  const harmonics = hum.harmonics;
  const output = new Float32Array(x);
  if (harmonics.length === 0 || n === 0) return { output, removed: [] };
  const block = Math.max(64, Math.round(blockSeconds * sampleRate) & ~1);
  const hop = block / 2;
  const win = new Float64Array(block);
  for (let i = 0; i < block; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / block);
  // Blocks start half a block before 0 so the Hann cross-fades sum to one everywhere.
  const starts: number[] = [];
  for (let b0 = -hop; b0 < n; b0 += hop) starts.push(b0);
  const nb = starts.length;
  const f0 = hum.fundamentalHz;
  const binHz = sampleRate / block;
  const amps = harmonics.map(() => ({
    re: new Float64Array(nb),
    im: new Float64Array(nb),
    beside: new Float64Array(nb),
  }));
  for (let b = 0; b < nb; b++) {
    harmonics.forEach((h, j) => {
      const a = project(x, win, starts[b], h.number * f0, sampleRate);
      amps[j].re[b] = a.re;
      amps[j].im[b] = a.im;
      let p = 0;
      let count = 0;
      for (const o of [-5, -4, -3, 3, 4, 5]) {
        const hz = h.number * f0 + o * binHz;
        if (hz <= 0 || hz >= sampleRate / 2) continue;
        const q = project(x, win, starts[b], hz, sampleRate);
        p += q.re * q.re + q.im * q.im;
        count++;
      }
      amps[j].beside[b] = count ? p / count : 0;
    });
  }
  // Phase track: the reference harmonic's block phases (unwrapped), pooled the same way, per fundamental cycle.
  const refIndex = 0; // harmonics are in order; the first is the fundamental or the lowest one found
  const refNumber = harmonics[refIndex].number;
  const refPhase = new Float64Array(nb);
  {
    const ref = amps[refIndex];
    const pooled = pool(ref.re, ref.im, ref.beside);
    let prev = 0;
    for (let b = 0; b < nb; b++) {
      let ph = Math.atan2(pooled.im[b], pooled.re[b]);
      if (b > 0) ph += 2 * Math.PI * Math.round((prev - ph) / (2 * Math.PI));
      refPhase[b] = ph;
      prev = ph;
    }
  }
  const removed = harmonics.map((h) => ({ hz: h.hz, sum: 0 }));
  const est = new Float64Array(n);
  harmonics.forEach((h, j) => {
    const k = h.number / refNumber;
    // Rotate each block onto the phase track, pool, rotate back.
    const re = new Float64Array(nb);
    const im = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      const c = Math.cos(-k * refPhase[b]);
      const s = Math.sin(-k * refPhase[b]);
      re[b] = amps[j].re[b] * c - amps[j].im[b] * s;
      im[b] = amps[j].re[b] * s + amps[j].im[b] * c;
    }
    const pooled = pool(re, im, amps[j].beside);
    const w = (2 * Math.PI * h.number * f0) / sampleRate;
    for (let b = 0; b < nb; b++) {
      const c = Math.cos(k * refPhase[b]);
      const s = Math.sin(k * refPhase[b]);
      const ar = pooled.re[b] * c - pooled.im[b] * s;
      const ai = pooled.re[b] * s + pooled.im[b] * c;
      removed[j].sum += Math.hypot(ar, ai);
      synthesise(est, win, starts[b], w, ar, ai);
    }
  });
  for (let i = 0; i < n; i++) output[i] = x[i] - est[i];
  return { output, removed: removed.map((r) => ({ hz: r.hz, levelDb: gainToDb(r.sum / nb) })) };
}

/**
 * Hann-weighted complex amplitude of x at `hz` over the block starting at b0 (the part inside x), phase
 * referenced to absolute sample time: x ≈ Re(A·e^{iωn}).
 */
function project(
  x: Float32Array,
  win: Float64Array,
  b0: number,
  hz: number,
  sampleRate: number,
): { re: number; im: number } {
  const w = (2 * Math.PI * hz) / sampleRate;
  const lo = Math.max(0, b0);
  const hi = Math.min(x.length, b0 + win.length);
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = Math.cos(w * lo);
  let s = Math.sin(w * lo);
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = lo; i < hi; i++) {
    const wt = win[i - b0];
    const v = x[i] * wt;
    re += v * c;
    im -= v * s;
    wsum += wt;
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  if (!(wsum > 0)) return { re: 0, im: 0 };
  return { re: (2 * re) / wsum, im: (2 * im) / wsum };
}

/** Adds win[n − b0]·Re(A·e^{iωn}) over the block into est. */
function synthesise(
  est: Float64Array,
  win: Float64Array,
  b0: number,
  w: number,
  ar: number,
  ai: number,
): void {
  const lo = Math.max(0, b0);
  const hi = Math.min(est.length, b0 + win.length);
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = Math.cos(w * lo);
  let s = Math.sin(w * lo);
  for (let i = lo; i < hi; i++) {
    est[i] += win[i - b0] * (ar * c - ai * s);
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
}

/** Triangular pooling over ±POOL blocks, each block weighted by 1 / (power beside the line). */
function pool(
  re: Float64Array,
  im: Float64Array,
  beside: Float64Array,
): { re: Float64Array; im: Float64Array } {
  const nb = re.length;
  let floor = Number.POSITIVE_INFINITY;
  for (let b = 0; b < nb; b++) if (beside[b] > 0) floor = Math.min(floor, beside[b]);
  if (!Number.isFinite(floor)) floor = 1e-30;
  const outRe = new Float64Array(nb);
  const outIm = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let sr = 0;
    let si = 0;
    let sw = 0;
    for (let d = -POOL; d <= POOL; d++) {
      const j = b + d;
      if (j < 0 || j >= nb) continue;
      const wt = (POOL + 1 - Math.abs(d)) / (beside[j] + floor);
      sr += wt * re[j];
      si += wt * im[j];
      sw += wt;
    }
    outRe[b] = sr / sw;
    outIm[b] = si / sw;
  }
  return { re: outRe, im: outIm };
}
