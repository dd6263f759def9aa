import assert from "node:assert/strict";
import { test } from "node:test";
import { sideToMidRatio } from "@controlroom/engine/mastering/spectrum.ts";
import { NO_CORPUS } from "../files/test-support.ts";
import { masterChannels, resolveTarget } from "./master-file.ts";
import { excerpt, excerptInfo, MIX_FROM_CORPUS } from "./test-support.ts";

// Needs real material: the stand-in song repeats every four bars, so two stretches of it are too alike to make
// the anti-phase side this test is about.
test("vinyl: anti-phase-heavy stereo is narrowed until the correlation is positive; bass below 120 Hz is mono", {
  skip: MIX_FROM_CORPUS ? false : NO_CORPUS,
}, async (t) => {
  // Mid = the song's mid; side = another stretch of the song, 1.6× louder: correlation (M²−S²)/(M²+S²) < 0.
  const n = 8 * 48000;
  const mid = (c0: number) =>
    Float32Array.from({ length: n }, (_, i) => (excerpt[0][c0 + i] + excerpt[1][c0 + i]) / 2);
  const m = mid(0);
  const s0 = mid(10 * 48000);
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
  const k = (1.6 * rms(m)) / rms(s0);
  const l = m.map((v, i) => (v + k * s0[i]) * 0.5);
  const r = m.map((v, i) => (v - k * s0[i]) * 0.5);
  const res = await masterChannels([l, r], excerptInfo, resolveTarget({ target: "vinyl" }), {});
  const before = res.result.before.correlation ?? 0;
  const after = res.result.after.correlation ?? 0;
  t.diagnostic(`correlation ${before.toFixed(2)} → ${after.toFixed(2)}; ${res.warnings.join("; ")}`);
  assert.ok(before < -0.1);
  assert.ok(after >= 0, `${after}`);
  assert.match(res.warnings.join(" "), /width narrowed to/);
  assert.ok(Math.abs(res.result.after.integratedLufs - -16) <= 0.5);
  assert.ok(res.result.after.truePeakDbtp <= -1);
  // Below 120 Hz the side is gone: low-passed side/mid energy ratio far below the input's.
  const lp = (x: Float32Array) => {
    // Two one-pole low-passes at 60 Hz (enough to look at the bass region only).
    const a = Math.exp((-2 * Math.PI * 60) / 48000);
    const y = new Float32Array(x.length);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < x.length; i++) {
      s1 = (1 - a) * x[i] + a * s1;
      s2 = (1 - a) * s1 + a * s2;
      y[i] = s2;
    }
    return y;
  };
  const ratioIn = sideToMidRatio([lp(l), lp(r)]) ?? 0;
  const ratioOut = sideToMidRatio(res.result.channels.map(lp)) ?? 0;
  t.diagnostic(`bass side/mid energy ${ratioIn.toFixed(3)} → ${ratioOut.toFixed(4)}`);
  assert.ok(ratioOut < ratioIn / 20, `${ratioIn} → ${ratioOut}`);
});
