/**
 * npm run bench:denoise-limits — how far the denoiser is from what any spectral gain could do, and whether the
 * corpus noise take is typical. On the corpus voice with white hiss 20 dB under it (takes/vox-noise.flac) it
 * measures the SNR gain of `denoise` at the 12 and 20 dB amounts against gains that know the answer:
 *  - the ideal ratio mask with the actual noise, |S|²/(|S|² + |N|²) (the "oracle Wiener" the README quoted);
 *  - the Wiener gain with the true speech power and only the noise's average power spectrum λ, ξ/(1+ξ),
 *    ξ = |S|²/λ — the most any gain can do that, like ours, does not know the noise's instantaneous values;
 *  - the same with the true speech power averaged over 3 frames, 3 bins, or both — about what a gain built
 *    from a (lightly) smoothed speech-power estimate can do;
 *  - the ideal amplitude mask |S|/|X| and the phase-sensitive mask Re(S/X) (both need the clean take);
 *  - the best gain that is any function of our own a-priori SNR ξ̂ and the a-posteriori SNR γ: a table over
 *    (ξ̂, γ) in 3.5 dB cells fitted to the clean take itself (so: optimistic), which says how much a different
 *    gain rule, rather than a better ξ̂, could add.
 * Then on other material (song1 stems: the vocal's chorus, the flute and the electric piano with a second of
 * silence before them as a lead-in), white and pink Gaussian noise (seeded) at 10, 20 and 30 dB under the
 * material (RMS over the 20 ms frames above −50 dBFS, the corpus's definition): ours against the Wiener gain
 * with the true speech power. Every gain is floored at −amount dB. Prints Markdown; asserts nothing.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { snrDb } from "../packages/engine/src/analysis/signal-to-noise.ts";
import { FFT } from "../packages/engine/src/core/fft.ts";
import {
  denoise,
  logSpectralAmplitudeGain,
  TemporalCepstrumSmoother,
} from "../packages/engine/src/repair/denoise.ts";
import { readWholeFile } from "../packages/node/src/files/open.ts";
import { corpus, fmt } from "./lib.ts";

const R = 48000;
const SIZE = 2048;
const HOP = SIZE / 4;
const BINS = SIZE / 2 + 1;

if (!existsSync(join(corpus, "takes", "clean-vox.flac"))) {
  console.error(`the corpus is not here (${corpus}); see ../shared/corpus/README.md`);
  process.exit(2);
}

/** The denoiser's STFT: √Hann, hop ¼, frames from −(size − hop); each frame's bins 0 … size/2. */
function stft(x: Float32Array | Float64Array): { re: Float64Array[]; im: Float64Array[] } {
  const fft = new FFT(SIZE);
  const win = sqrtHann();
  const first = -(SIZE - HOP);
  const frames = Math.ceil((x.length - first) / HOP);
  const re: Float64Array[] = [];
  const im: Float64Array[] = [];
  const fr = new Float64Array(SIZE);
  const fi = new Float64Array(SIZE);
  for (let f = 0; f < frames; f++) {
    const s = first + f * HOP;
    for (let i = 0; i < SIZE; i++) {
      const j = s + i;
      fr[i] = j >= 0 && j < x.length ? x[j] * win[i] : 0;
      fi[i] = 0;
    }
    fft.forward(fr, fi);
    re.push(fr.slice(0, BINS));
    im.push(fi.slice(0, BINS));
  }
  return { re, im };
}

function istft(re: Float64Array[], im: Float64Array[], n: number): Float64Array {
  const fft = new FFT(SIZE);
  const win = sqrtHann();
  const first = -(SIZE - HOP);
  const out = new Float64Array(n);
  const fr = new Float64Array(SIZE);
  const fi = new Float64Array(SIZE);
  for (let f = 0; f < re.length; f++) {
    for (let k = 0; k < BINS; k++) {
      fr[k] = re[f][k];
      fi[k] = im[f][k];
      if (k > 0 && k < BINS - 1) {
        fr[SIZE - k] = re[f][k];
        fi[SIZE - k] = -im[f][k];
      }
    }
    fft.inverse(fr, fi);
    const s = first + f * HOP;
    for (let i = 0; i < SIZE; i++) {
      const j = s + i;
      if (j >= 0 && j < n) out[j] += (fr[i] * win[i]) / 2;
    }
  }
  return out;
}

function sqrtHann(): Float64Array {
  const w = new Float64Array(SIZE);
  for (let i = 0; i < SIZE; i++) w[i] = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SIZE));
  return w;
}

type Spec = { re: Float64Array[]; im: Float64Array[] };
/** A gain per frame and bin from the clean, noise and noisy spectra at (f, k), floored at gMin. */
type Mask = (f: number, k: number) => number;

function applyMask(X: Spec, n: number, mask: Mask, gMin: number): Float64Array {
  const re = X.re.map((r, f) => r.map((v, k) => v * Math.max(gMin, mask(f, k))));
  const im = X.im.map((r, f) => r.map((v, k) => v * Math.max(gMin, mask(f, k))));
  return istft(re, im, n);
}

