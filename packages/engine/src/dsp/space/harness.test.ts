/**
 * Shared checks for the space and colour processors' tests: block-size independence, exact bypass,
 * JSON round trip, spectra. Lives in a `.test.ts` file because it uses node:assert.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FFT } from "../../core/fft.ts";
import type { Processor, ProcessorJSON } from "../../core/processor.ts";

/** Deterministic noise in [−1, 1) (xorshift32), so tests are reproducible. */
export function noise(n: number, seed = 1, amp = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    x[i] = amp * (s / 2147483648 - 1);
  }
  return x;
}

/** Runs `input` through `p` cutting it into blocks of the given sizes (cycled); returns the output. */
export function renderBlocks(p: Processor, input: Float32Array[], sizes: number[]): Float32Array[] {
  const n = input[0].length;
  const out = Array.from({ length: p.outputChannels }, () => new Float32Array(n));
  let pos = 0;
  let k = 0;
  while (pos < n) {
    const len = Math.min(sizes[k++ % sizes.length], n - pos);
    p.process(
      input.map((c) => c.subarray(pos, pos + len)),
      out.map((c) => c.subarray(pos, pos + len)),
      len,
    );
    pos += len;
  }
  return out;
}

/** Output must not depend on how the input is cut into blocks (bit-exact). */
export function assertBlockIndependent(make: () => Processor, input: Float32Array[]): void {
  const a = renderBlocks(make(), input, [input[0].length]);
  const b = renderBlocks(make(), input, [1, 7, 128, 333, 2, 1000, 64]);
  for (let c = 0; c < a.length; c++) {
    for (let i = 0; i < a[c].length; i++) {
      if (a[c][i] !== b[c][i]) assert.fail(`channel ${c} sample ${i}: ${a[c][i]} vs ${b[c][i]}`);
    }
  }
}

/** Processing in place (output arrays = input arrays, extra outputs fresh) gives the same result. */
export function assertInPlace(make: () => Processor, input: Float32Array[]): void {
  const want = renderBlocks(make(), input, [300, 77]);
  const p = make();
  const bufs = input.map((c) => c.slice());
  while (bufs.length < p.outputChannels) bufs.push(new Float32Array(input[0].length));
  let pos = 0;
  let k = 0;
  const sizes = [300, 77];
  const n = input[0].length;
  while (pos < n) {
    const len = Math.min(sizes[k++ % 2], n - pos);
    const views = bufs.map((c) => c.subarray(pos, pos + len));
    p.process(views.slice(0, input.length), views, len);
    pos += len;
  }
  for (let c = 0; c < want.length; c++) assert.deepEqual(bufs[c], want[c], `in place, channel ${c}`);
}

/** Bypassed output equals the input delayed by `latency`, bit-exact (mono input feeds every output). */
export function assertBypassNull(p: Processor, input: Float32Array[]): void {
  p.setBypass(true, true);
  const out = renderBlocks(p, input, [256, 100]);
  const lat = p.latency;
  for (let c = 0; c < out.length; c++) {
    const x = input[Math.min(c, input.length - 1)];
    for (let i = 0; i < out[c].length; i++) {
      const want = i < lat ? 0 : x[i - lat];
      if (out[c][i] !== want) assert.fail(`bypass channel ${c} sample ${i}: ${out[c][i]} vs ${want}`);
    }
  }
}

/** toJSON → re-create → same JSON and the same output. */
export function assertJsonRoundTrip(
  p: Processor,
  make: (json: ProcessorJSON) => Processor,
  input: Float32Array[],
): void {
  const json = JSON.parse(JSON.stringify(p.toJSON())) as ProcessorJSON;
  const q = make(json);
  assert.deepEqual(q.toJSON(), p.toJSON());
  const a = renderBlocks(p, input, [512]);
  const b = renderBlocks(q, input, [512]);
  assert.deepEqual(a, b);
}

/** Power spectrum (|X|², no window) of `n` samples of x from `start`; n a power of two. */
export function powerSpectrum(x: Float32Array, start: number, n: number): Float64Array {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = x[start + i];
  new FFT(n).forward(re, im);
  const p = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) p[k] = re[k] * re[k] + im[k] * im[k];
  return p;
}

/** Sine of `freq` Hz at `amp` peak, `n` samples. */
export function sine(n: number, freq: number, fs: number, amp = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / fs);
  return x;
}

/**
 * Throughput of `p` as a multiple of real time: stereo noise at `amp` peak in 512-frame blocks at 48 kHz,
 * `seconds` of audio after a 200-block warm-up, best of three runs — the machine is shared, the fastest run
 * is the least disturbed one. `p` must be a stereo 48 kHz processor.
 */
export function timesRealTime(p: Processor, seconds: number, amp = 0.5): number {
  const fs = 48000;
  const block = 512;
  const input = [noise(block, 1, amp), noise(block, 2, amp)];
  const out = [new Float32Array(block), new Float32Array(block)];
  const blocks = Math.ceil((seconds * fs) / block);
  for (let b = 0; b < 200; b++) p.process(input, out, block);
  let best = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let b = 0; b < blocks; b++) p.process(input, out, block);
    best = Math.max(best, (blocks * block * 1000) / fs / (performance.now() - t0));
  }
  return best;
}

test("harness: noise is deterministic and in range", () => {
  const a = noise(1000, 7);
  assert.deepEqual(a, noise(1000, 7));
  for (const v of a) assert.ok(v >= -1 && v < 1);
});
