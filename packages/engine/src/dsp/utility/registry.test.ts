/** The EQ and utility factories work through the chain parser with the JSON forms of the fixed interface. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { parseChain, registerProcessor } from "../chain.ts";
import { EQ_PROCESSORS } from "../eq/index.ts";
import { noise } from "../space/harness.test.ts";
import { UTILITY_PROCESSORS } from "./index.ts";

for (const f of [...EQ_PROCESSORS, ...UTILITY_PROCESSORS]) registerProcessor(f);

const CHAIN = [
  {
    type: "eq",
    bands: [
      { kind: "highpass", freq: 80, slope: 24 },
      { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
      { kind: "highshelf", freq: 10000, gainDb: 2 },
    ],
  },
  { type: "gain", db: -3 },
  { type: "pan", position: -0.3 },
  { type: "width", amount: 1.2, monoBelowHz: 120 },
  { type: "midside", mode: "encode" },
  { type: "midside", mode: "decode" },
  { type: "polarity", channels: [true, false] },
  { type: "polarity", invert: true },
  { type: "sampledelay", samples: 37 },
  { type: "eq", mode: "linear", bands: [{ kind: "lowshelf", freq: 100, gainDb: -2 }] },
];

test("a mono chain of every EQ and utility type parses, becomes stereo, reports latency, round-trips", () => {
  const chain = parseChain(CHAIN, { sampleRate: 48000, channels: 1 });
  assert.equal(chain.outputChannels, 2);
  assert.equal(chain.latency, 18431);
  const out = chain.process([noise(4096, 1, 0.5)], 4096);
  for (const o of out) for (const v of o) assert.ok(Number.isFinite(v));
  const again = parseChain(JSON.parse(JSON.stringify(chain.toJSON())), { sampleRate: 48000, channels: 1 });
  assert.deepEqual(again.toJSON(), chain.toJSON());
});

test("chain errors name the position and the field", () => {
  const ctx = { sampleRate: 48000, channels: 2 };
  const err = (json: unknown, re: RegExp) =>
    assert.throws(
      () => parseChain(json, ctx),
      (e: unknown) => e instanceof ParamError && re.test(e.message),
    );
  err(
    [
      { type: "gain", db: -3 },
      { type: "eq", bands: [{ kind: "peak", freq: 0 }] },
    ],
    /chain\[1\]\.bands\[0\]\.freq \(eq\)/,
  );
  err([{ type: "pan", position: 2 }], /chain\[0\]\.position \(pan\): must be between -1 and 1/);
  err([{ type: "sampledelay", samples: 1.5 }], /chain\[0\]\.samples \(sampledelay\): must be a whole number/);
  assert.throws(
    () => parseChain([{ type: "midside" }], { sampleRate: 48000, channels: 1 }),
    /chain\[0\] \(midside\): midside needs a stereo input, got 1 channels/,
  );
  // A mono pan makes the chain stereo, so a midside after it is fine.
  assert.equal(
    parseChain([{ type: "pan" }, { type: "midside" }], { sampleRate: 48000, channels: 1 }).outputChannels,
    2,
  );
  err([{ type: "width", amount: 1, extra: 2 }], /chain\[0\]\.extra \(width\): unknown parameter/);
});

test("extreme settings on silence and loud input: silence stays silent, nothing is NaN", () => {
  const ctx = { sampleRate: 8000, channels: 2 };
  const extremes = [
    { type: "gain", db: 36 },
    { type: "gain", db: -120 },
    { type: "pan", position: 1 },
    { type: "width", amount: 2, monoBelowHz: 500 },
    { type: "width", amount: 0, monoBelowHz: 20 },
    { type: "polarity", invert: true },
    { type: "sampledelay", samples: 1000000, ms: 10000 },
  ];
  const chain = parseChain(extremes, ctx);
  const silent = [new Float32Array(2048), new Float32Array(2048)];
  for (const o of chain.process(silent, 2048)) for (const v of o) assert.equal(v, 0);
  const loud = [noise(2048, 1, 1e30), noise(2048, 2, 1e30)];
  for (const o of parseChain(extremes.slice(1, 6), ctx).process(loud, 2048)) {
    for (const v of o) assert.ok(!Number.isNaN(v));
  }
});
