import assert from "node:assert/strict";
import { test } from "node:test";
import { ParamError } from "../../core/params.ts";
import { parseChain, registerProcessor } from "../chain.ts";
import { COLOUR_PROCESSORS } from "../colour/index.ts";
import { noise } from "./harness.test.ts";
import { type Convolution, SPACE_PROCESSORS } from "./index.ts";

for (const f of [...SPACE_PROCESSORS, ...COLOUR_PROCESSORS]) registerProcessor(f);

test("the documented JSON forms parse into a chain, mono in → stereo out", () => {
  const json = [
    { type: "saturation", drive: 6, mix: 1 },
    { type: "delay", timeMs: 375, feedback: 0.3, mix: 0.2 },
    { type: "reverb", preset: "plate", decayS: 1.8, predelayMs: 20, mix: 0.2 },
    { type: "convolution", ir: "path/to/ir.wav", mix: 0.3, gainDb: 0 },
  ];
  const chain = parseChain(json, { sampleRate: 48000, channels: 1 });
  assert.deepEqual(
    chain.processors.map((p) => p.type),
    ["saturation", "delay", "reverb", "convolution"],
  );
  assert.equal(chain.outputChannels, 2);
  // Saturation's oversampler and the convolution's partition add up.
  assert.equal(chain.latency, chain.processors[0].latency + 1024);
  const conv = chain.processors[3] as Convolution;
  conv.setImpulseResponse([noise(4800, 1, 0.05)], 48000);
  const out = chain.process([noise(9600, 2, 0.5)], 9600);
  for (const ch of out) for (let i = 0; i < 9600; i++) assert.ok(Number.isFinite(ch[i]));
  for (const [i, p] of chain.processors.entries())
    assert.deepEqual(p.toJSON(), { ...p.getParams(), type: json[i].type });
});

test("bad values are reported with the chain position and parameter", () => {
  const ctx = { sampleRate: 48000, channels: 2 };
  assert.throws(
    () => parseChain([{ type: "reverb", decayS: 0 }], ctx),
    (e: unknown) =>
      e instanceof ParamError &&
      /chain\[0\]\.decayS \(reverb\): must be between 0\.1 and 20 s/.test(e.message),
  );
  assert.throws(
    () => parseChain([{ type: "delay" }, { type: "saturation", oversample: 3 }], ctx),
    /chain\[1\]\.oversample \(saturation\): must be 1, 2, 4 or 8, got 3/,
  );
  assert.throws(
    () => parseChain([{ type: "delay", note: "1/3" }], ctx),
    /chain\[0\]\.note \(delay\): must be one of/,
  );
});
