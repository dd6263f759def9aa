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
} from "../space/harness.test.ts";
import { MidSide } from "./midside.ts";

const ctx = { sampleRate: 48000, channels: 2 };
const x = [noise(20000, 1, 0.5), noise(20000, 2, 0.5)];

test("midside: encode gives (L+R)/2 and (L−R)/2, decode inverts it", () => {
  const [m, s] = renderBlocks(new MidSide(ctx, { mode: "encode" }), x, [512]);
  for (let i = 0; i < 20000; i++) {
    assert.equal(m[i], Math.fround(0.5 * (x[0][i] + x[1][i])));
    assert.equal(s[i], Math.fround(0.5 * (x[0][i] - x[1][i])));
  }
  const [l, r] = renderBlocks(new MidSide(ctx, { mode: "decode" }), [m, s], [512]);
  let err = 0;
  for (let i = 0; i < 20000; i++) err = Math.max(err, Math.abs(l[i] - x[0][i]), Math.abs(r[i] - x[1][i]));
  assert.ok(err < 1e-7, `round trip ${err}`);
});

test("midside: mode switch fades, block independent, in place, bypass, JSON, errors", () => {
  const switching = () => {
    const p = new MidSide(ctx, { mode: "encode" });
    p.setParams({ mode: "decode" });
    return p;
  };
  assertBlockIndependent(switching, x);
  assertInPlace(switching, x);
  assertBypassNull(new MidSide(ctx), x);
  assertJsonRoundTrip(new MidSide(ctx, { mode: "decode" }), (j) => new MidSide(ctx, j), x);
  assert.throws(
    () => new MidSide(ctx, { mode: "both" as "encode" }),
    (e: unknown) => e instanceof ParamError && /midside\.mode: must be one of encode, decode/.test(e.message),
  );
  assert.throws(() => new MidSide({ sampleRate: 48000, channels: 1 }), /stereo/);
});
