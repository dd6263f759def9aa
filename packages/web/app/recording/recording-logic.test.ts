import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import { sine } from "../testing/fake-audio.ts";
import { countIn } from "./count-in.ts";
import { TakeRecorder } from "./take-recorder.ts";

describe("countIn", () => {
  it("clicks every beat of the bars at the tempo, the downbeat higher", () => {
    const c = countIn(120, "1");
    assert.equal(c.beat, 0.5);
    assert.equal(c.length, 2);
    assert.deepEqual(c.clicks, [
      { at: 0, hz: 1500 },
      { at: 0.5, hz: 1000 },
      { at: 1, hz: 1000 },
      { at: 1.5, hz: 1000 },
    ]);
    assert.deepEqual(
      countIn(90, 2).clicks.map((k) => k.hz),
      [1500, 1000, 1000, 1000, 1500, 1000, 1000, 1000],
    );
  });
  it("counts nothing for zero, blank or nonsense bars", () => {
    for (const bars of ["0", "", "two", "-1"]) assert.deepEqual(countIn(120, bars).clicks, [], bars);
    assert.equal(countIn(120, "").length, 0);
  });
});

describe("TakeRecorder", () => {
  const RATE = 48000;
  /** Tap blocks of 2048 frames of `x`, the first at context frame `from`. */
  const blocks = (x: Float32Array, from: number) =>
    Array.from({ length: Math.ceil(x.length / 2048) }, (_, k) => ({
      frame: from + k * 2048,
      data: [x.slice(k * 2048, (k + 1) * 2048)],
    }));

  it("keeps the input from its start frame on, to the sample", () => {
    // A ramp, so every sample says where it came from.
    const x = Float32Array.from({ length: 10000 }, (_, i) => i / 10000);
    const rec = new TakeRecorder(1000 + 3000, RATE);
    for (const b of blocks(x, 1000)) rec.push(b);
    const take = rec.assemble();
    assert.equal(take.length, 10000 - 3000);
    assert.equal(take[0], x[3000]);
    assert.equal(take[take.length - 1], x[9999]);
  });

  it("drops blocks that end before the start", () => {
    const rec = new TakeRecorder(5000, RATE);
    rec.push({ frame: 0, data: [new Float32Array(2048).fill(1)] });
    rec.push({ frame: 2048, data: [new Float32Array(2048).fill(1)] });
    assert.equal(rec.assemble().length, 0);
    rec.push({ frame: 4096, data: [new Float32Array(2048).fill(0.5)] });
    assert.deepEqual([...rec.assemble()].slice(0, 2), [0.5, 0.5]);
    assert.equal(rec.assemble().length, 4096 + 2048 - 5000);
  });

  it("measures the take itself (not the count-in before it) with the engine's meter", () => {
    // One second of a loud click track before the take, then the microphone's sine: 1 kHz at peak 0.25.
    const click = sine(1500, 0.9, 1, RATE);
    const mic = sine(1000, 0.25, 3, RATE);
    const all = new Float32Array(click.length + mic.length);
    all.set(click);
    all.set(mic, click.length);
    const rec = new TakeRecorder(click.length, RATE);
    for (const b of blocks(all, 0)) rec.push(b);
    const ref = new LoudnessMeter(RATE, 1);
    ref.process([mic], mic.length);
    assert.ok(Math.abs(rec.integratedLufs() - ref.result().integratedLufs) < 0.01);
    assert.equal(rec.assemble().length, mic.length);
  });
});
