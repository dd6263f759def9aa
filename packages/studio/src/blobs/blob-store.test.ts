import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BlobStore } from "./blob-store.ts";
import { sniffAudio } from "./sniff.ts";

function wavBytes(frames: number): Uint8Array {
  const data = frames * 2;
  const b = Buffer.alloc(44 + data);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + data, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(48000, 24);
  b.writeUInt32LE(96000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(data, 40);
  for (let i = 0; i < frames; i++) b.writeInt16LE(Math.round(8000 * Math.sin(i / 10)), 44 + 2 * i);
  return b;
}

async function* chunks(b: Uint8Array, size: number) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe("blob store", () => {
  let root: string;
  let store: BlobStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "cr-blobs-"));
    store = new BlobStore(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test("stores by sha256, streamed in small chunks, and deduplicates", async () => {
    const wav = wavBytes(10000);
    const want = createHash("sha256").update(wav).digest("hex");
    const a = await store.put(chunks(wav, 5)); // header split across chunks
    assert.deepEqual(a, { sha256: want, size: wav.length, format: "wav", existed: false });
    const b = await store.put(chunks(wav, 4096));
    assert.equal(b.existed, true);
    assert.deepEqual(new Uint8Array(await readFile(store.pathOf(want))), new Uint8Array(wav));
    assert.deepEqual(await readdir(join(root, "tmp")), []);
  });

  test("refuses non-audio whatever it is called, and oversize files, leaving nothing behind", async () => {
    const text = new TextEncoder().encode("<html>not a song</html>");
    await assert.rejects(store.put(chunks(text, 3)), { status: 415, message: /file: not an audio file/ });
    await assert.rejects(store.put(chunks(wavBytes(1000), 100), { maxBytes: 500 }), { status: 413 });
    assert.deepEqual(await readdir(join(root, "tmp")), []);
  });

  test("sniffs each accepted format by its magic bytes", () => {
    const b = (...x: (number | string)[]) =>
      Uint8Array.from(x.flatMap((v) => (typeof v === "string" ? [...v].map((c) => c.charCodeAt(0)) : [v])));
    assert.equal(sniffAudio(b("RIFF", 0, 0, 0, 0, "WAVE")), "wav");
    assert.equal(sniffAudio(b("RIFF", 0, 0, 0, 0, "AVI ")), null);
    assert.equal(sniffAudio(b("FORM", 0, 0, 0, 0, "AIFF")), "aiff");
    assert.equal(sniffAudio(b("fLaC", 0, 0, 0, 34, 0, 0, 0, 0)), "flac");
    assert.equal(sniffAudio(b("OggS", 0, 2, 0, 0, 0, 0, 0, 0)), "ogg");
    assert.equal(sniffAudio(b("ID3", 4, 0, 0, 0, 0, 0, 0, 0, 0)), "mp3");
    assert.equal(sniffAudio(b(0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0)), "mp3"); // MPEG-1 L3 128k 44.1k
    assert.equal(sniffAudio(b(0xff, 0xf1, 0x50, 0x80, 0, 0, 0, 0, 0, 0, 0, 0)), null); // ADTS AAC (layer 00)
    assert.equal(sniffAudio(b(0xff, 0xfb, 0xf0, 0x64, 0, 0, 0, 0, 0, 0, 0, 0)), null); // bad bitrate index
    assert.equal(sniffAudio(b("%PDF-1.7", 0, 0, 0, 0)), null);
  });
});
