import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { linkwitzRileySections } from "../eq/design.ts";
import { cascadeMagnitude } from "../eq/linear-phase.ts";
import {
  assertBlockIndependent,
  assertBypassNull,
  assertInPlace,
  assertJsonRoundTrip,
  noise,
  renderBlocks,
  sine,
} from "../space/harness.test.ts";
import { Width } from "./width.ts";

const ctx = { sampleRate: 48000, channels: 2 };
const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];

test("width 0 gives identical L/R (the mid), 1 is bit-exact identity, 2 doubles the side", () => {
  const [l0, r0] = renderBlocks(new Width(ctx, { amount: 0 }), x, [512]);
  assert.deepEqual(l0, r0);
  for (let i = 0; i < 20000; i++) assert.ok(Math.abs(l0[i] - 0.5 * (x[0][i] + x[1][i])) < 1e-7);
  assert.deepEqual(renderBlocks(new Width(ctx, { amount: 1 }), x, [512]), x);
  const [l2, r2] = renderBlocks(new Width(ctx, { amount: 2 }), x, [512]);
  for (let i = 0; i < 20000; i++) {
    assert.ok(Math.abs(l2[i] + r2[i] - (x[0][i] + x[1][i])) < 1e-6, "mid kept");
    assert.ok(Math.abs(l2[i] - r2[i] - 2 * (x[0][i] - x[1][i])) < 1e-6, "side doubled");
  }
});

test("mono bass: the side is high-passed (Linkwitz-Riley 24 dB/oct) at monoBelowHz, the mid untouched", () => {
  const fs = 48000;
  const p = new Width(ctx, { amount: 1, monoBelowHz: 120 });
  for (const f of [30, 120, 1000]) {
    // A pure side signal: L = s, R = −s.
    const s = sine(48000, f, fs, 0.5);
    const neg = s.map((v) => -v);
    p.reset();
    const [l, r] = renderBlocks(p, [s, neg], [1000]);
    let side = 0;
    let ref = 0;
    for (let i = 24000; i < 48000; i++) {
      side += (0.5 * (l[i] - r[i])) ** 2;
      ref += s[i] ** 2;
    }
    const want =
      20 *
      Math.log10(cascadeMagnitude(linkwitzRileySections("highpass", 24, fs, 120), (2 * Math.PI * f) / fs));
    assert.ok(Math.abs(10 * Math.log10(side / ref) - want) < 0.01, `${f} Hz`);
    const [lm, rm] = renderBlocks(new Width(ctx, { amount: 1.5, monoBelowHz: 120 }), [s, s], [1000]);
    for (let i = 0; i < 48000; i++) assert.ok(lm[i] === s[i] && rm[i] === s[i], "mid passes");
  }
});

test("width: glides, block independent, in place, bypass, JSON, errors", () => {
  const s = sine(48000, 100, 48000, 0.5);
  const neg = s.map((v) => -v);
  const p = new Width(ctx, { amount: 0 });
  const l = new Float32Array(48000);
  const r = new Float32Array(48000);
  p.process([s.subarray(0, 24000), neg.subarray(0, 24000)], [l.subarray(0, 24000), r.subarray(0, 24000)]);
  p.setParams({ amount: 2, monoBelowHz: 40 });
  p.process([s.subarray(24000), neg.subarray(24000)], [l.subarray(24000), r.subarray(24000)]);
  let jump = 0;
  for (let i = 1; i < 48000; i++) jump = Math.max(jump, Math.abs(l[i] - l[i - 1]));
  assert.ok(jump < 1.1 * 2 * 0.5 * 2 * Math.sin((Math.PI * 100) / 48000), `jump ${jump}`);
  const moving = () => {
    const q = new Width(ctx, { amount: 0.3, monoBelowHz: 150 });
    q.setParams({ amount: 1.7, monoBelowHz: 60 });
    return q;
  };
  assertBlockIndependent(moving, x);
  assertInPlace(moving, x);
  assertBypassNull(new Width(ctx, { amount: 1.2 }), x);
  assertJsonRoundTrip(new Width(ctx, { amount: 1.2, monoBelowHz: 100 }), (j) => new Width(ctx, j), x);
  assert.deepEqual(renderBlocks(new Width({ sampleRate: 48000, channels: 1 }, { amount: 0 }), [x[0]], [99]), [
    x[0],
  ]);
  assert.throws(
    () => new Width(ctx, { amount: 3 }),
    (e: unknown) =>
      e instanceof ParamError && /width\.amount: must be between 0 and 2, got 3/.test(e.message),
  );
  assert.throws(
    () => new Width(ctx, { monoBelowHz: 10 }),
    /width\.monoBelowHz: must be 0 \(off\) or between 20 and 500/,
  );
  assert.throws(() => new Width(ctx).setParams({ monoBelowHz: 5 }), /width\.monoBelowHz/);
});
