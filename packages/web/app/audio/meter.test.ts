import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import { sine } from "../testing/fake-audio.ts";
import { db, LiveMeter, meterWidth } from "./meter.ts";

const RATE = 48000;
/** Feeds `x` in audio-thread blocks of 128 frames, reading every 100 ms as the worklet posts. */
function meterInBlocks(x: Float32Array) {
  const m = new LiveMeter(RATE, 1);
  const readings = [];
  for (let i = 0, since = 0; i + 128 <= x.length; i += 128) {
    m.push([x.subarray(i, i + 128)]);
    since += 128;
    if (since >= RATE / 10) {
      readings.push(m.reading());
      since = 0;
    }
  }
  return { m, readings };
}

describe("LiveMeter on a known input", () => {
  // The e2e's fake microphone: 1 kHz at peak 0.25 (−12.04 dBFS).
  const x = sine(1000, 0.25, 3, RATE);
  const { m, readings } = meterInBlocks(x);

  it("reads the sample peak of each window: −12.0 dBFS", () => {
    for (const r of readings.slice(1))
      assert.ok(Math.abs(r.peakDb - 20 * Math.log10(0.25)) < 0.01, `${r.peakDb}`);
  });

  it("reads the engine's momentary loudness, settled to the sine's integrated loudness", () => {
    const ref = new LoudnessMeter(RATE, 1);
    ref.process([x], x.length);
    const want = ref.result().integratedLufs;
    const last = readings[readings.length - 1];
    assert.ok(Math.abs(last.momentaryLufs - want) < 0.05, `${last.momentaryLufs} vs ${want}`);
    assert.ok(Math.abs(last.integratedLufs - want) < 0.05, `${last.integratedLufs} vs ${want}`);
  });

  it("holds the true peak at or just above the sample peak", () => {
    const r = m.reading();
    assert.ok(r.truePeakDb >= -12.05 && r.truePeakDb < -11.9, `${r.truePeakDb}`);
  });

  it("the peak is of the window since the last reading: silence after the sine reads −∞", () => {
    const meter = new LiveMeter(RATE, 1);
    meter.push([x.subarray(0, 4800)]);
    assert.ok(meter.reading().peakDb > -12.1);
    meter.push([new Float32Array(4800)]);
    const after = meter.reading();
    assert.equal(after.peakDb, Number.NEGATIVE_INFINITY);
    // The true peak is held.
    assert.ok(after.truePeakDb > -12.1);
  });

  it("starts again from nothing after a reset", () => {
    const meter = new LiveMeter(RATE, 2);
    meter.push([x.subarray(0, 48000), x.subarray(0, 48000)]);
    meter.reset();
    const r = meter.reading();
    assert.equal(r.peakDb, Number.NEGATIVE_INFINITY);
    assert.equal(r.truePeakDb, Number.NEGATIVE_INFINITY);
    assert.equal(r.momentaryLufs, Number.NEGATIVE_INFINITY);
  });
});

describe("meter display", () => {
  it("shows one decimal and −∞ for silence", () => {
    assert.equal(db(-12.0412), "-12.0");
    assert.equal(db(Number.NEGATIVE_INFINITY), "−∞");
    assert.equal(db(Number.NaN), "−∞");
  });
  it("draws the bar over −60…0 dB, clamped", () => {
    assert.equal(meterWidth(-30), "50%");
    assert.equal(meterWidth(-100), "0%");
    assert.equal(meterWidth(3), "100%");
  });
});
