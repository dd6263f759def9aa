import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, test } from "node:test";
import { Command } from "commander";
import { tempFolder } from "../files/test-support.ts";
import { registerQc } from "../qc/commands.ts";
import { registerMaster } from "./commands.ts";
import { writeChannels } from "./master-file.ts";
import { excerpt } from "./test-support.ts";

const tmp = tempFolder("master-cli");
after(() => tmp.remove());

/** Runs a command line through a fresh program; returns the exit code it set and what it printed. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command().exitOverride();
  registerMaster(program);
  registerQc(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "controlroom", ...args]);
  } finally {
    console.log = log;
    console.error = error;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("master --lufs/--tp writes the master, the JSON report and the HTML report; qc --target passes it", async () => {
  const input = tmp.path("in.wav");
  await writeChannels(
    input,
    excerpt.map((c) => c.slice(0, 10 * 48000)),
    48000,
    24,
  );
  const out = tmp.path("out.wav");
  const r = await run([
    "master",
    input,
    "-o",
    out,
    "--lufs",
    "-16",
    "--tp",
    "-1.5",
    "--report",
    tmp.path("r.html"),
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(tmp.path("out.master.json"), "utf8"));
  assert.ok(Math.abs(json.after.integratedLufs - -16) <= 0.5);
  assert.ok(json.after.truePeakDbtp <= -1.5);
  assert.equal(json.onTarget, true);
  assert.match(
    readFileSync(tmp.path("r.html"), "utf8"),
    /<svg[\s\S]*Limiter gain reduction[\s\S]*Long-term spectrum/,
  );
  // Never overwrites silently; an unknown output format is refused before any work.
  await assert.rejects(run(["master", input, "-o", out, "--lufs", "-16", "--quiet"]), /already exists/);
  await assert.rejects(
    run(["master", input, "-o", tmp.path("x.mp3"), "--lufs", "-16"]),
    /must be \.wav or \.flac, got "\.mp3"/,
  );
  await assert.rejects(
    run(["master", input, "-o", tmp.path("y.wav"), "--target", "spotfy"]),
    /unknown preset "spotfy"/,
  );
  const qc = await run(["qc", out, "--target", "apple", "--no-lossy"]);
  assert.equal(qc.code, 0, qc.out);
  assert.match(qc.out, /PASS {2}loudness/);
});

test("master refuses (exit 2, nothing written) when the target needs more limiting than allowed", async () => {
  const input = tmp.path("in2.wav");
  await writeChannels(
    input,
    excerpt.map((c) => c.slice(0, 10 * 48000)),
    48000,
    24,
  );
  const out = tmp.path("crushed.wav");
  const r = await run([
    "master",
    input,
    "-o",
    out,
    "--lufs",
    "-7",
    "--tp",
    "-1",
    "--max-limiting",
    "3",
    "--quiet",
  ]);
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /refused: reaching -7 LUFS .* needs [\d.]+ dB of limiting, more than the 3 dB allowed; about -[\d.]+ LUFS is reachable/,
  );
  assert.equal(existsSync(out), false);
});
