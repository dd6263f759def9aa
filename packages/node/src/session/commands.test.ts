import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Command } from "commander";
import { Progress } from "../cli/progress.ts";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";
import { registerRenderCommands } from "./commands.ts";

const SONG = corpusPath("song1");

/** Runs the commands in-process and captures what they print. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  registerRenderCommands(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "controlroom", ...args]);
  } catch (e) {
    err.push((e as Error).message);
    process.exitCode ||= 1;
  } finally {
    console.log = log;
    console.error = error;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: out.join("\n"), err: err.join("\n"), code };
}

describe("session commands", { skip: skipWithoutCorpus("song1") }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cr-cmd-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("session init makes a session from the stems with the arrangement's sections", async () => {
    const r = await run("session", "init", join(dir, "s"), "--from-stems", SONG);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /7 tracks, 4 sections, 48000 Hz, 120 bpm/);
    const json = JSON.parse(readFileSync(join(dir, "s", "session.json"), "utf8"));
    assert.equal(json.version, 2);
    assert.deepEqual(
      json.markers.map((m: { name: string }) => m.name),
      ["intro", "verse", "chorus", "outro"],
    );
  });

  it("session show lists tracks, sections and missing audio", async () => {
    const r = await run("session", "show", join(dir, "s", "session.json"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /keys: stereo, 1 take\(s\), 0 dB, pan 0, → master/);
    assert.match(r.out, /chorus: bars 17-24 \(0:32-0:48\)/);
    assert.match(r.out, /all files present and unchanged/);
  });

  it("render writes a section and its stems; a bad section is one clear error", async () => {
    const s = join(dir, "s", "session.json");
    const r = await run(
      "render",
      s,
      "-o",
      join(dir, "chorus.wav"),
      "--section",
      "chorus",
      "--stems",
      join(dir, "stems"),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /chorus\.wav: 0:16 \(768000 frames at 48000 Hz\)/);
    assert.equal(readdirSync(join(dir, "stems")).length, 8);
    const bad = await run("render", s, "-o", join(dir, "x.wav"), "--section", "bridge");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /no section "bridge" \(sections: intro, verse, chorus, outro\)/);
    assert.ok(!existsSync(join(dir, "x.wav")));
  });

  it("render --rate converts to another sample rate", async () => {
    const s = join(dir, "s", "session.json");
    const r = await run("render", s, "-o", join(dir, "intro44.wav"), "--section", "intro", "--rate", "44100");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\(705600 frames at 44100 Hz\)/);
  });

  it("render fills the cache while rendering sources read once, and decodes first (with a progress line) those read again", async () => {
    const s = join(dir, "s", "session.json");
    // The same song with the kick played by a second track: that source is read twice.
    const twice = JSON.parse(readFileSync(s, "utf8"));
    twice.tracks.push({ ...twice.tracks[0], id: "kick-again" });
    const looped = join(dir, "s", "twice.json");
    writeFileSync(looped, JSON.stringify(twice));
    // As on a terminal: progress drawn, and captured.
    const interactive = Progress.interactive;
    const write = process.stderr.write;
    const cacheDir = process.env.CONTROLROOM_CACHE_DIR;
    let drawn = "";
    Progress.interactive = () => true;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      drawn += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    const cached = (d: string) => readdirSync(d).filter((f) => f.endsWith(".f32")).length;
    try {
      // The whole song reads every stem once, in full: the render decodes them and fills the (cold) cache.
      process.env.CONTROLROOM_CACHE_DIR = join(dir, "cache");
      const cold = await run("render", s, "-o", join(dir, "whole.wav"));
      const coldDrawn = drawn;
      drawn = "";
      // Warm: nothing to decode.
      const warm = await run("render", s, "-o", join(dir, "whole2.wav"));
      const warmDrawn = drawn;
      drawn = "";
      // Into a fresh cache, the kick read twice is decoded before the render, the other six while rendering.
      process.env.CONTROLROOM_CACHE_DIR = join(dir, "cache2");
      const first = await run("render", looped, "-o", join(dir, "twice.wav"));
      const firstDrawn = drawn;
      Progress.interactive = interactive;
      process.stderr.write = write;
      for (const r of [cold, warm, first]) {
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /(whole2?|twice)\.wav: 1:04 \(3072000 frames at 48000 Hz\)/);
        assert.doesNotMatch(r.out + r.err + coldDrawn + drawn, /\n\s+at /, "no stack trace");
      }
      assert.equal(cached(join(dir, "cache")), 7);
      assert.equal(cached(join(dir, "cache2")), 7);
      assert.doesNotMatch(coldDrawn + warmDrawn, /decoding sources/);
      assert.match(coldDrawn, /\r\S*whole\.wav \[[█░]{24}\] +\d+%/);
      assert.match(warmDrawn, /whole2\.wav \[/);
      assert.match(firstDrawn, /\rdecoding sources \[[█░]{24}\] +\d+%/);
      // Decoding comes first, and its line is cleared before the render's is drawn.
      const firstRender = firstDrawn.search(/\r\S*twice\.wav \[/);
      assert.ok(firstRender > 0);
      assert.ok(firstDrawn.lastIndexOf("decoding sources") < firstRender);
      assert.ok(firstDrawn.slice(0, firstRender).endsWith("\r\x1b[K"), "decoding line cleared");
      assert.deepEqual(readFileSync(join(dir, "whole.wav")), readFileSync(join(dir, "whole2.wav")));
    } finally {
      Progress.interactive = interactive;
      process.stderr.write = write;
      if (cacheDir === undefined) delete process.env.CONTROLROOM_CACHE_DIR;
      else process.env.CONTROLROOM_CACHE_DIR = cacheDir;
    }
  });

  it("export-dawproject and import-dawproject", async () => {
    const s = join(dir, "s", "session.json");
    const file = join(dir, "song.dawproject");
    const e = await run("session", "export-dawproject", s, "-o", file);
    assert.equal(e.code, 0, e.err);
    const i = await run("session", "import-dawproject", file, join(dir, "imp"));
    assert.equal(i.code, 0, i.err);
    assert.match(i.out, /7 tracks, 0 buses/);
  });
});
