import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";
import { loadSessionFile } from "../session/session-file.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const SONG = corpusPath("song1");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const brief = (args: string[]) => run(["brief", ...args]);

describe("controlroom brief: bad input", () => {
  let dir: string;
  let session: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "brief-cli-"));
    session = join(dir, "session.json");
    const audio = {
      sha256: "0".repeat(64),
      path: "missing.wav",
      sampleRate: 48000,
      channels: 1,
      frames: 48000,
    };
    await writeFile(
      session,
      JSON.stringify({
        version: 2,
        sampleRate: 48000,
        audio: { vox: audio },
        tracks: [{ id: "vox", takes: [{ id: "t", clips: [{ audio: "vox", start: 0, length: 1 }] }] }],
      }),
    );
    await writeFile(join(dir, "not-audio.wav"), "this is text, not audio");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => string[], RegExp][] = [
    [
      "no such session",
      () => [join(dir, "nope.json"), "warmer", "-o", join(dir, "a.json")],
      /nope\.json.*no such file/s,
    ],
    ["an empty note", () => [session, "  ", "-o", join(dir, "a.json")], /note is empty/],
    ["an unknown target", () => [session, "warmer trumpet", "-o", join(dir, "a.json")], /'trumpet'/],
    [
      "a part the session does not have",
      () => [session, "brighter strings", "-o", join(dir, "a.json")],
      /'strings'.*'vox'/,
    ],
    ["nothing understood", () => [session, "asdf", "-o", join(dir, "a.json")], /nothing in the note.*'asdf'/],
    [
      "an unreadable reference",
      () => [session, "warmer vocal", "--reference", join(dir, "not-audio.wav"), "-o", join(dir, "a.json")],
      /not-audio\.wav/,
    ],
    [
      "a missing reference",
      () => [session, "warmer vocal", "--reference", join(dir, "gone.wav"), "-o", join(dir, "a.json")],
      /gone\.wav/,
    ],
    [
      "an existing output",
      () => [session, "warmer vocal", "-o", session.replace("session", "existing")],
      /already exists.*--force/,
    ],
    [
      "writing over the session itself",
      () => [session, "warmer vocal", "-o", session, "--force"],
      /session itself/,
    ],
    [
      "a reference note without a reference",
      () => [session, "like that record", "-o", join(dir, "a.json")],
      /reference/,
    ],
    ["missing audio", () => [session, "warmer vocal", "-o", join(dir, "a.json")], /missing\.wav/],
    [
      "--stems without --render",
      () => [session, "warmer vocal", "-o", join(dir, "a.json"), "--stems", dir],
      /--stems needs --render/,
    ],
  ];
  for (const [name, args, message] of cases) {
    test(`${name}: one clear error, non-zero exit, nothing written`, async () => {
      await writeFile(join(dir, "existing.json"), "{}");
      const before = (await readdir(dir)).sort();
      const r = brief(args());
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split("\n").length, 1, r.err);
      assert.doesNotMatch(r.err, /\n\s+at /);
      assert.deepEqual((await readdir(dir)).sort(), before);
      assert.equal(await readFile(join(dir, "existing.json"), "utf8"), "{}");
    });
  }
});

describe("controlroom brief on song1", { skip: skipWithoutCorpus("song1") }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "brief-cli-"));
    assert.equal(run(["session", "init", join(dir, "s"), "--from-stems", SONG]).code, 0);
    await mkdir(join(dir, "elsewhere"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("--json --render: moves with reasons, predictions checked against the render, the session written elsewhere", async () => {
    const out = join(dir, "elsewhere", "new.json");
    const r = brief([
      join(dir, "s", "session.json"),
      "chorus: warmer and punchier drums, vocal a bit more forward, crunchy bass",
      "-o",
      out,
      "--json",
      "--render",
      join(dir, "section.wav"),
      "--stems",
      join(dir, "stems"),
    ]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(
      j.moves.map((m: { target: string; descriptor: string }) => `${m.target} ${m.descriptor}`),
      ["drums warm", "drums punchy", "vox forward"],
    );
    for (const m of j.moves) {
      assert.ok(m.changes.length > 0);
      assert.match(m.reason, /→/);
      assert.equal(typeof m.predicted.before, "number");
      assert.equal(m.measured.feature, m.predicted.feature);
      assert.ok(m.measured.ok, JSON.stringify(m));
    }
    assert.deepEqual(j.notUnderstood, [{ word: "crunchy", suggestions: ["dirty", "crisp"], kind: "word" }]);
    // The chorus was measured (bars 17-24 = 32-48 s; its middle 8 s).
    assert.deepEqual(j.span, { start: 36, end: 44 });
    assert.ok(existsSync(join(dir, "section.wav")));
    assert.ok((await readdir(join(dir, "stems"))).some((f) => f.includes("drums-bus")));
    // Written in another folder: its audio paths still find the stems.
    const { session } = await loadSessionFile(out);
    assert.ok(session.buses.some((b) => b.id === "drums-bus"));
    assert.equal(run(["session", "show", out]).code, 0);
    // Never silently over an existing file.
    const again = brief([join(dir, "s", "session.json"), "warmer", "-o", out]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /already exists/);
  });

  test("plain output names each move with its reason and the words not understood", () => {
    const r = brief([
      join(dir, "s", "session.json"),
      "bass tighter, crunchy keys",
      "-o",
      join(dir, "tight.json"),
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^bass: more tight$/m);
    assert.match(r.out, /boom \(60-150 Hz\) .* → /);
    assert.match(r.out, /didn't understand 'crunchy' — did you mean 'dirty' or 'crisp'\?/);
  });

  test("--reference: the mix moves towards the rough mix, measured after the render", () => {
    const r = brief([
      join(dir, "s", "session.json"),
      "like that record",
      "--reference",
      resolve(SONG, "../mixes/song1-rough-mix.flac"),
      "-o",
      join(dir, "ref.json"),
      "--json",
      "--render",
      join(dir, "ref.wav"),
    ]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const tone = j.moves.find((m: { descriptor: string }) => m.descriptor === "reference tone");
    assert.equal(tone.target, "mix");
    assert.equal(tone.changes[0].strip.kind, "master");
    assert.ok(tone.measured.after < tone.measured.before - 0.3, JSON.stringify(tone));
    assert.ok(
      j.moves.every((m: { measured: { ok: boolean } }) => m.measured.ok),
      r.out,
    );
  });
});
