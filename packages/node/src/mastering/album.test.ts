import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, test } from "node:test";
import { longTermSpectrum, spectralDistanceDb } from "@controlroom/engine/mastering/spectrum.ts";
import { probeAudioFile, readWholeFile } from "../files/open.ts";
import { tempFolder } from "../files/test-support.ts";
import { masterAlbum } from "./master-album.ts";
import { writeChannels } from "./master-file.ts";
import { MIX_CHANNELS } from "./test-support.ts";

const tmp = tempFolder("album");
after(() => tmp.remove());

/** Three "songs" of 8 s from the corpus mix: the quiet intro, the verse and the loud chorus. */
async function songs(): Promise<string[]> {
  const parts = [
    ["intro", 2],
    ["verse", 18],
    ["chorus", 36],
  ] as const;
  const files: string[] = [];
  for (const [name, at] of parts) {
    const f = tmp.path(`${name}.wav`);
    await writeChannels(
      f,
      MIX_CHANNELS.map((c) => c.slice(at * 48000, (at + 8) * 48000)),
      48000,
      24,
    );
    files.push(f);
  }
  return files;
}

test("album mode keeps the songs' relative loudness (±0.5 LU) and lands the album on target; CD image with CUE and ISRCs", async (t) => {
  const files = await songs();
  const r = await masterAlbum(files, {
    outDir: tmp.path("cd"),
    target: "cd",
    lufs: -12,
    gapSeconds: 1.5,
    metadata: {
      album: "Corpus",
      artist: "Control Room",
      upc: "0123456789012",
      tracks: [
        { title: "Intro", isrc: "GB-AAA-26-00001" },
        { title: "Verse", isrc: "GBAAA2600002" },
        { title: "Chorus" },
      ],
    },
  });
  for (const s of r.songs) {
    t.diagnostic(
      `${s.input}: ${s.lufsBefore} → ${s.lufsAfter} LUFS, relative ${s.relativeBefore} → ${s.relativeAfter} LU`,
    );
    assert.ok(Math.abs(s.relativeAfter - s.relativeBefore) <= 0.5, `${s.output}`);
    assert.ok(s.truePeakDbtp <= -0.3);
  }
  // The songs really differ in loudness (otherwise the test says nothing).
  assert.ok(
    Math.max(...r.songs.map((s) => s.relativeBefore)) - Math.min(...r.songs.map((s) => s.relativeBefore)) > 3,
  );
  assert.ok(Math.abs(r.albumLufsAfter - -12) <= 0.5, `album ${r.albumLufsAfter}`);
  assert.ok(r.cd);
  const info = await probeAudioFile(r.cd.image);
  assert.equal(info.sampleRate, 44100);
  assert.equal(info.bitDepth, 16);
  // 8 s songs with 1.5 s gaps: 9.5 s is 712.5 CD frames, so track 2 starts at frame 713 (9.507 s), and
  // track 3 at 713 + 712.5 → frame 1426 (19.013 s).
  assert.deepEqual(
    r.cd.tracks.map((x) => x.startSeconds),
    [0, 9.51, 19.01],
  );
  const cue = await readFile(r.cd.cue, "utf8");
  assert.match(cue, /CATALOG 0123456789012/);
  assert.match(
    cue,
    /TRACK 02 AUDIO\r\n {4}TITLE "Verse"\r\n {4}PERFORMER "Control Room"\r\n {4}ISRC GBAAA2600002\r\n {4}INDEX 01 00:09:38/,
  );
  assert.match(cue, /ISRC GBAAA2600001/);
  // Tonal consistency: the songs' long-term spectra move closer together (mean pairwise distance).
  const spread = async (paths: string[]) => {
    const specs = [];
    for (const p of paths) {
      const { info, channels } = await readWholeFile(p, { maxFrames: 1e7 });
      specs.push(longTermSpectrum(channels, info.sampleRate));
    }
    let d = 0;
    let k = 0;
    for (let i = 0; i < specs.length; i++)
      for (let j = i + 1; j < specs.length; j++) {
        d += spectralDistanceDb(specs[i], specs[j]);
        k++;
      }
    return d / k;
  };
  const before = await spread(files);
  const afterSpread = await spread(r.songs.map((s) => s.output));
  t.diagnostic(`mean pairwise spectral distance ${before.toFixed(2)} → ${afterSpread.toFixed(2)} dB`);
  assert.ok(afterSpread < before * 0.85, `${before} → ${afterSpread}`);
});
