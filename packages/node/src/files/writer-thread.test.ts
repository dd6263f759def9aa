import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { tempFolder } from "./test-support.ts";
import { AudioFileError, type AudioWriterOptions } from "./types.ts";
import { createAudioWriter } from "./write.ts";
import { ThreadedWriters } from "./writer-thread.ts";

const tmp = tempFolder("writer-thread");
after(() => tmp.remove());

const FRAMES = 50_000;
const BLOCK = 4096;

/** Three files: 24-bit stereo, 16-bit stereo (silence in the middle), 32-bit float mono. */
const OPTIONS: AudioWriterOptions[] = [
  { sampleRate: 48000, channels: 2, bitDepth: 24, ditherSeed: 2 },
  { sampleRate: 48000, channels: 2, bitDepth: 16, ditherSeed: 3 },
  { sampleRate: 44100, channels: 1, bitDepth: 32 },
];

function signals(): Float32Array[][] {
  return OPTIONS.map((o, f) =>
    Array.from({ length: o.channels }, (_, c) => {
      const x = new Float32Array(FRAMES);
      for (let i = 0; i < FRAMES; i++) x[i] = 0.7 * Math.sin(i * (0.01 + 0.003 * f) + c) * Math.cos(i * 1e-4);
      if (f === 1) x.fill(0, 10_000, 20_000);
      return x;
    }),
  );
}

const block = (data: Float32Array[][], at: number, n: number) =>
  data.map((chans) => chans.map((x) => x.subarray(at, at + n)));

describe("ThreadedWriters", () => {
  it("writes the same bytes as writers on this thread", async () => {
    const data = signals();
    mkdirSync(tmp.path("here"));
    mkdirSync(tmp.path("there"));
    const names = ["a.wav", "b.wav", "c.wav"];
    const here = await Promise.all(names.map((n, i) => createAudioWriter(tmp.path(`here/${n}`), OPTIONS[i])));
    const there = await ThreadedWriters.open(
      names.map((n, i) => ({ path: tmp.path(`there/${n}`), options: OPTIONS[i] })),
    );
    for (let at = 0; at < FRAMES; at += BLOCK) {
      const n = Math.min(BLOCK, FRAMES - at);
      const b = block(data, at, n);
      for (const [i, w] of here.entries()) await w.write(b[i], n);
      await there.write(b, n);
    }
    for (const w of here) await w.close();
    await there.close();
    for (const n of names) {
      assert.deepEqual(readFileSync(tmp.path(`there/${n}`)), readFileSync(tmp.path(`here/${n}`)), n);
    }
  });

  it("writes the same bytes whatever the block sizes (blocks are gathered into batches)", async () => {
    const data = signals();
    mkdirSync(tmp.path("uneven"));
    const names = ["a.wav", "b.wav", "c.wav"];
    const w = await ThreadedWriters.open(
      names.map((n, i) => ({ path: tmp.path(`uneven/${n}`), options: OPTIONS[i] })),
    );
    // Smaller than a batch, one larger than a batch, one that does not fit the batch's rest, single frames.
    const sizes = [1000, 4096, 20_000, 7, 1, 16_000, 3000];
    for (let at = 0, k = 0; at < FRAMES; k++) {
      const n = Math.min(sizes[k % sizes.length], FRAMES - at);
      await w.write(block(data, at, n), n);
      at += n;
    }
    await w.close();
    for (const n of names) {
      assert.deepEqual(readFileSync(tmp.path(`uneven/${n}`)), readFileSync(tmp.path(`here/${n}`)), n);
    }
  });

  it("reports a bad sample naming its file, and leaves no file behind", async () => {
    const dir = tmp.path("bad");
    mkdirSync(dir);
    const data = signals();
    data[1][1][30_000] = Number.NaN;
    const w = await ThreadedWriters.open(
      ["a.wav", "b.wav", "c.wav"].map((n, i) => ({ path: `${dir}/${n}`, options: OPTIONS[i] })),
    );
    const err = await (async () => {
      try {
        for (let at = 0; at < FRAMES; at += BLOCK)
          await w.write(block(data, at, Math.min(BLOCK, FRAMES - at)), Math.min(BLOCK, FRAMES - at));
        await w.close();
      } catch (e) {
        await w.abort();
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof AudioFileError, String(err));
    assert.equal(err.file, `${dir}/b.wav`);
    assert.match(err.message, /channel 1 sample 30000 is NaN/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("stops a write waiting for room once the worker has failed (no hang, the file named)", async () => {
    const dir = tmp.path("bad-early");
    mkdirSync(dir);
    const data = signals();
    data[0][0][100] = Number.POSITIVE_INFINITY;
    const w = await ThreadedWriters.open(
      ["a.wav", "b.wav", "c.wav"].map((n, i) => ({ path: `${dir}/${n}`, options: OPTIONS[i] })),
    );
    // Far more batches than the ring holds: once it is full, `write` waits for a slot that never frees.
    let writes = 0;
    const err = await (async () => {
      try {
        for (; writes < 400; writes++) await w.write(block(data, (writes * BLOCK) % 40_000, BLOCK), BLOCK);
      } catch (e) {
        await w.abort();
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof AudioFileError, String(err));
    assert.equal(err.file, `${dir}/a.wav`);
    assert.match(err.message, /channel 0 sample 100 is Infinity/);
    assert.ok(writes < 400, "write reported it");
    assert.deepEqual(readdirSync(dir), []);
  });

  it("leaves nothing when aborted, and names a file it cannot create", async () => {
    const dir = tmp.path("aborted");
    mkdirSync(dir);
    const w = await ThreadedWriters.open([{ path: `${dir}/a.wav`, options: OPTIONS[0] }]);
    await w.write(block(signals(), 0, BLOCK).slice(0, 1), BLOCK);
    await w.abort();
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(
      ThreadedWriters.open([
        { path: `${dir}/ok.wav`, options: OPTIONS[0] },
        { path: `${dir}/missing/x.wav`, options: OPTIONS[0] },
      ]),
      (e: unknown) => e instanceof AudioFileError && e.file.endsWith("missing/x.wav"),
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});
