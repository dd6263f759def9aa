import assert from "node:assert/strict";
import { test } from "node:test";
import { applyFade, crossfade, FADE_SHAPES, type FadeShape, fadeGain } from "./fade.ts";

test("fade curves: 0 at the start, 1 at the end, monotonic, clamped outside 0 … 1", () => {
  for (const s of FADE_SHAPES) {
    assert.equal(fadeGain(s, 0), 0);
    assert.equal(fadeGain(s, 1), 1);
    assert.equal(fadeGain(s, -3), 0);
    assert.equal(fadeGain(s, 7), 1);
    let prev = -1;
    for (let i = 0; i <= 1000; i++) {
      const g = fadeGain(s, i / 1000);
      assert.ok(g >= prev, `${s} rises`);
      prev = g;
    }
  }
  assert.ok(Math.abs(fadeGain("equal-power", 0.5) - Math.SQRT1_2) < 1e-15, "equal power: −3.01 dB midway");
  assert.equal(fadeGain("linear", 0.5), 0.5);
  assert.ok(Math.abs(fadeGain("s-curve", 0.5) - 0.5) < 1e-15);
  assert.ok(fadeGain("s-curve", 0.1) < fadeGain("linear", 0.1), "s-curve starts slowly");
});

test("pairs: equal-power sums to constant power, linear and s-curve to constant amplitude", () => {
  for (let i = 0; i <= 1000; i++) {
    const x = i / 1000;
    const ep = fadeGain("equal-power", x) ** 2 + fadeGain("equal-power", 1 - x) ** 2;
    assert.ok(Math.abs(ep - 1) < 1e-15, `power ${ep} at ${x}`);
    for (const s of ["linear", "s-curve"] as const) {
      const a = fadeGain(s, x) + fadeGain(s, 1 - x);
      assert.ok(Math.abs(a - 1) < 1e-15, `${s} amplitude ${a} at ${x}`);
    }
  }
});

test("applyFade: positions, block-wise application equals one pass, crossfade", () => {
  const n = 1000;
  const ones = () => new Float32Array(n).fill(1);
  const a = ones();
  applyFade(a, "equal-power", "in", n);
  assert.equal(a[0], 0);
  assert.equal(a[n / 2], Math.fround(Math.sin(Math.PI / 4)));
  const b = ones();
  for (let s = 0; s < n; s += 77) applyFade(b.subarray(s, Math.min(n, s + 77)), "equal-power", "in", n, s);
  assert.deepEqual(a, b);
  const o = ones();
  applyFade(o, "linear", "out", 500);
  assert.equal(o[0], 1);
  assert.equal(o[250], 0.5);
  assert.equal(o[500], 0, "after a fade-out: silent");
  const from = ones();
  const to = ones();
  const out = new Float32Array(n);
  crossfade(from, to, out, "s-curve");
  for (const v of out) assert.ok(Math.abs(v - 1) < 1e-6);
  assert.throws(
    () => fadeGain("log" as FadeShape, 0.5),
    /fade shape must be one of linear, equal-power, s-curve/,
  );
  assert.throws(() => applyFade(ones(), "linear", "in", 0), /fade length/);
  assert.throws(() => fadeGain("linear", Number.NaN), /NaN/);
});
