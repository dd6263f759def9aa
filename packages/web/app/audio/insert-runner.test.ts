/**
 * The engine inserts as the browser's audio thread runs them: block by block they give what the engine's chain
 * gives over the whole signal, the compressor's gain reduction is reported (and matches its static curve on a
 * steady tone), and a bad edit keeps the previous chain.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseChain } from "@controlroom/engine/dsp/chain.ts";
import { InsertRunner } from "./insert-runner.ts";

const SR = 48000;
const INSERTS = [
  { type: "eq", bands: [{ kind: "highshelf", freq: 8000, gainDb: 4 }] },
  { type: "compressor", thresholdDb: -30, ratio: 4, attackMs: 1, releaseMs: 50 },
];

test("128-frame blocks give the engine chain's output, and the compressor's gain reduction", () => {
  const n = SR;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / SR);
  const whole = parseChain(INSERTS, { sampleRate: SR, channels: 1 }).process([x], n)[0].slice();
  const r = new InsertRunner(SR, 1, INSERTS);
  const out = new Float32Array(n);
  const buf = [new Float32Array(128)];
  for (let i = 0; i < n; i += 128) {
    r.process([x.subarray(i, i + 128)], buf, 128);
    out.set(buf[0], i);
  }
  let err = 0;
  for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(out[i] - whole[i]));
  assert.ok(err < 1e-6, `max difference ${err}`);
  const [eq, comp] = r.gainReduction();
  assert.equal(eq, undefined);
  // A 0.5-peak sine is −9 dBFS RMS-equivalent peak −6 dBFS: the detector sits well above −30 dB, so the
  // compressor takes off (level − threshold)·(1 − 1/ratio) — between 15 and 20 dB here.
  assert.ok(comp !== undefined && comp > 15 && comp < 20, `gain reduction ${comp} dB`);
});

test("a new chain replaces the old; a bad one is refused and the old keeps running", () => {
  const r = new InsertRunner(SR, 2, INSERTS);
  assert.equal(r.set([{ type: "compressor", thresholdDb: -10, ratio: 2 }]), null);
  assert.equal(r.gainReduction().length, 1);
  const why = r.set([{ type: "compressor", ratio: 0 }]);
  assert.match(why ?? "", /inserts\[0\]\.ratio \(compressor\)/);
  assert.equal(r.gainReduction().length, 1);
  assert.throws(() => new InsertRunner(SR, 1, [{ type: "nope" }]), /unknown processor "nope"/);
});
