/**
 * `controlroom repair` and `controlroom align` as a user runs them, on a small synthetic file with a click,
 * DC and a delayed inverted copy: results, reports, and bad input giving one clear line, a non-zero exit and
 * no output file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createAudioWriter } from "../files/write.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const RATE = 48000;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function writeWav(path: string, x: Float32Array): Promise<void> {
  const w = await createAudioWriter(path, { sampleRate: RATE, channels: 1, bitDepth: 24, dither: "none" });
  await w.write([x]);
  await w.close();
}

describe("controlroom repair and align", () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-repair-"));
  const input = join(dir, "take.wav");
  const other = join(dir, "other.wav");
  const reference = join(dir, "reference.wav");
  before(async () => {
    const x = new Float32Array(2 * RATE);
    for (let i = 0; i < x.length; i++) {
      const t = i / RATE;
      x[i] =
        0.2 * Math.sin(2 * Math.PI * 220 * t) * Math.sin(Math.PI * (t / 2)) +
        0.1 * Math.sin(2 * Math.PI * 331 * t);
    }
    const late = new Float32Array(x.length);
    for (let i = 12; i < x.length; i++) late[i] = -x[i - 12];
    await writeWav(other, late);
    await writeWav(reference, x);
    const y = x.map((v) => v + 0.03);
    y[30000] += 0.4;
    await writeWav(input, y);
  });

  it("--detect lists the problems; --json gives the report", () => {
    const r = run(["repair", input, "--detect"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1 click/);
    assert.match(r.out, /DC offset/);
    const j = JSON.parse(run(["repair", input, "--detect", "--json"]).out);
    assert.equal(j.clicks.count, 1);
    assert.equal(j.clicks.events[0].start, 30000);
    assert.ok(Array.isArray(j.summary));
  });

  it("repairs with --fix auto, writes the report, refuses to overwrite without --force", () => {
    const out = join(dir, "fixed.flac");
    const report = join(dir, "report.json");
    const r = run(["repair", input, out, "--fix", "auto", "--report", report]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(readFileSync(report, "utf8"));
    assert.deepEqual(j.fixes, ["dc", "declick"]);
    assert.equal(j.bits, 24);
    const again = run(["repair", input, out]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /already exists.*--force/);
    assert.equal(run(["repair", input, out, "--force", "--report", report, "--fix", "dc"]).code, 0);
  });

  it("bad input: one clear line, non-zero exit, no output file", () => {
    const out = join(dir, "never.wav");
    const cases: [string[], RegExp][] = [
      [["repair", join(dir, "missing.wav"), out], /missing\.wav: file not found/],
      [["repair", input, out, "--fix", "declick,dewow"], /unknown fix "dewow"/],
      [["repair", input, out, "--noise-from", "1.5-9"], /--noise-from 1.5-9: not inside/],
      [["repair", input, out, "--noise-from", "abc"], /not a range of seconds/],
      [["repair", input, out, "--amount", "90"], /between 1 and 40 dB/],
      [["repair", input, join(dir, "x.mp3")], /must be \.wav or \.flac/],
      [["align", input, other], /-o\/--output is required/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    }
    assert.equal(existsSync(out), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith(".")),
      [],
      "no temporary files left",
    );
  });

  it("align finds 12 samples late and inverted", () => {
    const out = join(dir, "aligned.wav");
    const r = run(["align", reference, other, "-o", out, "--json"]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.delaySamples, 12);
    assert.equal(j.inverted, true);
    assert.equal(j.delayMs, 0.25);
  });
});
