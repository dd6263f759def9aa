import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertFinite,
  assertProcessorBasics,
  garbage,
  noise,
  renderBlocks,
  rmsDb,
  sine,
} from "./test-signals.test.ts";
import { TransientShaper } from "./transient.ts";

const fs = 48000;
const mono = { sampleRate: fs, channels: 1 };
const stereo = { sampleRate: fs, channels: 2 };
const HIT = fs / 2;

/** Four drum-like hits: noise with an instant onset and an 80 ms exponential decay, every 0.5 s. */
function hits(): Float32Array {
  const x = noise(4 * HIT, 11, 0.5);
  for (let i = 0; i < x.length; i++) x[i] *= Math.exp(-(i % HIT) / (0.08 * fs));
  return x;
}

/** Gain in dB of y over x in [from, to) ms after each onset, averaged (as power) over the last three hits. */
function gainAt(x: Float32Array, y: Float32Array, fromMs: number, toMs: number): number {
  let px = 0;
  let py = 0;
  for (let h = 1; h < 4; h++) {
    const a = h * HIT + Math.round((fromMs / 1000) * fs);
    const b = h * HIT + Math.round((toMs / 1000) * fs);
    for (let i = a; i < b; i++) {
      px += x[i] * x[i];
      py += y[i] * y[i];
    }
  }
  return 10 * Math.log10(py / px);
}

describe("transient shaper", () => {
  test("attackDb acts on the onset only, sustainDb on the tail only", () => {
    const x = hits();
    for (const amt of [6, -6]) {
      const [a] = renderBlocks(new TransientShaper(mono, { attackDb: amt }), [x], [512]);
      // From 0.5 ms the attack gap exceeds 6 dB: the full amount.
      const onset = gainAt(x, a, 0.5, 3);
      assert.ok(Math.abs(onset - amt) < 0.5, `attack ${amt}: onset ${onset} dB`);
      const tail = gainAt(x, a, 150, 250);
      assert.ok(Math.abs(tail) < 0.1, `attack ${amt}: tail ${tail} dB`);
      const [s] = renderBlocks(new TransientShaper(mono, { sustainDb: amt }), [x], [512]);
      const sOnset = gainAt(x, s, 0.5, 3);
      assert.ok(Math.abs(sOnset) < 0.1, `sustain ${amt}: onset ${sOnset} dB`);
      // 150 ms into an 80 ms decay the sustain gap is well past 6 dB: the full amount.
      const sTail = gainAt(x, s, 150, 250);
      assert.ok(Math.abs(sTail - amt) < 0.1, `sustain ${amt}: tail ${sTail} dB`);
    }
  });

  test("steady tones come out at their level (±0.1 dB), whatever the settings", () => {
    for (const f of [120, 1000, 8000]) {
      const x = sine(fs, f, fs, 0.3);
      const [y] = renderBlocks(new TransientShaper(mono, { attackDb: 12, sustainDb: -12 }), [x], [512]);
      const d = rmsDb(y, fs / 2, fs) - rmsDb(x, fs / 2, fs);
      assert.ok(Math.abs(d) < 0.1, `${f} Hz: ${d} dB`);
    }
  });

  test("0/0 is the identity; silence and garbage; block sizes; bypass; JSON; errors", () => {
    const x = hits();
    const [same] = renderBlocks(new TransientShaper(mono), [x], [512]);
    assert.deepEqual(same, x);
    const z = renderBlocks(
      new TransientShaper(stereo, { attackDb: 10, sustainDb: 10 }),
      [new Float32Array(fs), new Float32Array(fs)],
      [480],
    );
    for (const c of z) for (const v of c) assert.equal(v, 0);
    assertFinite(
      renderBlocks(
        new TransientShaper(stereo, { attackDb: 24, sustainDb: 24 }),
        [garbage(4800), noise(4800, 3)],
        [256],
      ),
      "garbage",
    );
    const input = [x.subarray(0, 30000), noise(30000, 2, 0.05)];
    const opts = { attackDb: 5, sustainDb: -4 };
    assertProcessorBasics((p) => new TransientShaper(stereo, p), opts, input);
    assert.throws(
      () => new TransientShaper(stereo, { attackDb: 30 }),
      /transient\.attackDb: must be between -24 and 24 dB, got 30/,
    );
  });
});
