/**
 * End-to-end: the controlroom program as a user runs it — real files from the corpus, bad files beside good
 * ones, JSON keys other tools depend on, exit codes, and no stack traces.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CORPUS as corpus, skipWithoutCorpus } from "../files/test-support.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const noCorpus = skipWithoutCorpus("levels.json");

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const REQUIRED_KEYS = [
  "file",
  "format",
  "sampleRate",
  "channels",
  "bitDepth",
  "durationSeconds",
  "integratedLufs",
  "loudnessRangeLu",
  "truePeakDbtp",
  "samplePeakDbfs",
  "maxMomentaryLufs",
  "maxShortTermLufs",
  "rmsDbfs",
  "crestFactorDb",
  "dcOffset",
  "clippedSamples",
  "correlation",
  "monoLossDb",
  "silence",
  "warnings",
];

describe("controlroom analyze", () => {
  test("reads the corpus rough mix and agrees with the published ffmpeg levels", { skip: noCorpus }, () => {
    const levels = JSON.parse(readFileSync(join(corpus, "levels.json"), "utf8"));
    const file = join(corpus, "mixes", "song1-rough-mix.flac");
    const r = run(["analyze", "--json", file]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    for (const k of REQUIRED_KEYS) assert.ok(k in j, `missing key ${k}`);
    assert.deepEqual(Object.keys(j.silence).sort(), ["headSeconds", "tailSeconds"]);
    const ref = levels["mixes/song1-rough-mix.flac"];
    assert.equal(j.format, "flac");
    assert.equal(j.sampleRate, 48000);
    assert.equal(j.channels, 2);
    assert.equal(j.bitDepth, 24);
    assert.equal(j.durationSeconds, 64);
    // levels.json holds ffmpeg's one-decimal readings, so allow its rounding (±0.05) on top of ±0.1.
    assert.ok(
      Math.abs(j.integratedLufs - ref.integratedLufs) <= 0.15,
      `integrated ${j.integratedLufs} vs ${ref.integratedLufs}`,
    );
    assert.ok(
      Math.abs(j.truePeakDbtp - ref.truePeakDbtp) <= 0.15,
      `true peak ${j.truePeakDbtp} vs ${ref.truePeakDbtp}`,
    );
    assert.ok(Math.abs(j.samplePeakDbfs - ref.samplePeakDbfs) <= 0.01, `sample peak ${j.samplePeakDbfs}`);
    assert.ok(
      Math.abs(j.loudnessRangeLu - ref.loudnessRangeLu) <= 1,
      `LRA ${j.loudnessRangeLu} vs ${ref.loudnessRangeLu}`,
    );
    assert.equal(j.dcOffset.length, 2);
    assert.equal(j.clippedSamples, 0);
    assert.ok(j.correlation > 0 && j.correlation <= 1);
  });

  test("agrees with ffmpeg's ebur128 on every corpus file (I, LRA, true peak, sample peak)", {
    skip: noCorpus,
  }, () => {
    // levels.json holds ffmpeg's readings, printed to 0.1 (I, LRA, TP): agreement within 0.1 plus that rounding.
    const levels: Record<string, Record<string, number>> = JSON.parse(
      readFileSync(join(corpus, "levels.json"), "utf8"),
    );
    const files = Object.keys(levels);
    const r = run(["analyze", "--json", ...files.map((f) => join(corpus, f))]);
    assert.equal(r.code, 0, r.err);
    const reports = JSON.parse(r.out);
    for (const [i, f] of files.entries()) {
      const ours = reports[i];
      const ref = levels[f];
      const near = (key: string, tol: number) =>
        assert.ok(
          Math.abs(ours[key] - ref[key]) <= tol,
          `${f} ${key}: ours ${ours[key]}, ffmpeg ${ref[key]}`,
        );
      near("integratedLufs", 0.15);
      near("truePeakDbtp", 0.15);
      near("samplePeakDbfs", 0.06);
      near("loudnessRangeLu", 1);
      assert.equal(ours.frames, ref.samples);
    }
  });

  test("finds the injected faults in the problem takes", { skip: noCorpus }, () => {
    const t = (name: string) => join(corpus, "takes", name);
    const r = run(["analyze", "--json", t("vox-dc.flac"), t("vox-clipped.flac"), t("clean-vox.flac")]);
    assert.equal(r.code, 0, r.err);
    const [dc, clipped, clean] = JSON.parse(r.out);
    assert.ok(Math.abs(dc.dcOffset[0] - 0.05) < 0.001, `DC ${dc.dcOffset[0]}`);
    assert.ok(Math.abs(clean.dcOffset[0]) < 0.001);
    // Ground truth: every clipped run the corpus generator injected, with positions.
    const truth = JSON.parse(readFileSync(t("vox-clipped.json"), "utf8"));
    assert.equal(clipped.clippedSamples, truth.clippedSamples);
    assert.equal(clipped.clipRuns, truth.clippedRuns);
    assert.deepEqual(
      clipped.clipPositions.map((p: { startSample: number; length: number }) => [p.startSample, p.length]),
      truth.runs,
    );
    assert.equal(clean.clippedSamples, 0);
    assert.equal(clean.correlation, null, "mono has no correlation");
  });

  test("bad files get one clear line each; good files are still reported; exit code 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "cr-cli-"));
    const png = join(dir, "cover.wav");
    writeFileSync(
      png,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200)]),
    );
    const random = join(dir, "noise.wav");
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    writeFileSync(random, bytes);
    const truncated = join(dir, "truncated.wav");
    const header = Buffer.alloc(44);
    header.write("RIFF", 0);
    header.writeUInt32LE(36 + 48000, 4);
    header.write("WAVEfmt ", 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(2, 22);
    header.writeUInt32LE(48000, 24);
    header.writeUInt32LE(48000 * 4, 28);
    header.writeUInt16LE(4, 32);
    header.writeUInt16LE(16, 34);
    header.write("data", 36);
    header.writeUInt32LE(48000, 40);
    writeFileSync(truncated, header.subarray(0, 30));
    const good = join(dir, "good.wav");
    // A valid 16-bit stereo WAV: 0.5 s of a 1 kHz sine at −6 dBFS.
    const n = 24000;
    const wav = Buffer.alloc(44 + n * 4);
    header.copy(wav, 0, 0, 44);
    wav.writeUInt32LE(36 + n * 4, 4);
    wav.writeUInt32LE(n * 4, 40);
    for (let i = 0; i < n; i++) {
      const v = Math.round(Math.sin((2 * Math.PI * 1000 * i) / 48000) * 0.5 * 32767);
      wav.writeInt16LE(v, 44 + i * 4);
      wav.writeInt16LE(v, 46 + i * 4);
    }
    writeFileSync(good, wav);
    const missing = join(dir, "missing.wav");

    const r = run(["analyze", png, random, good, truncated, missing]);
    assert.equal(r.code, 1);
    const errLines = r.err.trim().split("\n");
    assert.equal(errLines.length, 4, r.err);
    for (const [i, f] of [png, random, truncated, missing].entries()) {
      assert.ok(errLines[i].startsWith(`${f}: `), `line names the file: ${errLines[i]}`);
    }
    assert.match(errLines[0], /PNG/i);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    assert.match(r.out, /good\.wav/);
    assert.match(r.out, /Sample peak\s+-6\.0/);

    const j = run(["analyze", "--json", good, png]);
    assert.equal(j.code, 1);
    const arr = JSON.parse(j.out);
    assert.equal(arr.length, 2);
    assert.ok(Math.abs(arr[0].samplePeakDbfs + 6.02) < 0.01);
    assert.equal(arr[1].file, png);
    assert.match(arr[1].error, /PNG/i);

    // The same from the TypeScript sources (the path taken when the prebuilt bundle is stale).
    const src = run(["analyze", "--json", good, png], { CONTROLROOM_FROM_SOURCE: "1" });
    assert.equal(src.code, 1);
    assert.deepEqual(JSON.parse(src.out), arr);
  });

  test("usage errors exit 2 with commander's line and the help; help and version exit 0", () => {
    for (const args of [["analyze", "--bogus", "x.wav"], ["analyze"], ["render", "s.json"], ["nosuch"]]) {
      const r = run(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, /^error: /, args.join(" "));
      assert.match(r.err, /Usage: controlroom/);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    }
    assert.equal(run(["--version"]).code, 0);
    const help = run(["analyze", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: controlroom analyze/);
  });

  test("--plot writes a PNG and an SVG with axis labels", () => {
    const dir = mkdtempSync(join(tmpdir(), "cr-plot-"));
    const demo = run(["demo", "--out", dir]);
    assert.equal(demo.code, 0, demo.err);
    const wav = join(dir, "example-song.wav");
    const svg = join(dir, "plot.svg");
    const r = run(["analyze", wav, "--plot", svg]);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(svg, "utf8");
    assert.match(text, /loudness \(LUFS\)/);
    assert.match(text, /time \(m:ss\)/);
    assert.match(text, /integrated -?\d+\.\d LUFS/);
    const png = readFileSync(join(dir, "example-song-loudness.png"));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    const bad = run(["analyze", wav, "--plot", join(dir, "plot.jpg")]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /must end in \.png or \.svg/);
  });
});
