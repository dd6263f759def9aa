import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { Convolution } from "./convolution.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
} from "./harness.test.ts";

const fs = 48000;

/** Direct time-domain convolution in 64-bit. */
function direct(x: Float32Array, h: Float32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let acc = 0;
    const kmax = Math.min(h.length - 1, n);
    for (let k = 0; k <= kmax; k++) acc += h[k] * x[n - k];
    y[n] = acc;
  }
  return y;
}

describe("convolution", () => {
  test("equals direct convolution for random IRs, partition sizes and unaligned blocks", () => {
    let worst = 0;
    const cases = [
      { len: 1, partition: 64, blocks: [37] },
      { len: 100, partition: 64, blocks: [37, 5] },
      { len: 1000, partition: 128, blocks: [100] },
      { len: 5000, partition: 256, blocks: [777, 1, 300] },
      { len: 4096, partition: 512, blocks: [512] },
      { len: 3001, partition: 1024, blocks: [1000, 3] },
    ];
    for (const [i, { len, partition, blocks }] of cases.entries()) {
      // Decaying random IRs (like real rooms), scaled so the output stays near full scale.
      const ir = [noise(len, 10 + i, 1), noise(len, 20 + i, 1)];
      for (const h of ir)
        for (let k = 0; k < len; k++) h[k] *= Math.exp(-k / (len / 4 + 1)) / Math.sqrt(len / 8 + 1);
      const c = new Convolution({ sampleRate: fs, channels: 2 }, { mix: 1, partition });
      c.setImpulseResponse(ir, fs);
      assert.equal(c.latency, partition);
      const x = [noise(9000, 30 + i, 0.5), noise(9000, 40 + i, 0.5)];
      const y = renderBlocks(c, x, blocks);
      for (let ch = 0; ch < 2; ch++) {
        const want = direct(x[ch], ir[ch]);
        for (let n = partition; n < 9000; n++)
          worst = Math.max(worst, Math.abs(y[ch][n] - want[n - partition]));
        for (let n = 0; n < partition; n++) assert.equal(y[ch][n], 0, "silent during the latency");
      }
    }
    console.log(`convolution: largest error against direct convolution ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-5, `error ${worst}`);
  });

  test("mono IR on stereo input: the same IR on both channels; mono input gives stereo", () => {
    const h = noise(700, 3, 0.2);
    const c = new Convolution({ sampleRate: fs, channels: 2 }, { mix: 1, partition: 128 });
    c.setImpulseResponse([h], fs);
    const x = [noise(3000, 1, 0.5), noise(3000, 2, 0.5)];
    const y = renderBlocks(c, x, [256]);
    for (let ch = 0; ch < 2; ch++) {
      const want = direct(x[ch], h);
      for (let n = 128; n < 3000; n++) assert.ok(Math.abs(y[ch][n] - want[n - 128]) < 1e-5);
    }
    const m = new Convolution({ sampleRate: fs, channels: 1 }, { mix: 1, partition: 64 });
    assert.equal(m.outputChannels, 2);
    const hs = [noise(300, 5, 0.2), noise(300, 6, 0.2)];
    m.setImpulseResponse(hs, fs);
    const ym = renderBlocks(m, [x[0]], [100]);
    for (let ch = 0; ch < 2; ch++) {
      const want = direct(x[0], hs[ch]);
      for (let n = 64; n < 3000; n++) assert.ok(Math.abs(ym[ch][n] - want[n - 64]) < 1e-5);
    }
  });

  test("mix and gain: dry delayed by the latency, wet scaled by gainDb", () => {
    const c = new Convolution({ sampleRate: fs, channels: 1 }, { mix: 0.25, gainDb: -6, partition: 64 });
    const h = new Float32Array([0, 0, 1]);
    c.setImpulseResponse([h], fs);
    const x = noise(2000, 8, 0.5);
    const [y] = renderBlocks(c, [x], [50]);
    const g = 10 ** (-6 / 20);
    for (let n = 70; n < 2000; n++) {
      const want = 0.75 * x[n - 64] + 0.25 * g * x[n - 66];
      assert.ok(Math.abs(y[n] - want) < 1e-6, `sample ${n}`);
    }
  });

  test("no IR: wet is silent; silence in gives exact zeros out", () => {
    const c = new Convolution({ sampleRate: fs, channels: 2 }, { mix: 1, partition: 64 });
    const y = renderBlocks(c, [noise(1000, 1), noise(1000, 2)], [100]);
    for (const ch of y) for (const v of ch) assert.equal(v, 0);
    c.setImpulseResponse([noise(500, 3)], fs);
    renderBlocks(c, [noise(1000, 1), noise(1000, 2)], [100]);
    const z = renderBlocks(c, [new Float32Array(2000), new Float32Array(2000)], [100]);
    for (const ch of z) for (let n = 1000; n < 2000; n++) assert.equal(ch[n], 0);
  });

  test("block-size independent, bypass nulls, JSON round trip, clear errors", () => {
    const ctx = { sampleRate: fs, channels: 2 };
    const ir = [noise(3000, 1, 0.1), noise(3000, 2, 0.1)];
    const input = [noise(12000, 3, 0.5), noise(12000, 4, 0.5)];
    const make = () => {
      const c = new Convolution(ctx, { mix: 0.4, partition: 256, ir: "room.wav" });
      c.setImpulseResponse(ir, fs);
      return c;
    };
    assertBlockIndependent(make, input);
    assertBypassNull(make(), input);
    assertInPlace(make, input);
    assertInPlace(() => {
      const c = new Convolution({ sampleRate: fs, channels: 1 }, { mix: 0.4, partition: 64 });
      c.setImpulseResponse(ir, fs);
      return c;
    }, [input[0]]);
    assertJsonRoundTrip(
      make(),
      (j) => {
        const c = new Convolution(ctx, j);
        c.setImpulseResponse(ir, fs);
        return c;
      },
      input,
    );
    assert.deepEqual(make().toJSON(), {
      type: "convolution",
      ir: "room.wav",
      mix: 0.4,
      gainDb: 0,
      partition: 256,
    });
    assert.throws(
      () => new Convolution(ctx, { partition: 1000 }),
      (e: unknown) =>
        e instanceof ParamError &&
        /convolution\.partition: must be a power of two between 64 and 8192/.test(e.message),
    );
    const c = new Convolution(ctx);
    assert.throws(
      () => c.setImpulseResponse([new Float32Array(10)], 4000),
      /sample rate must be between 8000 and 384000 Hz, got 4000/,
    );
    assert.throws(() => c.setImpulseResponse([new Float32Array(0)], fs), /is empty/);
    assert.throws(
      () => c.setImpulseResponse([new Float32Array([0, Number.NaN])], fs),
      /channel 0 sample 1 is NaN/,
    );
    assert.throws(
      () => c.setImpulseResponse([new Float32Array(3), new Float32Array(2)], fs),
      /channel 1 has 2 samples/,
    );
  });

  test("an impulse response at another rate is resampled: same level and frequency response", () => {
    // A 44.1 kHz response (silence, then decaying noise) used by a 48 kHz processor: its wet output for a sine
    // must have the gain and phase of the original response at that frequency (its DTFT at 44.1 kHz).
    const irRate = 44100;
    const h = noise(4000, 21, 0.2);
    for (let i = 0; i < h.length; i++) h[i] = i < 300 ? 0 : h[i] * Math.exp(-(i - 300) / 600);
    const c = new Convolution({ sampleRate: fs, channels: 1 }, { mix: 1, partition: 256 });
    c.setImpulseResponse([h], irRate);
    const B = c.latency;
    for (const f of [100, 1000, 5000, 12000, 18000]) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < h.length; k++) {
        re += h[k] * Math.cos((2 * Math.PI * f * k) / irRate);
        im -= h[k] * Math.sin((2 * Math.PI * f * k) / irRate);
      }
      const n = 24000;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * f * i) / fs);
      c.reset();
      const [y] = renderBlocks(c, [x], [512]);
      // Expected steady state: 0.5·|H|·sin(ω(i − B) + ∠H).
      const mag = Math.hypot(re, im);
      const ph = Math.atan2(im, re);
      let err = 0;
      for (let i = 12000; i < n; i++) {
        const want = 0.5 * mag * Math.sin((2 * Math.PI * f * (i - B)) / fs + ph);
        err = Math.max(err, Math.abs(y[i] - want));
      }
      assert.ok(err / (0.5 * mag) < 1e-4, `${f} Hz: relative error ${err / (0.5 * mag)}`);
    }
  });
});
