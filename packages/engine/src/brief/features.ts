/**
 * What a descriptor is judged on: features measured on the actual audio of a track, bus or the mix. Tonal
 * features come from a long-term power spectrum (so an EQ's effect can be predicted exactly by multiplying
 * the spectrum by the curve), dynamic features from short envelopes, width from mid/side energy per band,
 * level from BS.1770 loudness against the mix.
 */
import { kWeightingStages } from "../analysis/k-weighting.ts";
import { LoudnessMeter } from "../analysis/loudness.ts";
import { biquadResponse } from "../core/biquad.ts";
import { FFT } from "../core/fft.ts";

/**
 * The features, each in dB (dB/octave for the tilt, LUFS for loudness, −1 … 1 for correlation). A band feature
 * ("air (10-20 kHz)") is the band's energy against the rest of 20 Hz-20 kHz, of the mid signal.
 */
export const FEATURES = {
  subDb: "sub (20-60 Hz)",
  boomDb: "boom (60-150 Hz)",
  bodyDb: "body (120-350 Hz)",
  mudDb: "low-mid build-up (200-500 Hz)",
  boxDb: "box (350-800 Hz)",
  honkDb: "honk (700-1400 Hz)",
  nasalDb: "nasal (1-2 kHz)",
  presenceDb: "presence (2-5 kHz)",
  harshDb: "harshness (2.5-6 kHz)",
  crispDb: "definition (5-9 kHz)",
  sibilanceDb: "sibilance (5-10 kHz)",
  airDb: "air (10-20 kHz)",
  lowDb: "low-end (20-250 Hz)",
  lowMidPresenceDb: "low-mid/presence balance",
  tiltDbPerOct: "spectral tilt",
  crestDb: "crest factor",
  attackSustainDb: "attack/sustain ratio",
  dynamicsDb: "short-term dynamics (400 ms level spread)",
  widthDb: "side/mid ratio",
  widthLowDb: "side/mid below 250 Hz",
  widthMidDb: "side/mid 250 Hz-4 kHz",
  widthHighDb: "side/mid above 4 kHz",
  correlation: "L/R correlation",
  directToReverbDb: "direct/reverb ratio",
  levelInMixDb: "level relative to the mix",
  loudnessLufs: "loudness",
  referenceDistanceDb: "tonal distance to the reference",
} as const;

export type FeatureName = keyof typeof FEATURES;
export type Features = Record<FeatureName, number>;

/** Units for printing. */
export function featureUnit(f: FeatureName): string {
  if (f === "tiltDbPerOct") return " dB/oct";
  if (f === "correlation") return "";
  if (f === "loudnessLufs") return " LUFS";
  return " dB";
}

/** Tonal bands (Hz) of the band features: the band's energy against the rest of 20 Hz-20 kHz. */
export const BANDS: Readonly<Partial<Record<FeatureName, readonly [number, number]>>> = {
  subDb: [20, 60],
  boomDb: [60, 150],
  bodyDb: [120, 350],
  mudDb: [200, 500],
  boxDb: [350, 800],
  honkDb: [700, 1400],
  nasalDb: [1000, 2000],
  presenceDb: [2000, 5000],
  harshDb: [2500, 6000],
  crispDb: [5000, 9000],
  sibilanceDb: [5000, 10000],
  airDb: [10000, 20000],
  lowDb: [20, 250],
};

/** Band edges of the low-mid/presence balance: 100-400 Hz against 2-5 kHz. */
export const WARM_LOW: readonly [number, number] = [100, 400];
export const WARM_HIGH: readonly [number, number] = [2000, 5000];

/** Floor of every dB feature (silence, no side signal, no reverb). */
export const FLOOR_DB = -60;
/** Direct/reverb ratio reported when a target has no reverb at all, dB. */
export const DRY_DB = 40;

/**
 * A long-term power spectrum: mid (mean of the channels) and side power per FFT bin, averaged over the
 * non-silent frames; plus the K-weighting power response per bin for loudness predictions.
 */