const pow = (s: Spec, f: number, k: number) => s.re[f][k] ** 2 + s.im[f][k] ** 2;

/** Average power spectrum over all frames. */
function meanPower(s: Spec): Float64Array {
  const p = new Float64Array(BINS);
  for (let f = 0; f < s.re.length; f++) for (let k = 0; k < BINS; k++) p[k] += pow(s, f, k) / s.re.length;
  return p;
}

/** ξ̂ per frame and bin as the denoiser makes it (cepstral smoothing, then [1 2 1]/4 over bins). */
function ourXi(X: Spec, lambda: Float64Array): { xi: Float64Array[]; gamma: Float64Array[] } {
  const smoother = new TemporalCepstrumSmoother(SIZE, R);
  const xi: Float64Array[] = [];
  const gamma: Float64Array[] = [];
  const raw = new Float64Array(BINS);
  for (let f = 0; f < X.re.length; f++) {
    const g = new Float64Array(BINS);
    for (let k = 0; k < BINS; k++) g[k] = pow(X, f, k) / lambda[k];
    smoother.estimate(g, lambda, raw);
    const s = new Float64Array(BINS);
    for (let k = 0; k < BINS; k++)
      s[k] = k > 0 && k < BINS - 1 ? (raw[k - 1] + 2 * raw[k] + raw[k + 1]) / 4 : raw[k];
    xi.push(s);
    gamma.push(g);
  }
  return { xi, gamma };
}

/** The MSE-optimal gain per (ξ̂, γ) cell, fitted with the clean spectrum: Σ Re(S·X*) / Σ |X|². */
function bestTableMask(X: Spec, S: Spec, xi: Float64Array[], gamma: Float64Array[]): Mask {
  const CELLS = 20;
  const cell = (v: number) =>
    Math.min(CELLS - 1, Math.max(0, Math.floor(((10 * Math.log10(Math.max(v, 1e-6)) + 30) / 70) * CELLS)));
  const num = new Float64Array(CELLS * CELLS);
  const den = new Float64Array(CELLS * CELLS);
  const at = (f: number, k: number) => cell(xi[f][k]) * CELLS + cell(gamma[f][k]);
  for (let f = 0; f < X.re.length; f++) {
    for (let k = 0; k < BINS; k++) {
      const c = at(f, k);
      num[c] += S.re[f][k] * X.re[f][k] + S.im[f][k] * X.im[f][k];
      den[c] += pow(X, f, k);
    }
  }
  return (f, k) => {
    const c = at(f, k);
    return den[c] > 0 ? Math.min(1, num[c] / den[c]) : 1;
  };
}

/** P averaged over frames f ± tf and bins k ± tk (edges repeated). */
function smoothed(
  P: (f: number, k: number) => number,
  frames: number,
  tf: number,
  tk: number,
): Float64Array[] {
  const out: Float64Array[] = [];
  for (let f = 0; f < frames; f++) {
    const row = new Float64Array(BINS);
    for (let k = 0; k < BINS; k++) {
      let s = 0;
      for (let df = -tf; df <= tf; df++)
        for (let dk = -tk; dk <= tk; dk++)
          s += P(Math.min(frames - 1, Math.max(0, f + df)), Math.min(BINS - 1, Math.max(0, k + dk)));
      row[k] = s / ((2 * tf + 1) * (2 * tk + 1));
    }
    out.push(row);
  }
  return out;
}

async function mono(path: string, from: number, seconds: number): Promise<Float32Array> {
  const { channels } = await readWholeFile(path, { maxFrames: 64 * R });
  return channels[0].slice(from * R, (from + seconds) * R);
}

