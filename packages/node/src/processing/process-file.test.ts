/**
 * `controlroom process` end to end on corpus audio: every processor type of the chain interface runs,
 * latency is compensated so the output lines up with the input, bad chains name the processor and the
 * parameter, output follows the extension, bits and rate, and Ctrl-C leaves nothing behind.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { readWholeFile } from "../files/open.ts";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";
import { createAudioWriter } from "../files/write.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const noCorpus = skipWithoutCorpus("takes", "clean-vox.flac");
const dir = mkdtempSync(join(tmpdir(), "cr-process-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The chain examples of the interface, all in one chain. */
const EVERY_TYPE = [
  { type: "gain", db: -3 },
  {
    type: "eq",
    bands: [
      { kind: "highpass", freq: 80, slope: 24 },
      { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
      { kind: "highshelf", freq: 10000, gainDb: 2 },
    ],
  },
  { type: "compressor", thresholdDb: -18, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 0, makeupDb: 0 },
  { type: "gate", thresholdDb: -50 },
  { type: "deesser", freq: 6500, thresholdDb: -30 },
  { type: "pitch", key: "A", scale: "minor", speed: 0.5 },
  { type: "saturation", drive: 6, mix: 1 },
  { type: "pan", position: -0.3 },
  { type: "width", amount: 1.2 },
  { type: "reverb", preset: "plate", decayS: 1.8, predelayMs: 20, mix: 0.2 },
  { type: "delay", timeMs: 375, feedback: 0.3, mix: 0.2 },
  { type: "limiter", ceilingDb: -1, releaseMs: 50 },
];

describe("controlroom process", () => {
  test("runs every processor type of the chain interface on a real take", { skip: noCorpus }, async () => {
    const out = join(dir, "every.wav");
    const r = run([
      "process",
      corpusPath("takes", "clean-vox.flac"),
      out,
      "--chain",
      JSON.stringify(EVERY_TYPE),
    ]);
    assert.equal(r.code, 0, r.err);
    const { info, channels } = await readWholeFile(out, { maxFrames: 1e7 });
    assert.equal(info.channels, 2, "the mono pan made the chain stereo");
    assert.equal(info.frames, 480000, "output as long as the input");
    assert.equal(info.bitDepth, 24, "bit depth follows the input");
    let peak = 0;
    for (const c of channels) for (const v of c) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak > 0.05 && peak <= 10 ** (-1 / 20) + 1e-3, `peak ${peak} under the limiter ceiling`);
  });

  test("latency is compensated: a lookahead limiter and a linear-phase EQ that change nothing null", {
    skip: noCorpus,
  }, async () => {
    const input = corpusPath("takes", "clean-vox.flac");
    const out = join(dir, "aligned.wav");
    const chain = [
      { type: "eq", mode: "linear", bands: [{ kind: "peak", freq: 1000, gainDb: 0, q: 1 }] },
      { type: "limiter", ceilingDb: 0, releaseMs: 50, lookaheadMs: 5 },
    ];
    const r = run(["process", input, out, "--bits", "32", "--chain", JSON.stringify(chain)]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /latency \d+ samples compensated/);
    const a = await readWholeFile(input, { maxFrames: 1e7 });
    const b = await readWholeFile(out, { maxFrames: 1e7 });
    assert.equal(b.info.frames, a.info.frames);
    let err = 0;
    for (let i = 0; i < a.channels[0].length; i++)
      err = Math.max(err, Math.abs(a.channels[0][i] - b.channels[0][i]));
    assert.ok(err < 1e-4, `max difference ${err}`);
  });

  test("writes FLAC by extension, --bits 16 and --rate 44100 with exact length", {
    skip: noCorpus,
  }, async () => {
    const out = join(dir, "small.flac");
    const r = run([
      "process",
      corpusPath("takes", "clean-vox.flac"),
      out,
      "--bits",
      "16",
      "--rate",
      "44100",
      "--chain",
      '[{"type":"gain","db":-6}]',
    ]);
    assert.equal(r.code, 0, r.err);
    const { info } = await readWholeFile(out, { maxFrames: 1e7 });
    assert.equal(info.format, "flac");
    assert.equal(info.bitDepth, 16);
    assert.equal(info.sampleRate, 44100);
    assert.equal(info.frames, 441000);
    assert.match(r.out, /10\.000 s written/);
  });

  test("a bad chain names the processor index and the parameter; nothing is written", {
    skip: noCorpus,
  }, () => {
    const out = join(dir, "bad.wav");
    const input = corpusPath("takes", "clean-vox.flac");
    const cases: [unknown, RegExp][] = [
      [
        [
          { type: "gain", db: -3 },
          { type: "compressor", ratio: 0 },
        ],
        /chain\[1\]\.ratio \(compressor\)/,
      ],
      [[{ type: "eq", bands: [{ kind: "highpass", freq: 80, slope: 25 }] }], /chain\[0\]\.bands\[0\]\.slope/],
      [[{ type: "fuzzbox" }], /chain\[0\].*fuzzbox/],
      [[{ type: "limiter", ceilingDb: "loud" }], /chain\[0\]\.ceilingDb/],
    ];
    for (const [chain, re] of cases) {
      const r = run(["process", input, out, "--chain", JSON.stringify(chain)]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, re);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    }
    const notJson = run(["process", input, out, "--chain", "[{type:gain}"]);
    assert.notEqual(notJson.code, 0);
    assert.doesNotMatch(notJson.err, /\n\s+at /);
    assert.equal(existsSync(out), false);
  });

  test("a long file runs its chain on two threads with output identical to one thread", async () => {
    const { processFile } = await import("./process-file.ts");
    const { chooseCut } = await import("./pipelined-chain.ts");
    const input = join(dir, "forty.wav");
    const w = await createAudioWriter(input, { sampleRate: 48000, channels: 2, bitDepth: 24 });
    let seed = 3;
    for (let s = 0; s < 40; s++) {
      const l = new Float32Array(48000);
      const r = new Float32Array(48000);
      for (let i = 0; i < l.length; i++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        l[i] = 0.3 * Math.sin((s * 48000 + i) * 0.031) + (seed / 2 ** 32 - 0.5) * 0.2;
        r[i] = 0.25 * Math.sin((s * 48000 + i) * 0.017);
      }
      await w.write([l, r]);
    }
    await w.close();
    const chain = [
      { type: "eq", bands: [{ kind: "highpass", freq: 80, slope: 12 }] },
      { type: "compressor", thresholdDb: -18, ratio: 4 },
      { type: "reverb", preset: "hall", decayS: 1.8, mix: 0.2 },
      { type: "limiter", ceilingDb: -1 },
    ];
    assert.notEqual(chooseCut(chain, 40 * 48000, 48000), null, "this chain is worth cutting");
    const one = join(dir, "one-thread.wav");
    const two = join(dir, "two-threads.wav");
    await processFile(input, one, { chain, bits: 32, parallel: false, tailSeconds: 1 });
    await processFile(input, two, { chain, bits: 32, tailSeconds: 1 });
    const a = await readWholeFile(one, { maxFrames: 1e8 });
    const b = await readWholeFile(two, { maxFrames: 1e8 });
    assert.equal(b.info.frames, a.info.frames);
    for (let c = 0; c < 2; c++) assert.deepEqual(b.channels[c], a.channels[c], `channel ${c + 1} differs`);
  });

  test("Ctrl-C leaves no file under the final name (and no temporary file)", async () => {
    // A long synthetic input so the process is still running when the signal arrives.
    const input = join(dir, "long.wav");
    const w = await createAudioWriter(input, { sampleRate: 48000, channels: 2, bitDepth: 24 });
    const block = new Float32Array(48000).map((_, i) => 0.3 * Math.sin(i * 0.05));
    for (let s = 0; s < 240; s++) await w.write([block, block]);
    await w.close();
    const out = join(dir, "cancelled.wav");
    const child = spawn(process.execPath, [
      bin,
      "process",
      input,
      out,
      "--chain",
      '[{"type":"reverb","preset":"hall"}]',
    ]);
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    // Signal as soon as the output's temporary file exists: the render is under way, far from done.
    const started = Date.now();
    while (!readdirSync(dir).some((f) => f.includes("cancelled")) && Date.now() - started < 60000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    assert.equal(code, 130, err);
    assert.match(err, /cancelled/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes("cancelled")),
      [],
    );
  });
});