export interface PowerSpectrum {
  sampleRate: number;
  /** Hz per bin. */
  binHz: number;
  /** Mean mid power per bin (0 … n/2). */
  mid: Float64Array;
  /** Mean side power per bin ((L−R)/2), zero for mono. */
  side: Float64Array;
  /** Re(L·R*) and |L|², |R|² per bin (correlation), zero for mono. */
  cross: Float64Array;
  left: Float64Array;
  right: Float64Array;
}

const FFT_SIZE = 8192;

let tables: { fft: FFT; win: Float64Array } | null = null;
/** The transform and Hann window, made once. */
function analysisTables(): { fft: FFT; win: Float64Array } {
  if (!tables) {
    const win = new Float64Array(FFT_SIZE);
    for (let i = 0; i < FFT_SIZE; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FFT_SIZE);
    tables = { fft: new FFT(FFT_SIZE), win };
  }
  return tables;
}
/** Frames quieter than this mean square (≈ −70 dBFS) are skipped. */
const SILENT_POWER = 1e-7;

/** Measures the power spectrum of planar audio (1 or 2 channels; more are averaged into mid). */
export function powerSpectrum(channels: readonly Float32Array[], sampleRate: number): PowerSpectrum {
  const n = FFT_SIZE;
  const half = n / 2 + 1;
  const { fft, win } = analysisTables();
  const mid = new Float64Array(half);
  const side = new Float64Array(half);
  const cross = new Float64Array(half);
  const left = new Float64Array(half);
  const right = new Float64Array(half);
  const stereo = channels.length === 2;
  const len = channels[0]?.length ?? 0;
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  let count = 0;
  // Frames without overlap (a long-term average over hundreds of frames needs none); a stereo pair goes
  // through one complex transform (L + iR) and is separated by symmetry.
  for (let start = 0; start + n <= len; start += n) {
    let ms = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (const ch of channels) v += ch[start + i];
      v /= channels.length;
      ms += v * v;
    }
    const msSide = stereo ? sideMs(channels, start, n) : 0;
    if ((ms + msSide) / n < SILENT_POWER) continue;
    if (stereo) {
      const l = channels[0];
      const r = channels[1];
      for (let i = 0; i < n; i++) {
        lr[i] = l[start + i] * win[i];
        li[i] = r[start + i] * win[i];
      }
      fft.forward(lr, li);
      for (let k = 0; k < half; k++) {
        const j = (n - k) % n;
        // L = (X[k] + conj X[n-k]) / 2, R = (X[k] - conj X[n-k]) / 2i.
        const lRe = (lr[k] + lr[j]) / 2;
        const lIm = (li[k] - li[j]) / 2;
        const rRe = (li[k] + li[j]) / 2;
        const rIm = (lr[j] - lr[k]) / 2;
        const mr = (lRe + rRe) / 2;
        const mi = (lIm + rIm) / 2;
        const sr = (lRe - rRe) / 2;
        const si = (lIm - rIm) / 2;
        mid[k] += mr * mr + mi * mi;
        side[k] += sr * sr + si * si;
        cross[k] += lRe * rRe + lIm * rIm;
        left[k] += lRe * lRe + lIm * lIm;
        right[k] += rRe * rRe + rIm * rIm;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (const ch of channels) v += ch[start + i];
        lr[i] = (v / channels.length) * win[i];
        li[i] = 0;
      }
      fft.forward(lr, li);
      for (let k = 0; k < half; k++) mid[k] += lr[k] * lr[k] + li[k] * li[k];
    }
    count++;
  }
  if (count > 0) {
    for (const a of [mid, side, cross, left, right]) for (let k = 0; k < half; k++) a[k] /= count;
  }
  return { sampleRate, binHz: sampleRate / n, mid, side, cross, left, right };
}

function sideMs(channels: readonly Float32Array[], start: number, n: number): number {
  let s = 0;
  const [l, r] = channels;
  for (let i = 0; i < n; i++) {
    const d = (l[start + i] - r[start + i]) / 2;
    s += d * d;
  }
  return s;
}

