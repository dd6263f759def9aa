import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Gate } from "./gate.ts";
import {
  assertFinite,
  assertProcessorBasics,
  garbage,
  noise,
  renderBlocks,
  sine,
} from "./test-signals.test.ts";

const fs = 48000;
const mono = { sampleRate: fs, channels: 1 };
const stereo = { sampleRate: fs, channels: 2 };

/** DC segments: [level in dBFS, seconds]. Returns the signal and the start sample of each segment. */
function steps(segments: [number, number][]): { x: Float32Array; starts: number[] } {
  const n = segments.reduce((s, [, t]) => s + Math.round(t * fs), 0);
  const x = new Float32Array(n);
  const starts: number[] = [];
  let pos = 0;
  for (const [db, t] of segments) {
    starts.push(pos);
    const len = Math.round(t * fs);
    x.fill(10 ** (db / 20), pos, pos + len);
    pos += len;
  }
  return { x, starts };
}

describe("gate", () => {
  test("opens in attackMs, holds for holdMs after the level falls, closes in releaseMs (measured)", () => {
    const attackMs = 1;
    const holdMs = 20;
    const releaseMs = 50;
    const g = new Gate(mono, {
      thresholdDb: -40,
      hysteresisDb: 6,
      rangeDb: -80,
      attackMs,
      holdMs,
      releaseMs,
    });
    const { x, starts } = steps([
      [-60, 0.1],
      [-20, 0.2],
      [-60, 0.5],
    ]);
    const [y] = renderBlocks(g, [x], [333]);
    const gain = (i: number) => y[i] / x[i];
    const floor = 1e-4;
    assert.ok(Math.abs(gain(starts[1] - 1) / floor - 1) < 1e-4, "closed at the range before");
    // Opening: 63% of the way from the range to unity.
    let i = starts[1];
    while (gain(i) < floor + (1 - Math.exp(-1)) * (1 - floor)) i++;
    const openMs = ((i - starts[1] + 1) / fs) * 1000;
    assert.ok(Math.abs(openMs / attackMs - 1) < 0.1, `open ${openMs} ms`);
    // Hold: the gain stays exactly 1 for holdMs after the drop, then falls.
    let j = starts[2];
    while (gain(j) === 1) j++;
    const heldMs = ((j - starts[2]) / fs) * 1000;
    assert.ok(Math.abs(heldMs - holdMs) <= 1000 / fs, `held ${heldMs} ms`);
    let k = j;
    while (gain(k) > floor + Math.exp(-1) * (1 - floor)) k++;
    const closeMs = ((k - j + 1) / fs) * 1000;
    assert.ok(Math.abs(closeMs / releaseMs - 1) < 0.1, `close ${closeMs} ms`);
  });

  test("hysteresis: between the two thresholds the gate keeps its state", () => {
    const g = new Gate(mono, { thresholdDb: -40, hysteresisDb: 6, holdMs: 10, attackMs: 0.1, releaseMs: 5 });
    const { x, starts } = steps([
      [-60, 0.1],
      [-43, 0.1], // below the opening threshold: stays closed
      [-30, 0.1], // opens
      [-43, 0.1], // above the closing threshold (−46): stays open
      [-50, 0.1], // closes after the hold
      [-43, 0.1], // stays closed
      [-39, 0.1], // opens again
    ]);
    const [y] = renderBlocks(g, [x], [512]);
    const endGain = (s: number) => {
      const i = (starts[s + 1] ?? x.length) - 1;
      return y[i] / x[i];
    };
    const want = [1e-4, 1e-4, 1, 1, 1e-4, 1e-4, 1];
    for (const [s, w] of want.entries()) {
      assert.ok(Math.abs(endGain(s) / w - 1) < 1e-3, `segment ${s}: gain ${endGain(s)}`);
    }
  });

  test("hold bridges the zero crossings of a 100 Hz tone: the gate stays fully open", () => {
    const g = new Gate(mono, { thresholdDb: -40, holdMs: 20 });
    const x = sine(fs / 2, 100, fs, 0.1);
    const [y] = renderBlocks(g, [x], [512]);
    for (let i = 2400; i < x.length; i++) assert.equal(y[i], x[i]);
  });

  test("expander: each dB under the threshold loses ratio − 1 more, limited to the range", () => {
    for (const [level, want] of [
      [-50, -60],
      [-45, -50],
      [-70, -100],
      [-90, -130],
    ]) {
      const g = new Gate(mono, { thresholdDb: -40, ratio: 2, rangeDb: -40, attackMs: 1, releaseMs: 10 });
      const { x } = steps([[level, 0.5]]);
      const [y] = renderBlocks(g, [x], [512]);
      const out = 20 * Math.log10(y[y.length - 1]);
      const expect = Math.max(want, level - 40);
      assert.ok(Math.abs(out - expect) < 0.01, `${level} dB in: ${out} out, want ${expect}`);
    }
  });

  test("lookahead: the gate is open when the onset reaches the output", () => {
    const g = new Gate(mono, { thresholdDb: -40, attackMs: 0.2, lookaheadMs: 2 });
    assert.equal(g.latency, 96);
    const { x, starts } = steps([
      [-80, 0.05],
      [-10, 0.05],
    ]);
    const [y] = renderBlocks(g, [x], [100]);
    const onsetOut = starts[1] + 96;
    assert.ok(y[onsetOut] / x[starts[1]] > 0.99, `gain at the onset ${y[onsetOut] / x[starts[1]]}`);
  });

  test("silence, garbage; block sizes 1, 13, 128, 4096 identical; bypass; JSON; errors", () => {
    const z = renderBlocks(new Gate(stereo), [new Float32Array(fs), new Float32Array(fs)], [480]);
    for (const c of z) for (const v of c) assert.equal(v, 0);
    assertFinite(
      renderBlocks(new Gate(stereo, { ratio: 3 }), [garbage(4800), noise(4800, 3)], [256]),
      "garbage",
    );
    const burst = noise(20000, 1, 0.5);
    for (let i = 0; i < 20000; i++) if (Math.floor(i / 2500) % 2) burst[i] *= 0.001;
    const input = [burst, noise(20000, 2, 0.01)];
    for (const opts of [
      { thresholdDb: -30, holdMs: 5, releaseMs: 20, lookaheadMs: 1 },
      { thresholdDb: -30, ratio: 3, rangeDb: -30 },
    ]) {
      assertProcessorBasics((p) => new Gate(stereo, p), opts, input);
    }
    assert.throws(
      () => new Gate(stereo, { holdMs: -1 }),
      /gate\.holdMs: must be between 0 and 2000 ms, got -1/,
    );
    assert.throws(() => new Gate(stereo, { ratio: 0.5 }), /gate\.ratio/);
  });
});
