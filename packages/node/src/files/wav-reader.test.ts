import assert from "node:assert/strict";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { after, describe, it } from "node:test";
import { openAudioFile, probeAudioFile } from "./open.ts";
import { ffmpeg, firstDifference, readInterleaved, referenceFloats, tempFolder } from "./test-support.ts";
import { AudioFileError } from "./types.ts";

const tmp = tempFolder("wav-reader");
/** 0.3 s of white noise at −6 dBFS plus a sine, 48 kHz stereo (float source, so every depth rounds it). */
const SOURCE = ["-f", "lavfi", "-i", "anoisesrc=d=0.3:c=white:a=0.5:seed=7:r=48000", "-ac", "2"];

after(() => tmp.remove());

describe("WAV reader against ffmpeg", () => {
  const variants: [string, string[], "s32le" | "f32le" | "f64le", number, string][] = [
    ["pcm_u8", [], "s32le", 8, "int"],
    ["pcm_s16le", [], "s32le", 16, "int"],
    ["pcm_s24le", [], "s32le", 24, "int"],
    ["pcm_s32le", [], "s32le", 32, "int"],
    ["pcm_f32le", [], "f32le", 32, "float"],
    ["pcm_f64le", [], "f64le", 64, "float"],
    ["pcm_s24le", ["-rf64", "always"], "s32le", 24, "int"],
    ["pcm_f32le", ["-rf64", "always"], "f32le", 32, "float"],
  ];
  for (const [codec, extra, ref, bits, kind] of variants) {
    it(`${codec}${extra.length ? " RF64" : ""}: bit-exact, same length`, async () => {
      const f = tmp.path(`${codec}${extra.length ? "-rf64" : ""}.wav`);
      ffmpeg([...SOURCE, "-c:a", codec, ...extra, f]);
      const want = referenceFloats(f, ref);
      const { info, data } = await readInterleaved(f);
      assert.equal(info.codec, codec);
      assert.equal(info.format, extra.length ? "rf64" : "wav");
      assert.equal(info.bitDepth, bits);
      assert.equal(info.sampleFormat, kind);
      assert.equal(info.channels, 2);
      assert.equal(info.sampleRate, 48000);
      assert.equal(info.frames, 14400);
      assert.equal(data.length, want.length);
      assert.equal(firstDifference(data, want), -1);
      assert.deepEqual(info.warnings, []);
    });
  }

  it("WAVE_FORMAT_EXTENSIBLE 5.1 keeps the channel mask", async () => {
    const f = tmp.path("ext51.wav");
    const exprs = [100, 200, 300, 50, 500, 600].map((hz) => `0.5*sin(2*PI*${hz}*t)`).join("|");
    ffmpeg(["-f", "lavfi", "-i", `aevalsrc=exprs=${exprs}:c=5.1:s=48000:d=0.2`, "-c:a", "pcm_s24le", f]);
    const { info, data } = await readInterleaved(f);
    assert.equal(info.channels, 6);
    assert.equal(info.channelMask, 0x3f);
    assert.equal(firstDifference(data, referenceFloats(f, "s32le")), -1);
  });

  it("BWF bext fields and LIST tags written by ffmpeg are kept", async () => {
    const f = tmp.path("bext.wav");
    ffmpeg([
      ...SOURCE,
      "-c:a",
      "pcm_s16le",
      "-write_bext",
      "1",
      ...["-metadata", "description=Take 3, room mic"],
      ...["-metadata", "originator=Control Room"],
      ...["-metadata", "originator_reference=CR-0001"],
      ...["-metadata", "origination_date=2026-11-27"],
      ...["-metadata", "origination_time=13:45:10"],
      ...["-metadata", "time_reference=172800000"],
      ...["-metadata", "coding_history=A=PCM,F=48000,W=16,M=stereo"],
      ...["-metadata", "title=Late at night"],
      f,
    ]);
    const info = await probeAudioFile(f);
    assert.deepEqual(info.metadata.bext, {
      description: "Take 3, room mic",
      originator: "Control Room",
      originatorReference: "CR-0001",
      originationDate: "2026-11-27",
      originationTime: "13:45:10",
      timeReference: 172800000,
      version: 1,
      codingHistory: "A=PCM,F=48000,W=16,M=stereo",
    });
    assert.equal(info.metadata.tags?.title, "Late at night");
  });

  it("skips unknown chunks, including an odd-sized one with its pad byte, and reads iXML", async () => {
    const f = tmp.path("chunks.wav");
    ffmpeg([...SOURCE, "-c:a", "pcm_s16le", f]);
    const orig = readFileSync(f);
    const dataAt = orig.indexOf("data");
    const odd = chunk("abcd", Buffer.from("xyz")); // 3 bytes + pad
    const ixml = chunk("iXML", Buffer.from("<BWFXML><SCENE>12</SCENE></BWFXML>"));
    const fixed = Buffer.concat([orig.subarray(0, dataAt), odd, ixml, orig.subarray(dataAt)]);
    fixed.writeUInt32LE(fixed.length - 8, 4);
    writeFileSync(f, fixed);
    const { info, data } = await readInterleaved(f);
    assert.equal(info.metadata.ixml, "<BWFXML><SCENE>12</SCENE></BWFXML>");
    assert.equal(firstDifference(data, referenceFloats(f, "s32le")), -1);
  });

  it("streamed WAV (data size 0xFFFFFFFF) and truncated WAV are read to the end with a warning", async () => {
    const f = tmp.path("stream.wav");
    ffmpeg([...SOURCE, "-c:a", "pcm_s16le", f]);
    const orig = readFileSync(f);
    const dataAt = orig.indexOf("data");
    const streamed = Buffer.from(orig);
    streamed.writeUInt32LE(0xffffffff, dataAt + 4);
    writeFileSync(f, streamed);
    const a = await readInterleaved(f);
    assert.equal(a.info.frames, null);
    assert.equal(a.data.length, 14400 * 2);
    assert.match(a.info.warnings.join(), /0xFFFFFFFF.*streamed/);

    writeFileSync(f, orig.subarray(0, orig.length - 1001)); // cuts the last frame in half too
    const b = await readInterleaved(f);
    assert.equal(b.data.length / 2, Math.floor((14400 * 4 - 1001) / 4));
    assert.match(b.info.warnings.join(), /truncated/);
  });

  it("RF64 with a 5 GiB data chunk (sparse file): 64-bit sizes and offsets from ds64", async () => {
    const f = tmp.path("huge-rf64.wav");
    const dataBytes = 5 * 2 ** 30;
    const frames = dataBytes / 4; // 16-bit stereo
    const h = Buffer.alloc(12 + 36 + 24 + 8);
    h.write("RF64", 0, "latin1");
    h.writeUInt32LE(0xffffffff, 4);
    h.write("WAVEds64", 8, "latin1");
    h.writeUInt32LE(28, 16);
    h.writeBigUInt64LE(BigInt(h.length - 8 + dataBytes), 20);
    h.writeBigUInt64LE(BigInt(dataBytes), 28);
    h.writeBigUInt64LE(BigInt(frames), 36);
    h.writeUInt32LE(0, 44);
    h.write("fmt ", 48, "latin1");
    h.writeUInt32LE(16, 52);
    h.writeUInt16LE(1, 56);
    h.writeUInt16LE(2, 58);
    h.writeUInt32LE(48000, 60);
    h.writeUInt32LE(192000, 64);
    h.writeUInt16LE(4, 68);
    h.writeUInt16LE(16, 70);
    h.write("data", 72, "latin1");
    h.writeUInt32LE(0xffffffff, 76);
    const last = Buffer.alloc(4);
    last.writeInt16LE(12345, 0);
    last.writeInt16LE(-321, 2);
    const fd = openSync(f, "w");
    writeSync(fd, h);
    writeSync(fd, last, 0, 4, h.length + dataBytes - 4);
    closeSync(fd);
    const r = await openAudioFile(f);
    assert.equal(r.info.format, "rf64");
    assert.equal(r.info.frames, frames);
    await r.seek(frames - 1);
    const b = await r.read(10);
    assert.ok(b);
    assert.equal(b[0].length, 1);
    assert.equal(b[0][0], 12345 / 32768);
    assert.equal(b[1][0], -321 / 32768);
    assert.equal(await r.read(10), null);
    await r.close();
  });

  it("seeks exactly, forwards and backwards", async () => {
    const f = tmp.path("pcm_s24le.wav");
    const want = referenceFloats(f, "s32le");
    const r = await openAudioFile(f);
    for (const at of [10000, 5, 14399, 0, 7777]) {
      await r.seek(at);
      const b = await r.read(100);
      assert.ok(b);
      assert.equal(b[0][0], want[at * 2]);
      assert.equal(b[1][0], want[at * 2 + 1]);
    }
    await r.seek(14400);
    assert.equal(await r.read(10), null);
    await r.seek(99999);
    assert.equal(await r.read(10), null);
    await r.close();
    await r.close();
  });

  describe("bad fmt fields are named", () => {
    const cases: [string, (b: Buffer, fmt: number) => void, RegExp][] = [
      ["channels 0", (b, o) => b.writeUInt16LE(0, o + 2), /fmt channels is 0/],
      ["sample rate 0", (b, o) => b.writeUInt32LE(0, o + 4), /fmt sample rate is 0/],
      ["block align", (b, o) => b.writeUInt16LE(7, o + 12), /fmt block align is 7, expected 4/],
      ["bits 12", (b, o) => b.writeUInt16LE(12, o + 14), /fmt bits per sample 12 unsupported/],
      [
        "ADPCM",
        (b, o) => b.writeUInt16LE(2, o),
        /unsupported codec: Microsoft ADPCM \(WAV format tag 0x0002\)/,
      ],
    ];
    for (const [name, mutate, re] of cases) {
      it(name, async () => {
        const f = tmp.path(`bad-${name.replace(/\W/g, "")}.wav`);
        ffmpeg([...SOURCE, "-c:a", "pcm_s16le", "-bitexact", tmp.path("base16.wav")]);
        const b = readFileSync(tmp.path("base16.wav"));
        mutate(b, b.indexOf("fmt ") + 8);
        writeFileSync(f, b);
        await assert.rejects(openAudioFile(f), (e: unknown) => {
          assert.ok(e instanceof AudioFileError);
          assert.equal(e.file, f);
          assert.match(e.message, re);
          assert.ok(!e.message.includes("\n"));
          return true;
        });
      });
    }
  });
});

function chunk(id: string, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, "latin1");
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body, Buffer.alloc(body.length & 1)]);
}
