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
import { Polarity } from "./polarity.ts";

const ctx = { sampleRate: 48000, channels: 2 };
const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];

test("polarity: inverted output nulls exactly against the input; per-channel choice", () => {
  const [l, r] = renderBlocks(new Polarity(ctx, { invert: true }), x, [512]);
  for (let i = 0; i < 20000; i++) {
    assert.equal(l[i] + x[0][i], 0);
    assert.equal(r[i] + x[1][i], 0);
  }
  const [l2, r2] = renderBlocks(new Polarity(ctx, { channels: [false, true] }), x, [512]);
  assert.deepEqual(l2, x[0]);
  for (let i = 0; i < 20000; i++) assert.equal(r2[i], -x[1][i]);
});

test("polarity: flips ramp through zero without clicks, block independent, in place, bypass, JSON, errors", () => {
  const s = sine(9600, 100, 48000, 0.5);
  const p = new Polarity({ sampleRate: 48000, channels: 1 });
  const y = new Float32Array(9600);
  p.process([s.subarray(0, 3000)], [y.subarray(0, 3000)]);
  p.setParams({ invert: true });
  p.process([s.subarray(3000)], [y.subarray(3000)]);
  let jump = 0;
  for (let i = 1; i < 9600; i++) jump = Math.max(jump, Math.abs(y[i] - y[i - 1]));
  // Sine step 0.0065 plus the ramp 2/240 of at most 0.5.
  assert.ok(jump < 0.0066 + 0.5 * (2 / 240), `jump ${jump}`);
  assert.equal(y[9000], -s[9000]);
  const flipping = () => {
    const q = new Polarity(ctx, { channels: [true] });
    q.setParams({ channels: [false, true] });
    return q;
  };
  assertBlockIndependent(flipping, x);
  assertInPlace(flipping, x);
  assertBypassNull(new Polarity(ctx, { invert: true }), x);
  assertJsonRoundTrip(new Polarity(ctx, { channels: [true, false] }), (j) => new Polarity(ctx, j), x);
  assert.throws(
    () => new Polarity(ctx, { channels: [true, "yes" as unknown as boolean] }),
    (e: unknown) =>
      e instanceof ParamError && /polarity\.channels\[1\]: must be true or false/.test(e.message),
  );
  assert.throws(() => new Polarity(ctx, { invert: 1 as unknown as boolean }), /polarity\.invert/);
});
