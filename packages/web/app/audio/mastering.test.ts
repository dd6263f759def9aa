import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { masterToTarget, resolveTarget } from "@controlroom/engine/mastering/master-plan.ts";
import type { AudioFileInfo } from "@controlroom/node/files/types.ts";
import { masterChannels } from "@controlroom/node/mastering/master-file.ts";
import { master } from "./mastering.ts";

const RATE = 48000;

/**
 * Four seconds of a synthetic mix: a kick every half second, a bass line, a chord and noise hats, panned so
 * the image is wide; `antiPhase` adds a loud side-only layer (correlation below zero, as vinyl refuses).
 */
function mix(antiPhase = false): Float32Array[] {
  const n = 4 * RATE;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 31 - 1;
  };
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const beat = t % 0.5;
    const kick = 0.6 * Math.exp(-beat * 18) * Math.sin(2 * Math.PI * (50 + 80 * Math.exp(-beat * 30)) * beat);
    const bass = 0.2 * Math.sin(2 * Math.PI * 55 * t);
    const chord = 0.08 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277 * t));
    const hat = 0.05 * noise() * Math.exp(-((t + 0.25) % 0.25) * 60);
    const side = antiPhase ? 0.4 * Math.sin(2 * Math.PI * 330 * t + 3 * Math.sin(2 * Math.PI * 0.7 * t)) : 0;
    l[i] = kick + bass + chord * 1.2 + hat * 0.6 + side;
    r[i] = kick + bass + chord * 0.8 + hat * 1.4 - side;
  }
  return [l, r];
}

const info = (channels: Float32Array[]): AudioFileInfo => ({
  path: "synthetic.wav",
  format: "wav",
  codec: "pcm_f32le",
  sampleRate: RATE,
  channels: channels.length,
  bitDepth: 32,
  sampleFormat: "float",
  frames: channels[0].length,
  metadata: {},
  warnings: [],
});

/** Bit-for-bit equality of planar audio (every float's bytes), naming the first difference. */
function sameBits(a: Float32Array[], b: Float32Array[]): void {
  assert.equal(a.length, b.length, "channel count");
  for (const [c, x] of a.entries()) {
    const y = b[c];
    assert.equal(x.length, y.length, `channel ${c} length`);
    const xi = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yi = new Uint32Array(y.buffer, y.byteOffset, y.length);
    const at = xi.findIndex((v, i) => v !== yi[i]);
    assert.equal(at, -1, `channel ${c} differs at sample ${at}: ${x[at]} vs ${y[at]}`);
  }
}

describe("one mastering policy for the command line, the studio and the browser", () => {
  // spotify: the plain drive search; cd: resampled to 44.1 kHz first; vinyl: mono bass, de-essing and the
  // correlation floor narrowing the image pass after pass.
  for (const [target, antiPhase] of [
    ["spotify", false],
    ["cd", false],
    ["vinyl", true],
  ] as const) {
    it(`masters to ${target} with the same samples through Node's masterChannels and the browser's worker function`, async () => {
      const input = mix(antiPhase);
      const node = await masterChannels(
        input.map((c) => c.slice()),
        info(input),
        resolveTarget({ target }),
        {},
      );
      const browser = await master(
        input.map((c) => c.slice()),
        RATE,
        target,
        () => {},
      );
      const engine = await masterToTarget(
        input.map((c) => c.slice()),
        RATE,
        resolveTarget({ target }),
      );
      assert.equal(browser.sampleRate, node.sampleRate);
      assert.equal(engine.sampleRate, node.sampleRate);
      sameBits(node.result.channels, browser.output);
      sameBits(node.result.channels, engine.result.channels);
      assert.deepEqual(browser.warnings, node.warnings);
      if (target === "cd") assert.equal(node.sampleRate, 44100);
      if (target === "vinyl") assert.match(node.warnings.join(" "), /width narrowed to/);
    });
  }
});