function sumBand(p: Float64Array, binHz: number, lo: number, hi: number): number {
  const a = Math.max(1, Math.ceil(lo / binHz));
  const b = Math.min(p.length - 1, Math.floor(hi / binHz));
  let s = 0;
  for (let k = a; k <= b; k++) s += p[k];
  return s;
}

function db(ratio: number): number {
  return ratio > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(ratio)) : FLOOR_DB;
}

/** Third-octave centres used by the tilt regression (100 Hz … 10 kHz). */
const TILT_CENTRES = Array.from({ length: 21 }, (_, i) => 100 * 2 ** (i / 3));

/** The tonal and width features of a spectrum (everything that does not need the waveform). */
export function spectralFeatures(
  s: PowerSpectrum,
): Pick<
  Features,
  | "subDb"
  | "boomDb"
  | "bodyDb"
  | "mudDb"
  | "boxDb"
  | "honkDb"
  | "nasalDb"
  | "presenceDb"
  | "harshDb"
  | "crispDb"
  | "sibilanceDb"
  | "airDb"
  | "lowDb"
  | "lowMidPresenceDb"
  | "tiltDbPerOct"
  | "widthDb"
  | "widthLowDb"
  | "widthMidDb"
  | "widthHighDb"
  | "correlation"
> {
  const top = Math.min(20000, s.sampleRate / 2);
  const total = sumBand(s.mid, s.binHz, 20, top);
  // A band against everything else (not against the total, which it is part of): a band that dominates
  // still moves dB for dB when it is cut or boosted.
  const share = (band: readonly [number, number]) => {
    const e = sumBand(s.mid, s.binHz, band[0], Math.min(band[1], top));
    return db(e / Math.max(total - e, total * 1e-6));
  };
  const out = {} as Record<string, number>;
  for (const [name, band] of Object.entries(BANDS)) out[name] = share(band);
  out.lowMidPresenceDb = round2(
    db(sumBand(s.mid, s.binHz, WARM_LOW[0], WARM_LOW[1])) -
      db(sumBand(s.mid, s.binHz, WARM_HIGH[0], WARM_HIGH[1])),
  );
  // Tilt: least-squares slope of the third-octave levels against octaves, 100 Hz … 10 kHz.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const f of TILT_CENTRES) {
    const p = sumBand(s.mid, s.binHz, f / 2 ** (1 / 6), f * 2 ** (1 / 6));
    if (p <= 0) continue;
    xs.push(Math.log2(f / 1000));
    ys.push(10 * Math.log10(p));
  }
  out.tiltDbPerOct = xs.length >= 2 ? slope(xs, ys) : 0;
  const width = (lo: number, hi: number) => {
    const m = sumBand(s.mid, s.binHz, lo, hi);
    const sd = sumBand(s.side, s.binHz, lo, hi);
    return m > 0 ? db(sd / m) : FLOOR_DB;
  };
  out.widthDb = width(20, top);
  out.widthLowDb = width(20, 250);
  out.widthMidDb = width(250, 4000);
  out.widthHighDb = width(4000, top);
  const l = sumBand(s.left, s.binHz, 20, top);
  const r = sumBand(s.right, s.binHz, 20, top);
  out.correlation = l > 0 && r > 0 ? sumBand(s.cross, s.binHz, 20, top) / Math.sqrt(l * r) : 1;
  for (const k of Object.keys(out)) out[k] = round2(out[k]);
  return out as ReturnType<typeof spectralFeatures>;
}

function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** Rounds to 0.01 (features are printed and compared in hundredths). */
export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * The spectrum after a linear filter: mid, side and L/R powers times |H(f)|² (the same filter on both
 * channels). `gainDb(f)` is the filter's magnitude at `f` Hz, dB.
 */
export function filteredSpectrum(s: PowerSpectrum, gainDb: (freq: number) => number): PowerSpectrum {
  const n = s.mid.length;
  const g = new Float64Array(n);
  for (let k = 0; k < n; k++) g[k] = 10 ** (gainDb(Math.max(1, k * s.binHz)) / 10);
  return powerFiltered(s, g);
}

