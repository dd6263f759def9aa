import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Biquad, biquadResponse, designBiquad, designFirstOrder } from "./biquad.ts";
import { dbToGain, gainToDb } from "./db.ts";
import { FFT } from "./fft.ts";
import { kaiserBeta, kaiserLength, windowedSincLowpass } from "./fir.ts";
import { ParamError, validateParams } from "./params.ts";
import { Processor, type ProcessorContext } from "./processor.ts";

describe("FFT", () => {
  test("matches a direct DFT and inverts exactly", () => {
    const n = 64;
    const fft = new FFT(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) re[i] = Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.9);
    const x = re.slice();
    fft.forward(re, im);
    for (const k of [0, 1, 5, 31, 63]) {
      let dr = 0;
      let di = 0;
      for (let t = 0; t < n; t++) {
        dr += x[t] * Math.cos((-2 * Math.PI * k * t) / n);
        di += x[t] * Math.sin((-2 * Math.PI * k * t) / n);
      }
      assert.ok(Math.abs(dr - re[k]) < 1e-10 && Math.abs(di - im[k]) < 1e-10, `bin ${k}`);
    }
    fft.inverse(re, im);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(re[i] - x[i]) < 1e-12);
  });
  test("rejects sizes that are not powers of two", () => {
    assert.throws(() => new FFT(48), /power of two/);
  });
});

describe("biquad", () => {
  const fs = 48000;
  test("peak: gain at centre equals gainDb, unity far away", () => {
    const c = designBiquad("peak", fs, 1000, 1, 6);
    assert.ok(Math.abs(gainToDb(biquadResponse(c, 1000, fs).magnitude) - 6) < 1e-9);
    assert.ok(Math.abs(gainToDb(biquadResponse(c, 20, fs).magnitude)) < 0.05);
  });
  test("low-pass Butterworth section is −3.01 dB at the corner", () => {
    const c = designBiquad("lowpass", fs, 2000, Math.SQRT1_2);
    assert.ok(Math.abs(gainToDb(biquadResponse(c, 2000, fs).magnitude) + 3.0103) < 1e-3);
  });
  test("shelves reach their gain and meet half-gain at the corner", () => {
    const lo = designBiquad("lowshelf", fs, 200, Math.SQRT1_2, -8);
    assert.ok(Math.abs(gainToDb(biquadResponse(lo, 10, fs).magnitude) + 8) < 0.02);
    assert.ok(Math.abs(gainToDb(biquadResponse(lo, 200, fs).magnitude) + 4) < 1e-6);
    const hi = designBiquad("highshelf", fs, 8000, Math.SQRT1_2, 4);
    assert.ok(Math.abs(gainToDb(biquadResponse(hi, 8000, fs).magnitude) - 2) < 1e-6);
  });
  test("first-order high-pass is −3.01 dB at the corner", () => {
    const c = designFirstOrder("highpass", fs, 100);
    assert.ok(Math.abs(gainToDb(biquadResponse(c, 100, fs).magnitude) + 3.0103) < 1e-3);
  });
  test("processing a sine gives the designed magnitude", () => {
    const c = designBiquad("peak", fs, 1000, 2, -9);
    const bq = new Biquad(c);
    const n = fs;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * 1000 * i) / fs);
    bq.process(x, x);
    let peak = 0;
    for (let i = n / 2; i < n; i++) peak = Math.max(peak, Math.abs(x[i]));
    assert.ok(Math.abs(gainToDb(peak) + 9) < 0.01);
  });
});

describe("FIR design", () => {
  test("Kaiser low-pass meets its stop-band attenuation", () => {
    const att = 100;
    const len = kaiserLength(att, 0.05);
    const h = windowedSincLowpass(len, 0.2, kaiserBeta(att));
    let worst = 0;
    for (let f = 0.25; f <= 0.5; f += 0.001) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < h.length; i++) {
        re += h[i] * Math.cos(2 * Math.PI * f * i);
        im -= h[i] * Math.sin(2 * Math.PI * f * i);
      }
      worst = Math.max(worst, Math.hypot(re, im));
    }
    assert.ok(gainToDb(worst) < -att + 1, `stop band ${gainToDb(worst)} dB`);
  });
});

class Halver extends Processor<{ db: number }> {
  readonly type = "halver";
  constructor(ctx: ProcessorContext, lat = 0) {
    super(
      ctx,
      { db: { kind: "number", unit: "dB", min: -60, max: 0, default: -6, description: "gain" } },
      {},
      "halver",
    );
    this.lat = lat;
    this.line = new Float32Array(Math.max(1, lat));
  }
  private lat: number;
  private line: Float32Array;
  private pos = 0;
  override get latency() {
    return this.lat;
  }
  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number) {
    const g = dbToGain(this.params.db);
    for (let i = 0; i < frames; i++) {
      let v = input[0][i];
      if (this.lat > 0) {
        const d = this.line[this.pos];
        this.line[this.pos] = v;
        this.pos = (this.pos + 1) % this.lat;
        v = d;
      }
      output[0][i] = v * g;
    }
  }
  protected resetState() {
    this.line.fill(0);
    this.pos = 0;
  }
}

describe("Processor base", () => {
  test("bypass nulls exactly, latency-compensated", () => {
    const p = new Halver({ sampleRate: 48000, channels: 1 }, 17);
    p.bypass = true;
    // Let the bypass crossfade finish.
    const warm = new Float32Array(1000);
    p.process([warm], [warm]);
    const x = new Float32Array(500);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i);
    const y = new Float32Array(500);
    p.reset();
    p.process([x], [y]);
    for (let i = 17; i < 500; i++) assert.equal(y[i], x[i - 17]);
  });
  test("unknown and out-of-range parameters name the parameter and range", () => {
    const p = new Halver({ sampleRate: 48000, channels: 1 });
    assert.throws(
      () => p.setParams({ db: 3 }),
      (e: unknown) =>
        e instanceof ParamError && /halver\.db: must be between -60 and 0 dB, got 3/.test(e.message),
    );
    assert.throws(() => validateParams("x", {}, { foo: 1 }), /x\.foo: unknown parameter/);
    assert.deepEqual(p.toJSON(), { type: "halver", db: -6 });
  });
});
