import assert from "node:assert/strict";
import { test } from "node:test";
import { LongTermSpectrumMeter, longTermSpectrum } from "./spectrum.ts";

test("the long-term spectrum fed in odd-sized blocks equals the whole-programme one exactly", () => {
  const rate = 48000;
  const n = 3 * rate + 1234;
  let seed = 7;
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const x = [0, 1].map((c) =>
    Float32Array.from(
      { length: n },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * (440 + 220 * c) * i) / rate) + 0.1 * noise(),
    ),
  );
  const whole = longTermSpectrum(x, rate);
  const m = new LongTermSpectrumMeter(rate, 2);
  for (let pos = 0, k = 1; pos < n; pos += k, k = (k * 7 + 1000) % 20011) {
    const len = Math.min(k, n - pos);
    m.process(
      x.map((c) => c.subarray(pos, pos + len)),
      len,
    );
  }
  assert.deepEqual(m.result(), whole);
  // A 440 Hz tone stands out of the noise floor.
  const at = (f: number) => whole.db[whole.freqs.findIndex((g) => g >= f)];
  assert.ok(at(440) - at(5000) > 20, `${at(440)} vs ${at(5000)}`);
});
