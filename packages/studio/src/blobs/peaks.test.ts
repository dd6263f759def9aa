import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BlobStore } from "./blob-store.ts";
import { cachedPeaks, computePeaks, peaksCachePath } from "./peaks.ts";

const RATE = 44100;
const FRAMES = 100_003;

/** Two channels of 16-bit samples: a decaying sine with a burst, and deterministic noise. */
function samples(): Int16Array[] {
  const l = new Int16Array(FRAMES);
  const r = new Int16Array(FRAMES);
  let seed = 12345;
  for (let i = 0; i < FRAMES; i++) {
    l[i] = Math.round(20000 * Math.exp(-i / 40000) * Math.sin((2 * Math.PI * 220 * i) / RATE));
    if (i > 70_000 && i < 70_010) l[i] = i % 2 ? 32767 : -32768;
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    r[i] = (seed % 20001) - 10000;
  }
  return [l, r];
}

/** A 16-bit stereo WAV; `streamed` writes the data size as 0xFFFFFFFF (length unknown to the reader). */
function wav(ch: Int16Array[], streamed = false): Buffer {
  const data = FRAMES * 4;
  const b = Buffer.alloc(44 + data);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + data, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(2, 22);
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * 4, 28);
  b.writeUInt16LE(4, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(streamed ? 0xffffffff : data, 40);
  for (let i = 0; i < FRAMES; i++) {
    b.writeInt16LE(ch[0][i], 44 + 4 * i);
    b.writeInt16LE(ch[1][i], 46 + 4 * i);
  }
  return b;
}

/** Min/max per bucket of `per` frames, flattened, computed here from the integer samples. */
function expected(ch: Int16Array[], per: number): number[][] {
  return ch.map((x) => {
    const out: number[] = [];
    for (let s = 0; s < x.length; s += per) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = s; i < Math.min(x.length, s + per); i++) {
        lo = Math.min(lo, x[i] / 32768);
        hi = Math.max(hi, x[i] / 32768);
      }
      out.push(lo, hi);
    }
    return out;
  });
}

/** Largest difference between two peak sets of the same shape. */
function worst(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let w = 0;
  for (let c = 0; c < a.length; c++) {
    assert.equal(a[c].length, b[c].length, `channel ${c} bucket count`);
    for (let i = 0; i < a[c].length; i++) w = Math.max(w, Math.abs(a[c][i] - b[c][i]));
  }
  return w;
}

describe("waveform peaks", () => {
  let dir: string;
  const ch = samples();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cr-peaks-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("min/max per bucket of a file of known length", async () => {
    const path = join(dir, "known.wav");
    await writeFile(path, wav(ch));
    const p = await computePeaks(path, 1000);
    assert.equal(p.framesPerBucket, Math.ceil(FRAMES / 1000)); // 101 frames
    assert.equal(p.peaks[0].length, 2 * Math.ceil(FRAMES / 101));
    assert.equal(p.duration, FRAMES / RATE);
    // Values are rounded to 5 decimals for the wire: half of 1e-5 at most.
    assert.ok(worst(p.peaks, expected(ch, 101)) <= 5e-6 + 1e-12);
    assert.equal(Math.min(...p.peaks[0]), -1);
    assert.equal(Math.max(...p.peaks[0]), 0.99997); // 32767/32768 rounded
  });

  test("a streamed file (length unknown) is bucketed coarser, never more buckets than asked", async () => {
    const path = join(dir, "streamed.wav");
    await writeFile(path, wav(ch, true));
    const p = await computePeaks(path, 100);
    assert.ok(p.framesPerBucket >= Math.ceil(FRAMES / 100));
    assert.ok(p.peaks[0].length <= 200);
    assert.equal(p.framesPerBucket, 1024); // 256-frame buckets merged 4 to 1
    assert.ok(worst(p.peaks, expected(ch, p.framesPerBucket)) <= 5e-6 + 1e-12);
  });

  test("cached beside the blob: the second call reads the cache", async () => {
    const store = new BlobStore(join(dir, "blobs"));
    const buf = wav(ch);
    const blob = await store.put(
      (async function* () {
        yield buf;
      })(),
    );
    const first = await cachedPeaks(store, blob.sha256, 500);
    assert.equal(first.cached, false);
    const file = peaksCachePath(store, blob.sha256, 500);
    assert.ok((await stat(file)).isFile());
    assert.deepEqual(JSON.parse(await readFile(file, "utf8")), first.peaks);
    const second = await cachedPeaks(store, blob.sha256, 500);
    assert.equal(second.cached, true);
    assert.deepEqual(second.peaks, first.peaks);
    // No temporary file is left behind.
    assert.deepEqual(await readdir(join(store.root, "tmp")), []);
  });

  test("a missing blob is 404, an unreadable one 422", async () => {
    const store = new BlobStore(join(dir, "blobs2"));
    await assert.rejects(cachedPeaks(store, "a".repeat(64)), { status: 404 });
    const junk = Buffer.from("RIFF\x10\x00\x00\x00WAVEjunk and nothing else");
    const blob = await store.put(
      (async function* () {
        yield junk;
      })(),
    );
    await assert.rejects(cachedPeaks(store, blob.sha256), (e: Error & { status?: number }) => {
      assert.equal(e.status, 422);
      assert.match(e.message, new RegExp(`^blob ${blob.sha256}: `));
      return true;
    });
  });
});
