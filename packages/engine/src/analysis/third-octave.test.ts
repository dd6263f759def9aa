/**
 * The long-term 1/3-octave analyzer: a sine reads −3.01 dB in its band at every rate, including rates whose
 * default hop (1 s) is shorter than a frame (8 kHz), where frames overlap; and fed in any block size it
 * reads the same.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ThirdOctaveAnalyzer } from "./third-octave.ts";

function sine(rate: number, hz: number, seconds: number, amp = 1): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

function analyse(rate: number, x: Float32Array, block: number, hopSeconds?: number) {
  const a = new ThirdOctaveAnalyzer(rate, 1, hopSeconds);
  for (let i = 0; i < x.length; i += block) {
    const n = Math.min(block, x.length - i);
    a.process([x.subarray(i, i + n)], n);
  }
  return a.bands();
}

describe("1/3-octave band levels", () => {
  for (const rate of [8000, 11025, 48000, 96000]) {
    it(`a full-scale 1 kHz sine reads −3.01 dB in the 1 kHz band at ${rate} Hz, in any block size`, () => {
      const x = sine(rate, 1000, 5);
      const ref = analyse(rate, x, 4096);
      const band = ref.find((b) => b.centerHz === 1000);
      assert.ok(band && Math.abs(band.levelDb - -3.01) < 0.05, `${band?.levelDb} dB`);
      for (const b of ref)
        if (Math.abs(b.centerHz - 1000) > 300) assert.ok(b.levelDb < -40, `${b.centerHz} Hz`);
      for (const block of [1, 100, 8191, 8192, 20000])
        assert.deepEqual(analyse(rate, x, block), ref, `block ${block}`);
    });
  }

  it("a hop shorter than a frame overlaps frames instead of stalling", () => {
    const x = sine(48000, 1000, 2);
    const bands = analyse(48000, x, 4096, 0.05);
    const band = bands.find((b) => b.centerHz === 1000);
    assert.ok(band && Math.abs(band.levelDb - -3.01) < 0.05, `${band?.levelDb} dB`);
  });
});