/** The spectrum times a power gain per bin (`g[k]` = |H|² at bin k). */
export function powerFiltered(s: PowerSpectrum, g: Float64Array): PowerSpectrum {
  const mul = (a: Float64Array) => {
    const y = new Float64Array(a.length);
    for (let k = 0; k < a.length; k++) y[k] = a[k] * g[k];
    return y;
  };
  return {
    ...s,
    mid: mul(s.mid),
    side: mul(s.side),
    cross: mul(s.cross),
    left: mul(s.left),
    right: mul(s.right),
  };
}

/** Ratio of K-weighted power (BS.1770) of two spectra in dB: the loudness change a filter makes. */
export function loudnessChangeDb(before: PowerSpectrum, after: PowerSpectrum): number {
  const [a, b] = kWeightingStages(before.sampleRate);
  let p0 = 0;
  let p1 = 0;
  for (let k = 1; k < before.mid.length; k++) {
    const f = k * before.binHz;
    const w =
      (biquadResponse(a, f, before.sampleRate).magnitude *
        biquadResponse(b, f, before.sampleRate).magnitude) **
      2;
    p0 += (before.mid[k] + before.side[k]) * w;
    p1 += (after.mid[k] + after.side[k]) * w;
  }
  return p0 > 0 && p1 > 0 ? 10 * Math.log10(p1 / p0) : 0;
}

/** Integrated loudness (BS.1770-4 gating), LUFS; FLOOR-like −70 for silence. */
export function loudness(channels: readonly Float32Array[], sampleRate: number): number {
  const m = new LoudnessMeter(sampleRate, channels.length);
  m.process(channels, channels[0]?.length ?? 0);
  const r = m.result();
  return Number.isFinite(r.integratedLufs) ? r.integratedLufs : -70;
}

/** Envelope frame for the dynamic features, seconds. */
const FRAME_S = 0.005;

/** Per-frame mean power over all channels. */
function framePowers(channels: readonly Float32Array[], sampleRate: number, frameS: number): Float64Array {
  const f = Math.max(1, Math.round(frameS * sampleRate));
  const len = channels[0]?.length ?? 0;
  const out = new Float64Array(Math.floor(len / f));
  for (let j = 0; j < out.length; j++) {
    let s = 0;
    for (const ch of channels) for (let i = j * f; i < (j + 1) * f; i++) s += ch[i] * ch[i];
    out[j] = s / (f * channels.length);
  }
  return out;
}

/**
 * The dynamic features of a waveform: crest factor (sample peak against the RMS of the active part),
 * attack/sustain ratio (level in the first 10 ms of each onset against 60-150 ms after it, averaged) and
 * short-term dynamics (spread between the 95th and 10th percentile of 400 ms levels, active part).
 */
export function dynamicFeatures(
  channels: readonly Float32Array[],
  sampleRate: number,
): Pick<Features, "crestDb" | "attackSustainDb" | "dynamicsDb"> {
  const p = framePowers(channels, sampleRate, FRAME_S);
  let maxP = 0;
  for (const v of p) if (v > maxP) maxP = v;
  if (maxP <= 1e-12) return { crestDb: 0, attackSustainDb: 0, dynamicsDb: 0 };
  // Active frames: within 40 dB of the loudest 5 ms.
  const gate = maxP * 1e-4;
  let sum = 0;
  let k = 0;
  for (const v of p)
    if (v > gate) {
      sum += v;
      k++;
    }
  let peak = 0;
  for (const ch of channels) for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]));
  const crestDb = 20 * Math.log10(peak) - 10 * Math.log10(sum / k);
  // Onsets: a frame ≥ 6 dB above the quietest of the previous 20 ms, and above the gate.
  const ed = Array.from(p, (v) => 10 * Math.log10(v + 1e-20));
  const ratios: number[] = [];
  let last = -1000;
  for (let i = 4; i + 30 < ed.length; i++) {
    if (p[i] <= gate || i - last < 20) continue;
    let mn = Infinity;
    for (let j = i - 4; j < i; j++) mn = Math.min(mn, ed[j]);
    if (ed[i] - mn < 6) continue;
    let att = -Infinity;
    for (let j = i; j < i + 2; j++) att = Math.max(att, ed[j]);
    let sus = 0;
    for (let j = i + 12; j <= i + 30; j++) sus += p[j];
    ratios.push(att - 10 * Math.log10(sus / 19 + 1e-20));
    last = i;
  }
  const attackSustainDb = ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 0;
  // Short-term dynamics: 400 ms windows every 100 ms.
  const per100 = Math.round(0.1 / FRAME_S);
  const levels: number[] = [];
  for (let s = 0; s + 4 * per100 <= p.length; s += per100) {
    let e = 0;
    for (let j = s; j < s + 4 * per100; j++) e += p[j];
    e /= 4 * per100;
    if (e > gate) levels.push(10 * Math.log10(e));
  }
  levels.sort((a, b) => a - b);
  const q = (x: number) => levels[Math.min(levels.length - 1, Math.floor(x * levels.length))];
  const dynamicsDb = levels.length >= 3 ? q(0.95) - q(0.1) : 0;
  return {
    crestDb: round2(crestDb),
    attackSustainDb: round2(attackSustainDb),
    dynamicsDb: round2(dynamicsDb),
  };
}

