/**
 * The true-peak meter's fast paths (chunk pruning, the WebAssembly kernel) against a plain, unpruned
 * polyphase interpolation written out here: the readings must be the same to the last bit on material
 * where pruning cannot help (full-scale noise, a sine sweep, a brick-wall limited signal) and where it can.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TruePeakMeter, truePeakFilter, truePeakOversampling } from "./true-peak.ts";

/** Max |x| and |interpolated| over the whole signal, tap 0 first, in doubles: the definition. */
function reference(x: Float32Array, sampleRate: number): number {
  const factor = truePeakOversampling(sampleRate);
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (factor === 1) return peak;
  for (const h of truePeakFilter(factor)) {
    for (let n = 0; n < x.length; n++) {
      let y = 0;
      for (let j = 0; j < h.length; j++) y += h[j] * (n - j >= 0 ? x[n - j] : 0);
      const a = Math.abs(y);
      if (a > peak) peak = a;
    }
  }
  return peak;
}

function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
}

/** Test signals: each stresses the pruning differently. */
function signals(sampleRate: number, n: number): Record<string, Float32Array> {
  const rnd = random(11);
  const white = new Float32Array(n);
  for (let i = 0; i < n; i++) white[i] = rnd() * 1.4;
  const sweep = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * 20 * 1000 ** (i / n)) / sampleRate;
    sweep[i] = 0.89 * Math.sin(phase);
  }
  // Loud noise hard-limited at 0.94: most chunks sit at the ceiling.
  const limited = new Float32Array(n);
  for (let i = 0; i < n; i++) limited[i] = Math.max(-0.94, Math.min(0.94, rnd() * 3));
  // Quiet noise with rare loud bursts: pruning skips most of it.
  const bursts = new Float32Array(n);
  for (let i = 0; i < n; i++) bursts[i] = rnd() * (i % 9600 < 400 ? 1.6 : 0.2);
  return { white, sweep, limited, bursts };
}

function meterPeaks(
  chans: Float32Array[],
  sampleRate: number,
  block: number,
  wasm: boolean,
): { peaks: number[]; kernel: boolean } {
  const m = new TruePeakMeter(sampleRate, chans.length, { wasm });
  const n = chans[0].length;
  for (let i = 0; i < n; i += block) {
    const f = Math.min(block, n - i);
    m.process(
      chans.map((c) => c.subarray(i, i + f)),
      f,
    );
  }
  const kernel = (m as unknown as { kernels: unknown[] | null }).kernels !== null;
  return { peaks: m.channelPeaks, kernel };
}

describe("true-peak meter: fast paths equal the plain interpolation to the last bit", () => {
  for (const rate of [44100, 48000, 96000, 192000]) {
    it(`${rate} Hz: white noise, sweep, limited, bursts; blocks of 7, 1000 and 70 001 frames`, () => {
      const n = rate === 192000 ? 40000 : 75000;
      const sig = signals(rate, n);
      const names = Object.keys(sig);
      const chans = names.map((k) => sig[k]);
      const want = chans.map((x) => reference(x, rate));
      for (const block of [7, 1000, 70001]) {
        for (const wasm of [true, false]) {
          const got = meterPeaks(chans, rate, block, wasm);
          // Node has WebAssembly SIMD: the kernel must be the path under test there.
          if (wasm && rate < 192000) assert.ok(got.kernel, "the WebAssembly kernel is in use");
          for (let c = 0; c < chans.length; c++)
            assert.equal(got.peaks[c], want[c], `${names[c]}, block ${block}, wasm ${wasm}`);
        }
      }
      // Below 192 kHz the dense signals read above their sample peaks (interpolation did run).
      if (rate < 192000) assert.ok(want[0] > 0.7 && want[2] > 0.94);
    });
  }
});
