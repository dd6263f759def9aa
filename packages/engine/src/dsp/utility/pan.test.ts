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
import { balanceGains, Pan, panGains } from "./pan.ts";

const mono = { sampleRate: 48000, channels: 1 };
const stereo = { sampleRate: 48000, channels: 2 };

test("pan law: −3.01 dB each side at centre, power constant across positions, hard sides exact", () => {
  const c = panGains(0);
  assert.ok(Math.abs(20 * Math.log10(c.left) + 3.0103) < 1e-4 && c.left === c.right);
  for (let i = -100; i <= 100; i++) {
    const g = panGains(i / 100);
    assert.ok(Math.abs(g.left ** 2 + g.right ** 2 - 1) < 1e-15, `power at ${i / 100}`);
  }
  assert.deepEqual(panGains(-1), { left: 1, right: 0 });
  assert.deepEqual(panGains(1), { left: 0, right: 1 });
  // Measured through the processor: mono in, stereo out.
  const x = [noise(4800, 3, 0.5)];
  for (const pos of [-1, -0.3, 0, 0.5, 1]) {
    const [l, r] = renderBlocks(new Pan(mono, { position: pos }), x, [4800]);
    let px = 0;
    let py = 0;
    for (let i = 0; i < 4800; i++) {
      px += x[0][i] ** 2;
      py += l[i] ** 2 + r[i] ** 2;
    }
    assert.ok(Math.abs(10 * Math.log10(py / px)) < 1e-5, `power kept at ${pos}`);
  }
  const [l0] = renderBlocks(new Pan(mono, { position: 0 }), x, [4800]);
  let e = 0;
  for (let i = 0; i < 4800; i++) e = Math.max(e, Math.abs(l0[i] - x[0][i] * Math.SQRT1_2));
  assert.ok(e < 1e-7);
});

test("stereo balance: centre passes unchanged, moving right fades the left along the same law", () => {
  const x = [noise(4800, 1, 0.5), noise(4800, 2, 0.5)];
  assert.deepEqual(renderBlocks(new Pan(stereo, { position: 0 }), x, [4800]), x);
  const half = balanceGains(0.5);
  assert.ok(Math.abs(half.left - Math.SQRT2 * Math.cos((1.5 * Math.PI) / 4)) < 1e-15 && half.right === 1);
  assert.ok(Math.abs(20 * Math.log10(balanceGains(-1 / 3).right) + 3.0103) < 1e-4, "−3 dB at 1/3");
  const [l, r] = renderBlocks(new Pan(stereo, { position: 1 }), x, [4800]);
  assert.ok(l.every((v) => v === 0));
  assert.deepEqual(r, x[1]);
});

test("pan: glides without clicks, block independent, in place, bypass, JSON, errors", () => {
  const s = sine(48000, 100, 48000, 0.5);
  const p = new Pan(mono, { position: -1 });
  const l = new Float32Array(48000);
  const r = new Float32Array(48000);
  p.process([s.subarray(0, 24000)], [l.subarray(0, 24000), r.subarray(0, 24000)]);
  p.setParams({ position: 1 });
  p.process([s.subarray(24000)], [l.subarray(24000), r.subarray(24000)]);
  let jump = 0;
  for (let i = 1; i < 48000; i++) jump = Math.max(jump, Math.abs(l[i] - l[i - 1]), Math.abs(r[i] - r[i - 1]));
  // A 5 ms glide of a 0.5 sine adds at most ~0.5·(π/2)/(5 ms · fs) per sample to the sine's own 0.0065.
  assert.ok(jump < 0.0065 + (0.5 * (Math.PI / 2)) / 240, `jump ${jump}`);
  const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];
  const moving = (ctx: typeof mono) => () => {
    const q = new Pan(ctx, { position: -0.7 });
    q.setParams({ position: 0.4 });
    return q;
  };
  assertBlockIndependent(moving(mono), [x[0]]);
  assertBlockIndependent(moving(stereo), x);
  assertInPlace(() => new Pan(mono, { position: 0.3 }), [x[0]]);
  assertInPlace(() => new Pan(stereo, { position: 0.3 }), x);
  assertBypassNull(new Pan(mono, { position: 0.3 }), [x[0]]);
  assertBypassNull(new Pan(stereo, { position: 0.3 }), x);
  assertJsonRoundTrip(new Pan(mono, { position: -0.3 }), (j) => new Pan(mono, j), [x[0]]);
  assert.throws(
    () => new Pan(mono, { position: 1.5 }),
    (e: unknown) =>
      e instanceof ParamError && /pan\.position: must be between -1 and 1, got 1\.5/.test(e.message),
  );
  assert.throws(() => new Pan({ sampleRate: 48000, channels: 6 }), /mono or stereo/);
});