// --- the corpus take against the oracles ---
const clean = await mono(join(corpus, "takes", "clean-vox.flac"), 0, 10);
const noisy = await mono(join(corpus, "takes", "vox-noise.flac"), 0, 10);
const n = clean.length;
const before = snrDb(clean, noisy);
const X = stft(noisy);
const S = stft(clean);
const N = stft(noisy.map((v, i) => v - clean[i]));
const lambda = meanPower(N);
const frames = X.re.length;
const { xi, gamma } = ourXi(X, lambda);
const trueXi = (f: number, k: number) => pow(S, f, k) / lambda[k];
const trueXi3 = smoothed(trueXi, frames, 1, 1);
const trueXiT = smoothed(trueXi, frames, 1, 0);
const trueXiF = smoothed(trueXi, frames, 0, 1);
const masks: [string, Mask][] = [
  [
    "ideal ratio mask S²/(S²+N²) (knows the noise's values)",
    (f, k) => pow(S, f, k) / (pow(S, f, k) + pow(N, f, k) || 1),
  ],
  [
    "ideal amplitude mask S/X (magnitudes)",
    (f, k) => Math.min(1, Math.sqrt(pow(S, f, k) / (pow(X, f, k) || 1e-30))),
  ],
  [
    "phase-sensitive mask Re(S/X)",
    (f, k) => Math.min(1, (S.re[f][k] * X.re[f][k] + S.im[f][k] * X.im[f][k]) / (pow(X, f, k) || 1e-30)),
  ],
  ["Wiener, true speech power, noise spectrum only", (f, k) => trueXi(f, k) / (1 + trueXi(f, k))],
  ["Wiener, true speech power averaged over 3 frames", (f, k) => trueXiT[f][k] / (1 + trueXiT[f][k])],
  ["Wiener, true speech power averaged over 3 bins", (f, k) => trueXiF[f][k] / (1 + trueXiF[f][k])],
  ["Wiener, true speech power averaged 3 frames × 3 bins", (f, k) => trueXi3[f][k] / (1 + trueXi3[f][k])],
  [
    "LSA two-step on the true speech power averaged 3 × 3",
    (f, k) => {
      const w = trueXi3[f][k] / (1 + trueXi3[f][k]);
      return logSpectralAmplitudeGain(w * w * gamma[f][k], gamma[f][k]);
    },
  ],
  ["best gain of (our ξ̂, γ), fitted to the clean take", bestTableMask(X, S, xi, gamma)],
];
console.log(
  `\n**vox-noise.flac** (input SNR ${fmt(before)} dB), SNR gain in dB at the 12 and 20 dB amounts\n`,
);
console.log("| gain | at 12 dB | at 20 dB |\n|---|---|---|");
const ours = [12, 20].map((a) => snrDb(clean, denoise(noisy, R, { amountDb: a }).output) - before);
console.log(`| ours (\`denoise\`) | +${fmt(ours[0])} | +${fmt(ours[1])} |`);
for (const [label, mask] of masks) {
  const g = [12, 20].map((a) => snrDb(clean, applyMask(X, n, mask, 10 ** (-a / 20))) - before);
  console.log(`| ${label} | +${fmt(g[0])} | +${fmt(g[1])} |`);
}

// --- other material, white and pink noise ---
/** Seeded Gaussian noise (mulberry32 + Box–Muller), so every run adds the same noise. */
function gaussian(length: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++)
    out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** Pink (−3 dB per octave) from 20 Hz up, flat below: white noise shaped in one long FFT. */
function pink(length: number, seed: number): Float64Array {
  let size = 1;
  while (size < length) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(gaussian(length, seed));
  const fft = new FFT(size);
  fft.forward(re, im);
  for (let k = 0; k <= size / 2; k++) {
    const w = 1 / Math.sqrt(Math.max((k * R) / size, 20) / 1000);
    re[k] *= w;
    im[k] *= w;
    if (k > 0 && k < size / 2) {
      re[size - k] *= w;
      im[size - k] *= w;
    }
  }
  fft.inverse(re, im);
  return re.slice(0, length);
}

/** RMS over the 20 ms frames louder than −50 dBFS (the corpus's SNR definition). */
function activeRms(x: ArrayLike<number>): number {
  const F = R / 50;
  let s = 0;
  let m = 0;
  for (let f = 0; (f + 1) * F <= x.length; f++) {
    let e = 0;
    for (let i = f * F; i < (f + 1) * F; i++) e += x[i] * x[i];
    if (e / F > 1e-5) {
      s += e;
      m += F;
    }
  }
  return Math.sqrt(s / m);
}

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
}

const leadIn = (x: Float32Array) => {
  const y = new Float32Array(R + x.length);
  y.set(x, R);
  return y;
};
const song = join(corpus, "song1");
const material: [string, Float32Array][] = [
  ["vocal 32–42 s (chorus)", await mono(join(song, "vox.flac"), 32, 10)],
  ["flute 32–41 s after 1 s of silence", leadIn(await mono(join(song, "lead.flac"), 32, 9))],
  ["electric piano (left) 16–25 s after 1 s of silence", leadIn(await mono(join(song, "keys.flac"), 16, 9))],
];
console.log(
  "\n**Other material**, SNR gain in dB: ours at 12 / 20 dB, and the Wiener gain with the true power at 12 / 20 dB\n",
);
console.log(
  "| material | noise | under the material | input SNR | ours 12 | ours 20 | true-power Wiener 12 | 20 |",
);
console.log("|---|---|---|---|---|---|---|---|");
let seed = 20261207;
for (const [label, c] of material) {
  for (const kind of ["white", "pink"] as const) {
    const shape = kind === "white" ? gaussian(c.length, seed++) : pink(c.length, seed++);
    const unit = rms(shape);
    for (const under of [10, 20, 30]) {
      const k = activeRms(c) / 10 ** (under / 20) / unit;
      const x = c.map((v, i) => v + k * shape[i]);
      const b = snrDb(c, x);
      const row = [12, 20].map((a) => snrDb(c, denoise(x, R, { amountDb: a }).output) - b);
      const Xm = stft(x);
      const Sm = stft(c);
      const lam = meanPower(stft(x.map((v, i) => v - c[i])));
      for (const a of [12, 20]) {
        const wiener: Mask = (f, kk) => {
          const t = pow(Sm, f, kk) / lam[kk];
          return t / (1 + t);
        };
        row.push(snrDb(c, applyMask(Xm, x.length, wiener, 10 ** (-a / 20))) - b);
      }
      console.log(
        `| ${label} | ${kind} | ${under} dB | ${fmt(b)} | ${row.map((v) => `+${fmt(v)}`).join(" | ")} |`,
      );
    }
  }
}