/** Everything measured about one target. */
export interface Measurement {
  features: Features;
  spectrum: PowerSpectrum;
}

/**
 * Measures every feature of a target's audio.
 * @param audio the target's stereo (or mono) output, planar, full scale ±1.
 * @param mix the whole mix over the same span (for `levelInMixDb`); the target itself when it is the mix.
 * @param directToReverbDb measured separately from sends and reverb buses (`DRY_DB` when there is none).
 */
export function measureFeatures(
  audio: readonly Float32Array[],
  sampleRate: number,
  mix: readonly Float32Array[],
  directToReverbDb = DRY_DB,
): Measurement {
  const spectrum = powerSpectrum(audio, sampleRate);
  const lufs = loudness(audio, sampleRate);
  const mixLufs = mix === audio ? lufs : loudness(mix, sampleRate);
  const features: Features = {
    ...spectralFeatures(spectrum),
    ...dynamicFeatures(audio, sampleRate),
    directToReverbDb: round2(directToReverbDb),
    levelInMixDb: round2(lufs - mixLufs),
    loudnessLufs: round2(lufs),
    referenceDistanceDb: 0,
  };
  return { features, spectrum };
}

/** Mean-square energy of planar audio (all channels summed). */
export function energy(audio: readonly Float32Array[]): number {
  let s = 0;
  for (const ch of audio) for (let i = 0; i < ch.length; i++) s += ch[i] * ch[i];
  return s;
}

/** Sample RMS of the loudest 10 % of 400 ms windows, dBFS. */
export function loudPartDb(audio: Float32Array[]): number {
  const n = audio[0].length;
  const w = 19200;
  const levels: number[] = [];
  for (let s = 0; s + w <= n; s += w / 4) {
    let e = 0;
    for (const ch of audio) for (let i = s; i < s + w; i++) e += ch[i] * ch[i];
    levels.push(10 * Math.log10(e / (w * audio.length) + 1e-20));
  }
  levels.sort((a, b) => b - a);
  return levels.length ? Math.round(10 * levels[Math.floor(levels.length * 0.1)]) / 10 : -60;
}

/** The loudest `seconds` of planar audio (mean square, 1 s steps), or all of it when shorter. */
export function loudestWindow(audio: Float32Array[], sampleRate: number, seconds: number): Float32Array[] {
  const n = audio[0].length;
  const w = Math.round(seconds * sampleRate);
  if (n <= w) return audio;
  let best = 0;
  let bestE = -1;
  for (let s = 0; s + w <= n; s += sampleRate) {
    let e = 0;
    for (const ch of audio) for (let i = s; i < s + w; i += 4) e += ch[i] * ch[i];
    if (e > bestE) {
      bestE = e;
      best = s;
    }
  }
  return audio.map((c) => c.subarray(best, best + w));
}
