import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { after, test } from "node:test";
import { probeAudioFile } from "../files/open.ts";
import { ffprobe, tempFolder } from "../files/test-support.ts";
import { writeChannels } from "../mastering/master-file.ts";
import { excerpt } from "../mastering/test-support.ts";
import { deliver } from "./deliver.ts";
import { checkMetadata, validGs1 } from "./metadata.ts";

const tmp = tempFolder("deliver");
after(() => tmp.remove());

const META = checkMetadata({
  title: "Late at Night",
  artist: "Control Room",
  album: "Corpus",
  track: 3,
  trackTotal: 10,
  isrc: "GB-AAA-26-00003",
  upc: "036000291452",
  composer: "Someone Else",
  copyright: "℗ 2026 Control Room",
});

test("deliver: every format at its rate and depth, tagged, bext, named consistently, sha256 manifest; never overwrites", async () => {
  const master = tmp.path("master.wav");
  const x = excerpt.map((c) => c.slice(0, 6 * 48000).map((v) => v * 0.5));
  await writeChannels(master, x, 48000, 24);
  const dir = tmp.path("out");
  const r = await deliver(master, { toDir: dir, metadata: META });
  const names = r.deliverables.map((d) => d.file);
  assert.deepEqual(names, [
    "03-control-room-late-at-night_wav24.wav",
    "03-control-room-late-at-night_wav16.wav",
    "03-control-room-late-at-night_flac.flac",
    "03-control-room-late-at-night_mp3.mp3",
  ]);
  const want = [
    [48000, 24],
    [44100, 16],
    [48000, 24],
    [44100, null],
  ];
  for (const [i, n] of names.entries()) {
    const info = await probeAudioFile(`${dir}/${n}`);
    assert.deepEqual([info.sampleRate, info.bitDepth], want[i], n);
  }
  // The same loudness in every deliverable (SRC and dither do not change it).
  const l0 = r.deliverables[0].integratedLufs;
  for (const d of r.deliverables)
    assert.ok(Math.abs(d.integratedLufs - l0) <= 0.1, `${d.file}: ${d.integratedLufs} vs ${l0}`);
  // Tags as ffprobe reads them.
  const flacTags = (ffprobe(`${dir}/${names[2]}`).format as { tags: Record<string, string> }).tags;
  assert.equal(flacTags.TITLE ?? flacTags.title, "Late at Night");
  assert.equal(flacTags.ISRC ?? flacTags.isrc, "GBAAA2600003");
  assert.equal(flacTags.BARCODE ?? flacTags.barcode, "036000291452");
  const mp3Tags = (ffprobe(`${dir}/${names[3]}`).format as { tags: Record<string, string> }).tags;
  assert.equal(mp3Tags.title, "Late at Night");
  assert.equal(mp3Tags.composer, "Someone Else");
  assert.equal(mp3Tags.track, "3/10");
  assert.equal(mp3Tags.TSRC, "GBAAA2600003");
  const wavTags = (ffprobe(`${dir}/${names[1]}`).format as { tags: Record<string, string> }).tags;
  assert.equal(wavTags.originator_reference, "GBAAA2600003");
  assert.match(wavTags.coding_history, /A=PCM,F=44100,W=16,M=stereo.*SRC 48000->44100; dither shaped/);
  // The manifest checks out with sha256sum.
  const check = execFileSync("sha256sum", ["-c", r.manifest], { cwd: dir }).toString();
  assert.equal(check.trim().split("\n").length, 4);
  assert.match(check, /_mp3\.mp3: OK/);
  // A second delivery refuses and changes nothing.
  const before = readdirSync(dir).map((n) => [n, statSync(`${dir}/${n}`).mtimeMs]);
  await assert.rejects(deliver(master, { toDir: dir, metadata: META }), /already exists; not overwriting/);
  assert.deepEqual(
    readdirSync(dir).map((n) => [n, statSync(`${dir}/${n}`).mtimeMs]),
    before,
  );
});

test("metadata errors name the field; UPC/EAN check digits are verified", () => {
  assert.throws(() => checkMetadata({ isrc: "GB-AAA-26" }), /metadata\.isrc: "GB-AAA-26" is not an ISRC/);
  assert.throws(() => checkMetadata({ upc: "036000291453" }), /metadata\.upc: .*check digit/);
  assert.throws(() => checkMetadata({ track: 0 }), /metadata\.track: must be a whole number/);
  assert.equal(validGs1("4006381333931"), true);
  assert.equal(validGs1("036000291452"), true);
});
