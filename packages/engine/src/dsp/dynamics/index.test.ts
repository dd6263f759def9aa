import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseChain, registerProcessor } from "../chain.ts";
import { Compressor, DYNAMICS_PROCESSORS } from "./index.ts";
import { assertFinite, constant, noise, renderBlocks } from "./test-signals.test.ts";

for (const f of DYNAMICS_PROCESSORS) registerProcessor(f);

/** The fixed JSON interface of each processor type. */
const EXAMPLES = [
  { type: "compressor", thresholdDb: -18, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 0, makeupDb: 0 },
  { type: "limiter", ceilingDb: -1, releaseMs: 50 },
  { type: "gate", thresholdDb: -50 },
  { type: "deesser", freq: 6500, thresholdDb: -30 },
  { type: "transient", attackDb: 0, sustainDb: 0 },
  {
    type: "multiband",
    crossovers: [120, 2000, 8000],
    bands: [
      { thresholdDb: -20, ratio: 2, attackMs: 20, releaseMs: 200, makeupDb: 0 },
      { thresholdDb: -18, ratio: 2, attackMs: 10, releaseMs: 150, makeupDb: 0 },
      { thresholdDb: -16, ratio: 2, attackMs: 5, releaseMs: 100, makeupDb: 0 },
      { thresholdDb: -14, ratio: 2, attackMs: 2, releaseMs: 80, makeupDb: 1 },
    ],
  },
];

describe("dynamics registry", () => {
  test("every fixed JSON example parses into a chain and round-trips through toJSON", () => {
    assert.deepEqual(
      DYNAMICS_PROCESSORS.map((f) => f.type),
      ["compressor", "limiter", "gate", "deesser", "transient", "multiband"],
    );
    const ctx = { sampleRate: 48000, channels: 2 };
    const chain = parseChain(EXAMPLES, ctx);
    const again = parseChain(JSON.parse(JSON.stringify(chain.toJSON())), ctx);
    assert.deepEqual(again.toJSON(), chain.toJSON());
    for (const [i, e] of EXAMPLES.entries()) {
      for (const [k, v] of Object.entries(e)) assert.deepEqual(chain.toJSON()[i][k], v, `${e.type}.${k}`);
    }
    const out = chain.process([noise(4800, 1, 0.5), noise(4800, 2, 0.5)], 4800);
    assertFinite(
      out.map((c) => c.subarray(0, 4800)),
      "chain",
    );
    assert.throws(
      () => parseChain([{ type: "compressor", ratio: 0 }], ctx),
      /chain\[0\]\.ratio \(compressor\): must be between 1 and 100/,
    );
  });

  test("every processor runs at 8, 44.1, 96 and 384 kHz without NaN; time constants scale with the rate", () => {
    for (const sampleRate of [8000, 44100, 96000, 384000]) {
      const ctx = { sampleRate, channels: 2 };
      for (const e of EXAMPLES) {
        const json =
          e.type === "multiband" && sampleRate === 8000 ? { ...e, crossovers: [120, 1000, 3000] } : e;
        const [p] = parseChain([json], ctx).processors;
        const y = renderBlocks(p, [noise(sampleRate / 10, 3, 0.9), noise(sampleRate / 10, 4, 0.1)], [1000]);
        assertFinite(y, `${e.type} at ${sampleRate}`);
      }
      // Attack 10 ms: the gain reduction is 63% of the way after 10 ms at any rate.
      const c = new Compressor({ sampleRate, channels: 1 }, { thresholdDb: -30, ratio: 4, attackMs: 10 });
      const [y] = renderBlocks(c, [constant(sampleRate / 10, 10 ** (-10 / 20))], [997]);
      let i = 0;
      while (20 * Math.log10(y[i] / 10 ** (-10 / 20)) > -15 * (1 - Math.exp(-1))) i++;
      assert.ok(
        Math.abs(((i + 1) / sampleRate) * 1000 - 10) < 0.5,
        `attack at ${sampleRate}: ${((i + 1) / sampleRate) * 1000} ms`,
      );
    }
  });
});
