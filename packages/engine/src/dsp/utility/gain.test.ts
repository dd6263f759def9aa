import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError } from "../../core/params.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
  sine,
} from "../space/harness.test.ts";
import { Gain } from "./gain.ts";

const ctx = { sampleRate: 48000, channels: 2 };

test("gain: exact factor, 0 dB bit-exact, glides without clicks", () => {
  const x = [noise(10000, 1, 0.5), noise(10000, 2, 0.5)];
  const y = renderBlocks(new Gain(ctx, { db: -6 }), x, [512]);
  const g = 10 ** (-6 / 20);
  for (let c = 0; c < 2; c++) for (let i = 0; i < 10000; i++) assert.equal(y[c][i], Math.fround(x[c][i] * g));
  assert.deepEqual(renderBlocks(new Gain(ctx, { db: 0 }), x, [512]), x);
  const p = new Gain({ sampleRate: 48000, channels: 1 }, { db: -40 });
  const s = sine(48000, 100, 48000, 0.5);
  const out = new Float32Array(48000);
  p.process([s.subarray(0, 24000)], [out.subarray(0, 24000)]);
  p.setParams({ db: 12 });
  p.process([s.subarray(24000)], [out.subarray(24000)]);
  let jump = 0;
  for (let i = 1; i < 48000; i++) jump = Math.max(jump, Math.abs(out[i] - out[i - 1]));
  const steady = 0.5 * 10 ** (12 / 20) * 2 * Math.sin((Math.PI * 100) / 48000);
  assert.ok(jump < 1.05 * steady, `jump ${jump} vs ${steady}`);
  assert.ok(Math.abs(out[47000] / s[47000] - 10 ** (12 / 20)) < 1e-6, "settled");
});

test("gain: block independence, in place, bypass, JSON, errors", () => {
  const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];
  assertBlockIndependent(() => {
    const p = new Gain(ctx, { db: -3 });
    p.setParams({ db: 6 });
    return p;
  }, x);
  assertInPlace(() => new Gain(ctx, { db: -3 }), x);
  assertBypassNull(new Gain(ctx, { db: -3 }), x);
  assertJsonRoundTrip(new Gain(ctx, { db: -3 }), (j) => new Gain(ctx, j), x);
  assert.throws(
    () => new Gain(ctx, { db: 40 }),
    (e: unknown) =>
      e instanceof ParamError && /gain\.db: must be between -120 and 36 dB, got 40/.test(e.message),
  );
  assert.throws(() => new Gain(ctx, { db: Number.NaN }), /gain\.db/);
});
