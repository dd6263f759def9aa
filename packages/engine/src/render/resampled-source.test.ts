import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResampledSource } from "./resampled-source.ts";
import { MemorySource } from "./source.ts";

const FROM = 44100;
const TO = 48000;
const F = 997;

function sine(n: number, rate: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * F * i) / rate));
}

/** Largest error against the analytic sine at the output rate over [from, to). */
function maxErr(y: Float32Array, start: number, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++)
    m = Math.max(m, Math.abs(y[i - start] - 0.5 * Math.sin((2 * Math.PI * F * i) / TO)));
  return m;
}

describe("ResampledSource", () => {
  const src = () => new ResampledSource(new MemorySource([sine(2 * FROM, FROM)], FROM), TO);

  it("reports the converted length", () => {
    assert.equal(src().frames, 2 * TO);
  });

  it("streams a sine converted 44.1 → 48 kHz to within -80 dB of the analytic signal", async () => {
    const s = src();
    const y = new Float32Array(s.frames);
    const block = new Float32Array(1000);
    for (let at = 0; at < s.frames; at += 1000) {
      const n = Math.min(1000, s.frames - at);
      await s.read(at, n, [block]);
      y.set(block.subarray(0, n), at);
    }
    // Away from the abrupt start and end of the source.
    assert.ok(maxErr(y, 0, 2000, s.frames - 2000) < 1e-4);
  });

  it("reads at any position after a jump with the same accuracy, and zero outside the source", async () => {
    const s = src();
    const y = new Float32Array(3000);
    await s.read(50_000, 3000, [y]);
    assert.ok(maxErr(y, 50_000, 50_000, 53_000) < 1e-4);
    await s.read(10_000, 3000, [y]); // backwards
    assert.ok(maxErr(y, 10_000, 10_000, 13_000) < 1e-4);
    await s.read(s.frames - 10, 20, [y]);
    for (let i = 10; i < 20; i++) assert.equal(y[i], 0);
  });
});
