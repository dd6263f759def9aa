import assert from "node:assert/strict";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { after, describe, it } from "node:test";
import { openAudioFile, probeAudioFile, readWholeFile } from "./open.ts";
import { ffmpeg, referenceFloats, synthFlac, tempFolder } from "./test-support.ts";
import { AudioFileError } from "./types.ts";

const tmp = tempFolder("open");
after(() => tmp.remove());

const synth = (name: string, seconds: number, freqs: number[]) =>
  synthFlac(tmp.path(name), { seconds, freqs });

async function rejectsWith(path: string, re: RegExp): Promise<void> {
  await assert.rejects(openAudioFile(path), (e: unknown) => {
    assert.ok(e instanceof AudioFileError, `got ${e}`);
    assert.equal(e.file, path);
    assert.match(e.message, re);
    assert.ok(!e.message.includes("\n"), "one line");
    assert.equal(String(e), `${path}: ${e.message}`);
    return true;
  });
}

describe("openAudioFile: bad inputs give one clear AudioFileError", () => {
  const wav = tmp.path("ok.wav");
  const flac = synth("clean.flac", 1, [440]);
  ffmpeg(["-f", "lavfi", "-i", "sine=f=440:d=0.1:r=48000", "-c:a", "pcm_s16le", wav]);
  const bytes = (name: string, b: Uint8Array | string) => {
    const p = tmp.path(name);
    writeFileSync(p, b);
    return p;
  };
  const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
  let seed = 12345;
  const random = Uint8Array.from({ length: 4096 }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  });
  const cases: [string, () => string, RegExp][] = [
    ["missing file", () => tmp.path("nope.wav"), /^file not found$/],
    [
      "a folder",
      () => {
        mkdirSync(tmp.path("dir.wav"), { recursive: true });
        return tmp.path("dir.wav");
      },
      /is a directory/,
    ],
    ["empty file", () => bytes("empty.wav", ""), /empty file/],
    ["PNG image named .wav", () => bytes("pic.wav", png), /not an audio file \(looks like PNG image\)/],
    ["JPEG", () => bytes("pic.flac", Buffer.from("ffd8ffe000104a464946", "hex")), /looks like JPEG image/],
    ["ZIP", () => bytes("a.mp3", Buffer.from("504b0304140000000800", "hex")), /looks like ZIP archive/],
    ["text", () => bytes("notes.wav", "just some notes\nabout the mix\n"), /looks like text/],
    ["random bytes", () => bytes("noise.wav", random), /not an audio file \(unrecognised content\)/],
    ["RIFF header cut", () => bytes("cut1.wav", readFileSync(wav).subarray(0, 10)), /truncated header/],
    ["WAV cut inside fmt", () => bytes("cut2.wav", readFileSync(wav).subarray(0, 30)), /truncated header/],
    ["WAV without data chunk", () => bytes("cut3.wav", readFileSync(wav).subarray(0, 40)), /no data chunk/],
    [
      "FLAC cut inside STREAMINFO",
      () => bytes("cut.flac", readFileSync(flac).subarray(0, 20)),
      /truncated header/,
    ],
    [
      "AIFF",
      () => bytes("a.aiff", Buffer.from("FORM\0\0\0\x20AIFFCOMM", "latin1")),
      /unsupported format: AIFF/,
    ],
    [
      "Ogg Opus",
      () => bytes("a.opus", Buffer.concat([Buffer.from("OggS"), Buffer.alloc(24), Buffer.from("OpusHead")])),
      /Ogg Opus/,
    ],
  ];
  for (const [name, make, re] of cases) {
    it(name, async () => rejectsWith(make(), re));
  }
});

describe("probeAudioFile and readWholeFile", () => {
  it("probe reads the header only and closes", async () => {
    const info = await probeAudioFile(synth("stereo.flac", 4, [440, 660]));
    assert.equal(info.frames, 192000);
    assert.equal(info.channels, 2);
  });

  it("readWholeFile returns every sample, exactly", async () => {
    const f = synth("mono.flac", 3, [523.25]);
    const { info, channels } = await readWholeFile(f, { maxFrames: 144000 });
    assert.equal(info.frames, 144000);
    assert.equal(channels.length, 1);
    assert.deepEqual(channels[0], referenceFloats(f, "s32le"));
  });

  it("readWholeFile refuses a file longer than maxFrames, also when the header has no length", async () => {
    const f = synth("long.flac", 10, [220]);
    await assert.rejects(
      readWholeFile(f, { maxFrames: 48000 }),
      /too long: 480000 frames \(10.00 s\), at most 48000/,
    );
    const w = tmp.path("streamed.wav");
    ffmpeg(["-f", "lavfi", "-i", "sine=d=1:r=48000", "-c:a", "pcm_s16le", w]);
    const b = readFileSync(w);
    b.writeUInt32LE(0xffffffff, b.indexOf("data") + 4);
    writeFileSync(w, b);
    await assert.rejects(readWholeFile(w, { maxFrames: 1000 }), (e: unknown) => {
      assert.ok(e instanceof AudioFileError);
      assert.match(e.message, /too long: more than 1000 frames/);
      return true;
    });
    assert.equal((await readWholeFile(w, { maxFrames: 48000 })).channels[0].length, 48000);
  });
});

describe("memory", () => {
  it("streams a 200 MB WAV with RSS growth under 100 MB (measured)", async (t) => {
    // A sparse float WAV: header written by hand, 200 MB of data that reads back as silence.
    const f = tmp.path("big.wav");
    const frames = 25 * 1024 * 1024; // stereo float: 8 bytes per frame
    const dataBytes = frames * 8;
    const h = Buffer.alloc(44);
    h.write("RIFF", 0, "latin1");
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write("WAVEfmt ", 8, "latin1");
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(3, 20);
    h.writeUInt16LE(2, 22);
    h.writeUInt32LE(48000, 24);
    h.writeUInt32LE(48000 * 8, 28);
    h.writeUInt16LE(8, 32);
    h.writeUInt16LE(32, 34);
    h.write("data", 36, "latin1");
    h.writeUInt32LE(dataBytes, 40);
    const fd = openSync(f, "w");
    writeSync(fd, h);
    writeSync(fd, Buffer.from([0]), 0, 1, 44 + dataBytes - 1);
    closeSync(fd);

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const r = await openAudioFile(f);
    let n = 0;
    for (let b = await r.read(65536); b; b = await r.read(65536)) {
      n += b[0].length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    await r.close();
    assert.equal(n, frames);
    const growthMb = (peak - before) / 2 ** 20;
    t.diagnostic(`peak RSS growth while reading 200 MB: ${growthMb.toFixed(1)} MB`);
    assert.ok(growthMb < 100, `RSS grew by ${growthMb.toFixed(1)} MB reading 200 MB`);
  });
});
