import assert from "node:assert/strict";
import { test } from "node:test";
import { fastExp, fastLog, fastLogAbsF32Bits, fastLogBits, MIN_NORMAL } from "./fast-math.ts";

/** A repeatable spread of values (no Math.random: a failure must reproduce). */
function* spread(lo: number, hi: number, count: number): Generator<number> {
  let s = 12345;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    yield lo + ((hi - lo) * s) / 2 ** 32;
  }
}

test("fastExp matches Math.exp to 4e-15 relative over the whole range", () => {
  let worst = 0;
  for (const u of [
    ...spread(-708, 709, 200_000),
    ...spread(-20, 5, 200_000),
    0,
    -0,
    1,
    -1,
    1e-300,
    -708,
    709,
  ]) {
    const e = Math.abs(fastExp(u) / Math.exp(u) - 1);
    if (e > worst) worst = e;
  }
  assert.ok(worst < 4e-15, `worst relative error ${worst}`);
  assert.equal(fastExp(0), 1);
});

test("fastExp: the ends of its range, infinities and NaN", () => {
  assert.ok(Math.abs(fastExp(-709) / Math.exp(-709) - 1) < 1e-12);
  assert.ok(fastExp(-740) > 0 && fastExp(-740) < 1e-320);
  assert.equal(fastExp(-746), 0);
  assert.equal(fastExp(-1e6), 0);
  assert.equal(fastExp(1e6), Number.POSITIVE_INFINITY);
  assert.equal(fastExp(Number.NEGATIVE_INFINITY), 0);
  assert.equal(fastExp(710), Number.POSITIVE_INFINITY);
  assert.equal(fastExp(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(fastExp(Number.NaN)));
});

test("fastLogBits over a Float64Array matches Math.log to 1e-14 (absolute near 1, relative beyond), at every binade", () => {
  const xs: number[] = [];
  for (let e = -1021; e < 1023; e += 7) for (const m of spread(1, 2, 40)) xs.push(m * 2 ** e);
  xs.push(MIN_NORMAL, 1, 2, 0.5, Number.MAX_VALUE, 1 - 2 ** -53, 1 + 2 ** -52);
  const v = Float64Array.from(xs);
  const bits = new Int32Array(v.buffer);
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const want = Math.log(v[i]);
    const err = Math.abs(fastLogBits(v[i], bits[2 * i + 1]) - want) / Math.max(1, Math.abs(want));
    if (err > worst) worst = err;
  }
  assert.ok(worst < 1e-14, `worst error ${worst}`);
  assert.equal(fastLogBits(1, new Int32Array(Float64Array.of(1).buffer)[1]), 0);
});

test("fastLog falls back to Math.log outside the positive normal range", () => {
  assert.equal(fastLog(0), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(fastLog(-1)));
  assert.equal(fastLog(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.equal(fastLog(5e-324), Math.log(5e-324));
  assert.ok(Math.abs(fastLog(10) - Math.LN10) < 1e-15);
});

test("fastLogAbsF32Bits matches Math.log|x| over every normal float32 binade, either sign", () => {
  const xs: number[] = [];
  for (let e = -126; e < 128; e++) for (const m of spread(1, 2, 30)) xs.push(m * 2 ** e, -m * 2 ** e);
  xs.push(1, -1, 2 ** -126, 3.4028234663852886e38);
  const v = Float32Array.from(xs);
  const bits = new Int32Array(v.buffer);
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const want = Math.log(Math.abs(v[i]));
    const err = Math.abs(fastLogAbsF32Bits(bits[i]) - want) / Math.max(1, Math.abs(want));
    if (err > worst) worst = err;
  }
  assert.ok(worst < 1e-14, `worst error ${worst}`);
  assert.equal(fastLogAbsF32Bits(new Int32Array(Float32Array.of(-1).buffer)[0]), 0);
});
