import assert from "node:assert/strict";
import { test } from "node:test";
import { snrDb, toneAmplitude } from "./signal-to-noise.ts";

test("snrDb: a reference plus an error of known power gives 10·log10 of the power ratio", () => {
  const n = 48000;
  const ref = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ref[i] = Math.sin((2 * Math.PI * 440 * i) / 48000); // power 1/2
    // An error of ±0.05: power 0.0025, so SNR = 10·log10(0.5 / 0.0025) = 23.0103 dB.
    x[i] = ref[i] + (i % 2 === 0 ? 0.05 : -0.05);
  }
  assert.ok(Math.abs(snrDb(ref, x) - 10 * Math.log10(0.5 / 0.0025)) < 1e-3);
  assert.equal(snrDb(ref, ref), Number.POSITIVE_INFINITY);
  // Halving the signal leaves an error of the same shape at a quarter of the power: 10·log10(4) ≈ 6.02 dB.
  assert.ok(
    Math.abs(
      snrDb(
        ref,
        ref.map((v) => v / 2),
      ) -
        10 * Math.log10(4),
    ) < 1e-9,
  );
});

test("toneAmplitude: reads one tone's peak level out of a mixture", () => {
  const rate = 48000;
  const x = new Float32Array(rate);
  for (let i = 0; i < rate; i++)
    x[i] =
      0.25 * Math.sin((2 * Math.PI * 60 * i) / rate + 0.3) + 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate);
  assert.ok(Math.abs(toneAmplitude(x, 60, rate) - 0.25) < 1e-4);
  assert.ok(Math.abs(toneAmplitude(x, 1000, rate) - 0.5) < 1e-4);
  assert.ok(toneAmplitude(x, 180, rate) < 1e-4);
});
