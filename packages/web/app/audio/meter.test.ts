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
    assert.ok(readings.length > 20);
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

  it("reads the true peak at or just above the sample peak, and holds the highest", () => {
    const r = m.reading();
    assert.ok(r.truePeakDb >= -12.05 && r.truePeakDb < -11.9, `${r.truePeakDb}`);
    assert.ok(r.truePeakDb >= r.peakDb);
    assert.equal(r.truePeakMaxDb, r.truePeakDb);
  });

  it("peak, true peak and momentary loudness are of the same 400 ms: silence after the sine reads −∞ in all three", () => {
    const meter = new LiveMeter(RATE, 1);
    meter.push([x.subarray(0, RATE)]);
    const on = meter.reading();
    assert.ok(on.peakDb > -12.1 && on.truePeakDb > -12.1 && on.momentaryLufs > -16);
    // 300 ms of silence: the window still holds 100 ms of the sine, in every figure.
    meter.push([new Float32Array(14400)]);
    const partly = meter.reading();
    assert.ok(partly.peakDb > -12.1 && partly.truePeakDb > -12.1, JSON.stringify(partly));
    assert.ok(partly.momentaryLufs < on.momentaryLufs - 5 && partly.momentaryLufs > -30);
    // Half a second of silence (past the ringing of the cut in the K-weighting and the interpolation): all
    // silent together; the highest true peak is held apart.
    meter.push([new Float32Array(9600)]);
    const after = meter.reading();
    assert.deepEqual(
      [after.peakDb, after.truePeakDb, after.momentaryLufs],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    );
    assert.ok(after.truePeakMaxDb > -12.1);
  });

  it("reads the same however the blocks are cut", () => {
    const a = new LiveMeter(RATE, 1);
    const b = new LiveMeter(RATE, 1);
    a.push([x.subarray(0, 30000)]);
    for (let i = 0; i < 30000; i += 2048) b.push([x.subarray(i, Math.min(30000, i + 2048))]);
    const [ra, rb] = [a.reading(), b.reading()];
    assert.deepEqual(
      [ra.peakDb, ra.truePeakDb, ra.truePeakMaxDb],
      [rb.peakDb, rb.truePeakDb, rb.truePeakMaxDb],
    );
    assert.ok(Math.abs(ra.momentaryLufs - rb.momentaryLufs) < 1e-9);
    assert.ok(Math.abs(ra.integratedLufs - rb.integratedLufs) < 1e-9);
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
