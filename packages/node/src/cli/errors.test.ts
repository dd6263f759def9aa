/**
 * Every way a user can get a command wrong, run as the user runs it: a missing or unreadable file, a file that
 * is not audio, a bad option value, an output that already exists. Each must end in one message that names the
 * file or the option at fault, a non-zero exit code, no stack trace, and a final newline. (`process` and
 * `render` replace an existing output, as sox and ffmpeg -y do; `master` and `deliver` refuse without --force.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ffmpeg } from "../files/test-support.ts";

const bin = fileURLToPath(new URL("../../bin/controlroom.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "controlroom-cli-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 24 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

{
  ffmpeg(["-f", "lavfi", "-i", "sine=f=440:d=1:r=48000", "-ac", "2", "-c:a", "pcm_s24le", at("mix.wav")]);
  copyFileSync(at("mix.wav"), at("existing.wav"));
  writeFileSync(at("notes.wav"), "just some notes\nabout the mix\n");
  writeFileSync(at("empty.wav"), "");
  writeFileSync(at("bad.json"), "{ not json");
  writeFileSync(at("meta-bad.json"), "[1, 2");
  writeFileSync(at("a-file"), "x");
  mkdirSync(at("folder.wav"));
  // A session of one track (mix.wav) for the render cases, and a finished delivery to collide with.
  mkdirSync(at("stems"));
  copyFileSync(at("mix.wav"), at("stems/mix.wav"));
  const init = run(["session", "init", "song", "--from-stems", "stems"]);
  assert.equal(init.code, 0, init.err);
  const first = run(["deliver", "mix.wav", "--to", "out", "--formats", "wav24"]);
  assert.equal(first.code, 0, first.err);
}

/** [what goes wrong, the command line, what the message must name]. */
const CASES: [string, string[], RegExp][] = [
  // analyze
  ["analyze: missing file", ["analyze", "nope.wav"], /nope\.wav/],
  ["analyze: text named .wav", ["analyze", "notes.wav"], /notes\.wav/],
  ["analyze: empty file", ["analyze", "empty.wav"], /empty\.wav/],
  ["analyze: a folder", ["analyze", "folder.wav"], /folder\.wav/],
  ["analyze: --plot to a .jpg", ["analyze", "mix.wav", "--plot", "x.jpg"], /--plot/],
  ["analyze: unknown option", ["analyze", "mix.wav", "--loud"], /--loud/],
  ["analyze: no file", ["analyze"], /file/],
  // process
  ["process: missing input", ["process", "nope.wav", "o1.wav", "--chain", "[]"], /nope\.wav/],
  ["process: text input", ["process", "notes.wav", "o2.wav", "--chain", "[]"], /notes\.wav/],
  ["process: --chain not JSON", ["process", "mix.wav", "o3.wav", "--chain", "[{"], /--chain/],
  [
    "process: --chain bad value",
    ["process", "mix.wav", "o4.wav", "--chain", '[{"type":"gain","db":"loud"}]'],
    /--chain.*db/,
  ],
  [
    "process: --chain missing file",
    ["process", "mix.wav", "o5.wav", "--chain", "@nope-chain.json"],
    /nope-chain/,
  ],
  ["process: output folder missing", ["process", "mix.wav", "no/such/o.wav", "--chain", "[]"], /no\/such/],
  ["process: output format unknown", ["process", "mix.wav", "o.xyz", "--chain", "[]"], /o\.xyz/],
  // render and session
  ["render: missing session", ["render", "nope.json", "-o", "r1.wav"], /nope\.json/],
  ["render: session not JSON", ["render", "bad.json", "-o", "r2.wav"], /bad\.json/],
  ["render: --bits 20", ["render", "song/session.json", "-o", "r3.wav", "--bits", "20"], /--bits/],
  ["render: --start abc", ["render", "song/session.json", "-o", "r4.wav", "--start", "abc"], /--start/],
  [
    "render: unknown --section",
    ["render", "song/session.json", "-o", "r5.wav", "--section", "bridge"],
    /bridge/,
  ],
  ["session init: missing stems", ["session", "init", "s2", "--from-stems", "nowhere"], /nowhere/],
  ["session show: missing session", ["session", "show", "nope.json"], /nope\.json/],
  [
    "session import: missing file",
    ["session", "import-dawproject", "nope.dawproject", "imp"],
    /nope\.dawproject/,
  ],
  // master
  ["master: output exists", ["master", "mix.wav", "-o", "existing.wav"], /existing\.wav/],
  ["master: missing input", ["master", "nope.wav", "-o", "m1.wav"], /nope\.wav/],
  ["master: text input", ["master", "notes.wav", "-o", "m2.wav"], /notes\.wav/],
  ["master: --lufs abc", ["master", "mix.wav", "-o", "m3.wav", "--lufs", "abc"], /--lufs/],
  ["master: --tp 3", ["master", "mix.wav", "-o", "m4.wav", "--tp", "3"], /--tp/],
  ["master: unknown --target", ["master", "mix.wav", "-o", "m5.wav", "--target", "radio"], /--target.*radio/],
  [
    "master: missing --reference",
    ["master", "mix.wav", "-o", "m6.wav", "--reference", "ref.wav"],
    /ref\.wav/,
  ],
  ["master: --bits 20", ["master", "mix.wav", "-o", "m7.wav", "--bits", "20"], /--bits/],
  ["master: no input", ["master", "-o", "m8.wav"], /in\b|input|--album/],
  // qc
  ["qc: missing file", ["qc", "nope.wav"], /nope\.wav/],
  ["qc: text named .wav", ["qc", "notes.wav"], /notes\.wav/],
  ["qc: empty file", ["qc", "empty.wav"], /empty\.wav/],
  ["qc: unknown --target", ["qc", "mix.wav", "--target", "radio"], /--target.*radio|radio/],
  // deliver
  [
    "deliver: deliverable exists",
    ["deliver", "mix.wav", "--to", "out", "--formats", "wav24"],
    /out.*wav24\.wav/,
  ],
  ["deliver: missing master", ["deliver", "nope.wav", "--to", "d1"], /nope\.wav/],
  ["deliver: unknown format", ["deliver", "mix.wav", "--to", "d2", "--formats", "ogg"], /--formats.*ogg/],
  ["deliver: missing --metadata", ["deliver", "mix.wav", "--to", "d3", "--metadata", "m.json"], /m\.json/],
  [
    "deliver: --metadata not JSON",
    ["deliver", "mix.wav", "--to", "d4", "--metadata", "meta-bad.json"],
    /meta-bad/,
  ],
  ["deliver: --to is a file", ["deliver", "mix.wav", "--to", "a-file", "--formats", "wav24"], /a-file/],
  ["deliver: no --to", ["deliver", "mix.wav"], /--to/],
  // demo
  ["demo: -o is a file", ["demo", "-o", "a-file"], /a-file/],
  // (the studio's commands live a layer up, in @controlroom/server: its cli.test.ts checks their errors)
  // the program itself
  ["unknown command", ["mastr", "mix.wav"], /mastr/],
];

describe("every CLI error names what is wrong, exits non-zero, no stack trace, ends with a newline", () => {
  for (const [what, args, names] of CASES) {
    test(what, () => {
      const r = run(args);
      const shown = `controlroom ${args.join(" ")} → exit ${r.code}\n${r.err}`;
      assert.equal(r.signal, null, shown);
      assert.notEqual(r.code, 0, shown);
      assert.ok(r.err.length > 0, `${shown}: nothing on stderr`);
      assert.match(r.err, names, shown);
      assert.ok(r.err.endsWith("\n"), `${shown}: no final newline`);
      assert.doesNotMatch(
        `${r.err}${r.out}`,
        /\n\s+at .+[(:]\d+|\b(Type|Reference|Range|Syntax)Error\b/,
        shown,
      );
    });
  }
});
