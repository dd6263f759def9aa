import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { after, describe, it } from "node:test";
import { probeAudioFile, readWholeFile } from "./open.ts";
import { ffprobe, firstDifference, referenceFloats, synthFlac, tempFolder } from "./test-support.ts";
import type { AudioWriterOptions } from "./types.ts";
import { createAudioWriter } from "./write.ts";

const tmp = tempFolder("flac-writer");
after(() => tmp.remove());

function signal(frames: number, channels: number): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++)
      x[i] = 0.5 * Math.sin((2 * Math.PI * (330 + 220 * c) * i) / 44100) + 0.2 * Math.sin(i * 0.37 + c);
    return x;
  });
}

async function writeFile(path: string, opts: AudioWriterOptions, data: Float32Array[], block = 5000) {
  const w = await createAudioWriter(path, opts);
  for (let i = 0; i < data[0].length; i += block) await w.write(data.map((c) => c.subarray(i, i + block)));
  await w.close();
}

describe("FLAC writer", () => {
  for (const bits of [16, 24] as const) {
    it(`${bits}-bit: passes flac -t (MD5), ffmpeg decodes exactly the codes our WAV writer makes`, async () => {
      const x = signal(44100, 2);
      const opts = { sampleRate: 44100, channels: 2, bitDepth: bits, ditherSeed: 3 } as const;
      const f = tmp.path(`s${bits}.flac`);
      const w = tmp.path(`s${bits}.wav`);
      await writeFile(f, opts, x);
      await writeFile(w, opts, x, 7000);
      execFileSync("flac", ["-t", "-s", f], { stdio: "pipe" }); // throws on a bad stream or MD5 mismatch
      const fromFlac = referenceFloats(f, "s32le");
      assert.equal(fromFlac.length, 88200);
      assert.equal(firstDifference(fromFlac, referenceFloats(w, "s32le")), -1);
      const info = await probeAudioFile(f);
      assert.equal(info.bitDepth, bits);
      assert.equal(info.frames, 44100);
      const back = await readWholeFile(f, { maxFrames: 44100 });
      const lsb = 2 ** (bits - 1);
      let worst = 0;
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < 44100; i++)
          worst = Math.max(worst, Math.abs(back.channels[c][i] - x[c][i]) * lsb);
      assert.ok(worst <= 1.5 + 1e-6, `max error ${worst} LSB`);
    });
  }

  it("a 24-bit take copied through is bit-identical; tags are readable by ffprobe", async () => {
    const src = synthFlac(tmp.path("take.flac"), { seconds: 10, seed: 3 });
    const { info, channels } = await readWholeFile(src, { maxFrames: 480000 });
    const f = tmp.path("copy.flac");
    const tags = { title: "Vox (clicks)", artist: "Corpus", comment: "ünïcode ok" };
    await writeFile(f, { sampleRate: info.sampleRate, channels: 1, bitDepth: 24, tags }, channels, 65536);
    assert.equal(firstDifference(referenceFloats(f, "s32le"), referenceFloats(src, "s32le")), -1);
    const t = (ffprobe(f).format as { tags: Record<string, string> }).tags;
    assert.equal(t.TITLE, tags.title);
    assert.equal(t.ARTIST, tags.artist);
    assert.equal(t.COMMENT, tags.comment);
    assert.deepEqual((await probeAudioFile(f)).metadata.tags, tags);
  });

  it("rejects 32-bit, bad tag names; abort leaves nothing", async () => {
    const f = tmp.path("bad.flac");
    await assert.rejects(
      createAudioWriter(f, { sampleRate: 48000, channels: 1, bitDepth: 32 }),
      /bitDepth must be 16, 24, got 32/,
    );
    await assert.rejects(
      createAudioWriter(f, { sampleRate: 48000, channels: 1, bitDepth: 16, tags: { "a=b": "x" } }),
      /tag name "a=b"/,
    );
    const before = readdirSync(tmp.dir).sort();
    const w = await createAudioWriter(f, { sampleRate: 48000, channels: 1, bitDepth: 24 });
    await w.write(signal(10000, 1));
    await w.abort();
    assert.equal(existsSync(f), false);
    assert.deepEqual(readdirSync(tmp.dir).sort(), before);
  });

  it("an empty stream is still a valid FLAC file", async () => {
    const f = tmp.path("empty.flac");
    const w = await createAudioWriter(f, { sampleRate: 48000, channels: 2, bitDepth: 16 });
    await w.close();
    execFileSync("flac", ["-t", "-s", f], { stdio: "pipe" });
    assert.equal((await probeAudioFile(f)).channels, 2);
  });
});
