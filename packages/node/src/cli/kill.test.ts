/**
 * Kill tests for the commands that write files: `process`, `render` (a mix and its stems, zipped or in a folder),
 * `master` and `deliver`, each run as a user runs it and killed with SIGKILL at two points — as soon as its first
 * temporary file appears, and when what it has written reaches half of a finished run's size. After a kill nothing
 * may be under an output's name (only hidden temporary files); running the same command again in the same folder
 * must succeed, write what an uninterrupted run writes, and leave no temporary file behind (the next write removes
 * those of processes no longer running).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { type Dirent, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { createAudioWriter } from "../files/write.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const SECONDS = 30;
const RATE = 48000;

/** A command under test: its arguments in folder `dir`, and the outputs it makes there (audio ones hashed). */
interface Case {
  name: string;
  args(dir: string): string[];
  outputs: string[];
  /** Outputs whose bytes must equal an uninterrupted run's (the others carry dates or paths). */
  same: string[];
}

let input = "";
let session = "";

const CASES: Case[] = [
  {
    name: "process",
    args: (d) => [
      "process",
      input,
      join(d, "out.wav"),
      "--chain",
      '[{"type":"eq","bands":[{"kind":"highpass","freq":40}]},{"type":"compressor","thresholdDb":-20,"ratio":3},{"type":"reverb","preset":"hall"}]',
    ],
    outputs: ["out.wav"],
    same: ["out.wav"],
  },
  {
    name: "render (mix and stems)",
    args: (d) => ["render", session, "-o", join(d, "mix.wav"), "--stems", join(d, "stems.zip")],
    outputs: ["mix.wav", "stems.zip"],
    same: ["mix.wav"],
  },
  {
    name: "render (mix and a stems folder)",
    args: (d) => ["render", session, "-o", join(d, "mix.wav"), "--stems", join(d, "stems")],
    outputs: ["mix.wav", "stems"],
    same: ["mix.wav"],
  },
  {
    name: "master",
    args: (d) => ["master", input, "-o", join(d, "master.wav"), "--lufs", "-16", "--tp", "-1", "--quiet"],
    outputs: ["master.wav", "master.master.json"],
    same: ["master.wav"],
  },
  {
    name: "deliver",
    args: (d) => ["deliver", input, "--to", d, "--formats", "wav24,wav16,flac,mp3"],
    outputs: [],
    same: [],
  },
];

/**
 * Total bytes of everything in `dir` (recursively), as far as it can be seen while the command writes: a folder
 * it renames or removes meanwhile (a staging folder put in place) counts as empty.
 */
function bytesIn(dir: string): number {
  let n = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? bytesIn(p) : (statSync(p, { throwIfNoEntry: false })?.size ?? 0);
  }
  return n;
}
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const listing = (dir: string) => readdirSync(dir).sort();

/** Runs the command to the end; returns its exit code and stderr. */
function runToEnd(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => resolve({ code, err }));
  });
}

/**
 * Runs the command in `dir` and kills it with SIGKILL once `point(dir)` holds. @returns whether it was
 * killed (false: it finished first).
 */
function runAndKill(args: string[], dir: string, point: (dir: string) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: "ignore" });
    let done = false;
    const poll = setInterval(() => {
      if (!done && point(dir)) {
        done = true;
        p.kill("SIGKILL");
      }
    }, 2);
    p.on("exit", (_code, signal) => {
      clearInterval(poll);
      resolve(signal === "SIGKILL");
    });
  });
}

const hidden = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("."));

describe("SIGKILL during the commands that write files", { concurrency: false }, () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "cr-cli-kill-"));
    input = join(root, "song.wav");
    const w = await createAudioWriter(input, { sampleRate: RATE, channels: 2, bitDepth: 24, ditherSeed: 1 });
    await w.write(exampleSong({ sampleRate: RATE, seconds: SECONDS }));
    await w.close();
    session = join(root, "session.json");
    const ref = { sha256: sha(input), path: input, sampleRate: RATE, channels: 2, frames: SECONDS * RATE };
    const clip = [{ id: "t", clips: [{ audio: "song", start: 0, length: SECONDS }] }];
    writeFileSync(
      session,
      JSON.stringify({
        version: 2,
        sampleRate: RATE,
        audio: { song: ref },
        tracks: [
          { id: "a", volumeDb: -6, takes: clip },
          { id: "b", pan: 0.4, takes: clip },
        ],
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const c of CASES) {
    test(`${c.name}: a kill leaves nothing under the output's name; running again completes`, async (t) => {
      const base = join(root, c.name.replace(/\W+/g, "-"));
      const reference = join(base, "reference");
      mkdirSync(reference, { recursive: true });
      const ref = await runToEnd(c.args(reference));
      assert.equal(ref.code, 0, ref.err);
      const expected = listing(reference);
      assert.deepEqual(hidden(reference), [], "an uninterrupted run leaves no temporary file");
      for (const o of c.outputs) assert.ok(expected.includes(o), `${o} not written`);
      const full = bytesIn(reference);

      const points: [string, (d: string) => boolean][] = [
        ["its first temporary file appears", (d) => hidden(d).length > 0],
        ["half its output is written", (d) => bytesIn(d) >= full / 2],
      ];
      const killedDir = join(base, "killed");
      mkdirSync(killedDir);
      for (const [when, point] of points) {
        const killed = await runAndKill(c.args(killedDir), killedDir, point);
        if (!killed) {
          // It finished before the point was seen: then it must have finished whole.
          t.diagnostic(`${c.name} finished before ${when}`);
          assert.deepEqual(listing(killedDir), expected);
          for (const n of listing(killedDir)) rmSync(join(killedDir, n), { recursive: true, force: true });
          continue;
        }
        // Nothing visible: only hidden temporary files (and staging folders) may be left.
        const visible = listing(killedDir).filter((n) => !n.startsWith("."));
        assert.deepEqual(visible, [], `${c.name} killed when ${when} left ${visible.join(", ")}`);
      }
      // Again in the same folder, over what the kills left.
      const again = await runToEnd(c.args(killedDir));
      assert.equal(again.code, 0, again.err);
      assert.deepEqual(listing(killedDir), expected, "the same files as an uninterrupted run, nothing else");
      for (const n of c.same) assert.equal(sha(join(killedDir, n)), sha(join(reference, n)), `${n} differs`);
      // Audio the same size (deliver's carry the date; reports name their folder).
      for (const n of expected.filter((f) => !f.endsWith(".json")))
        assert.equal(
          statSync(join(killedDir, n)).size,
          statSync(join(reference, n)).size,
          `${n}: size differs from an uninterrupted run's`,
        );
    });
  }
});
