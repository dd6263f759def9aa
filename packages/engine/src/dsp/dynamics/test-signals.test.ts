/**
 * Shared helpers for the dynamics tests: steady tones, levels, decoding corpus audio with ffmpeg, and an
 * independent true-peak meter (8× polyphase windowed-sinc interpolator, 64 taps per phase) that shares no
 * code with the limiter's detector. Lives in a `.test.ts` file because it uses Node built-ins.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { hasCorpus } from "../../../../../scripts/test-corpus.ts";

import type { Processor, ProcessorJSON } from "../../core/processor.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  renderBlocks,
} from "../space/harness.test.ts";

export { CORPUS } from "../../../../../scripts/test-corpus.ts";
export {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
  sine,
  timesRealTime,
} from "../space/harness.test.ts";

/** Decodes an audio file to planar float32 channels with ffmpeg (stereo). */
export function decodeStereo(file: string): Float32Array[] {
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "f32le", "-ac", "2", "-"], {
    maxBuffer: 1 << 30,
  });
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const n = all.length / 2;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = all[2 * i];
    r[i] = all[2 * i + 1];
  }
  return [l, r];
}

/** True when the corpus file is there (see scripts/test-corpus.ts). */
export function corpusAvailable(file: string): boolean {
  return hasCorpus(file);
}

/** RMS level in dB of x[start … end). */
export function rmsDb(x: Float32Array, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / (end - start));
}

/** Constant signal. */
export function constant(n: number, v: number): Float32Array {
  return new Float32Array(n).fill(v);
}

/** Every sample finite. */
export function assertFinite(chs: Float32Array[], what: string): void {
  for (const [c, x] of chs.entries())
    for (let i = 0; i < x.length; i++)
      if (!Number.isFinite(x[i])) assert.fail(`${what}: ch ${c}[${i}] = ${x[i]}`);
}

/** Garbage input: ±1e30 and zeros in turn (every third sample), `n` samples. */
export function garbage(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 3 === 0 ? 1e30 : i % 3 === 1 ? -1e30 : 0;
  return x;
}

/**
 * What every dynamics processor made by `make(opts)` must do on `input`: the same output, bit-exact, whole
 * and in blocks of 1, 13, 128 and 4096 samples (and the harness's mixed sizes); bypass nulls; in place gives
 * the same; toJSON → `make` round-trips.
 */
export function assertProcessorBasics<P>(
  make: (params: P) => Processor,
  opts: P,
  input: Float32Array[],
): void {
  const a = renderBlocks(make(opts), input, [input[0].length]);
  for (const sizes of [[1], [13], [128], [4096]]) {
    assert.deepEqual(renderBlocks(make(opts), input, sizes), a, `blocks of ${sizes}`);
  }
  assertBlockIndependent(() => make(opts), input);
  assertBypassNull(make(opts), input);
  assertInPlace(() => make(opts), input);
  assertJsonRoundTrip(make(opts), (j: ProcessorJSON) => make(j as unknown as P), input);
}

/**
 * Independent true-peak meter: 8× oversampling with a Blackman-windowed sinc of 64 taps per phase (odd
 * 511-tap prototype, so one phase is the samples themselves), then at every local extreme of the 8× grid the
 * vertex of the parabola through it and its two neighbours (a different refinement from the limiter's
 * sinusoid fit; on an 8× grid it reads a 20 kHz sine within 0.001 dB). Returns the peak |value| as dBFS over
 * the waveform between samples `from` and `to` (the whole signal feeds the filter, so no edge is invented).
 */
export function truePeakDb8x(chs: Float32Array[], from = 0, to = chs[0].length): number {
  const L = 8;
  const taps = 64;
  const len = L * taps - 1;
  const mid = (len - 1) / 2;
  const h = new Float64Array(L * taps);
  for (let k = 0; k < len; k++) {
    const t = (k - mid) / L;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const w =
      0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (len - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (len - 1));
    h[k] = sinc * w;
  }
  // Phase p: y[n·L + p] = Σ_j h[j·L + p] x[n − j], at time n − mid/L + p/L; each phase normalised to unity DC gain.
  const phases: Float64Array[] = [];
  for (let p = 0; p < L; p++) {
    const ph = new Float64Array(taps);
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      ph[j] = h[j * L + p];
      sum += ph[j];
    }
    for (let j = 0; j < taps; j++) ph[j] /= sum;
    phases.push(ph);
  }
  const delay = mid / L;
  let peak = 0;
  for (const x of chs) {
    const n = x.length;
    // Grid values for times in [from − 1, to + 1] (a margin for the neighbours of the end points).
    const lo = Math.max(0, Math.floor(from - 1 + delay));
    const hi = Math.min(n + taps, Math.ceil(to + 1 + delay));
    const u = new Float64Array((hi - lo) * L);
    for (let i = lo; i < hi; i++) {
      for (let p = 0; p < L; p++) {
        const ph = phases[p];
        let acc = 0;
        const j0 = Math.max(0, i - n + 1);
        const j1 = Math.min(taps, i + 1);
        for (let j = j0; j < j1; j++) acc += ph[j] * x[i - j];
        u[(i - lo) * L + p] = acc;
      }
    }
    for (let m = 1; m < u.length - 1; m++) {
      const t = lo + m / L - delay;
      if (t < from || t >= to) continue;
      const b = Math.abs(u[m]);
      if (b > peak) peak = b;
      const s = u[m] < 0 ? -1 : 1;
      const a = s * u[m - 1];
      const c = s * u[m + 1];
      const bb = s * u[m];
      const curv = 2 * bb - a - c;
      if (bb >= a && bb >= c && curv > 0) {
        const v = bb + ((c - a) * (c - a)) / (8 * curv);
        if (v > peak) peak = v;
      }
    }
  }
  return 20 * Math.log10(peak);
}

test("meter: reads a sine's true peak between samples (fs/4 at 45°, and 19 kHz) within 0.001 dB", () => {
  // fs/4 at 45°: samples are ±0.7071·A, the waveform peaks at A between them.
  const n = 4800;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((Math.PI / 2) * i + Math.PI / 4);
  // The abrupt start and end ring (Gibbs); the interior is measured.
  const tp = truePeakDb8x([x], 200, n - 200);
  assert.ok(Math.abs(tp - 20 * Math.log10(0.5)) < 0.001, `${tp}`);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.5 * Math.sin((2 * Math.PI * 19000 * i) / 48000 + 0.1);
  const t19 = truePeakDb8x([y], 200, n - 200);
  assert.ok(Math.abs(t19 - 20 * Math.log10(0.5)) < 0.001, `19 kHz: ${t19}`);
});
