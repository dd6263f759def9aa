import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AudioSource } from "@controlroom/engine/render/source.ts";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { tempPathBeside } from "../files/atomic-file.ts";
import { openAudioFile } from "../files/open.ts";
import { CORPUS, skipWithoutCorpus } from "../files/test-support.ts";
import { sha256File } from "../session/hash.ts";
import {
  AHEAD_COMPLETE,
  AHEAD_FAILED,
  AHEAD_STATE,
  AHEAD_WRITTEN,
  type AheadJob,
  AheadSource,
  decodeAhead,
} from "./decode-ahead.ts";
import type { CacheFill } from "./decode-cache-fill.ts";
import { cacheFileName, decodeToCache } from "./decoded-cache.ts";
import { ReaderSource } from "./file-provider.ts";

const VOX = join(CORPUS, "takes", "clean-vox.flac");
const KEYS = join(CORPUS, "song1", "keys.flac");

async function refOf(path: string): Promise<AudioRef> {
  const r = await openAudioFile(path);
  const { sampleRate, channels, frames } = r.info;
  await r.close();
  return { sha256: await sha256File(path), path, sampleRate, channels, frames: frames ?? 0 };
}

/** Bit patterns of a float array, so comparisons are exact. */
const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

/** Every block a clip reads, from before the source's start to past its end, in uneven steps. */
async function readAll(src: AudioSource, frames: number, channels: number): Promise<Float32Array[]> {
  const step = 7001;
  const chunks: Float32Array[][] = [];
  for (let t = -3000; t < frames + 5000; t += step) {
    const out = Array.from({ length: channels }, () => new Float32Array(step).fill(7));
    await src.read(t, step, out);
    chunks.push(out);
  }
  return Array.from({ length: channels }, (_, c) => {
    const all = new Float32Array(chunks.length * step);
    chunks.forEach((ch, i) => {
      all.set(ch[c], i * step);
    });
    return all;
  });
}

/** What the render reads of `path` without decoding ahead. */
async function readerSource(path: string, ref: AudioRef): Promise<AudioSource> {
  return new ReaderSource(await openAudioFile(path), ref.frames);
}

describe("decoding ahead of the render", { skip: skipWithoutCorpus("song1", "keys.flac") }, () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cr-decode-ahead-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A job decoding `path` (described by `ref`) into a fresh cache folder. */
  function jobFor(path: string, ref: AudioRef): AheadJob {
    const cache = join(dir, `cache${++n}`);
    mkdirSync(cache, { recursive: true });
    const st = statSync(path, { bigint: true });
    const file = join(cache, cacheFileName(ref.sha256, Number(st.size), st.mtimeNs));
    const fill: CacheFill = {
      file,
      temp: tempPathBeside(file, "partial"),
      ref,
      size: Number(st.size),
      mtimeNs: st.mtimeNs,
    };
    return { path, fill, progress: new SharedArrayBuffer(16) };
  }

  it("reads what the source's own reader reads, bit for bit, and publishes the file a fill would", async () => {
    const vox = await refOf(VOX);
    const keys = await refOf(KEYS);
    const jobs = [jobFor(VOX, vox), jobFor(KEYS, keys)];
    const refs = [vox, keys];
    // The decoder and the readers share this thread: the readers wait for it at every step.
    const decoding = decodeAhead(jobs, () => false);
    const got = await Promise.all(
      jobs.map(async (job, i) => {
        const src = new AheadSource(job, 48_000, () => assert.fail("no fallback expected"));
        const channels = refs[i].channels + 1; // one output more than channels: it repeats the last
        const data = await readAll(src, refs[i].frames, channels);
        await src.close();
        return data;
      }),
    );
    await decoding;
    for (const [i, job] of jobs.entries()) {
      const p = new Int32Array(job.progress);
      assert.equal(Atomics.load(p, AHEAD_STATE), AHEAD_COMPLETE);
      assert.equal(Atomics.load(p, AHEAD_WRITTEN), refs[i].frames);
      const reader = await readerSource(job.path, refs[i]);
      const want = await readAll(reader, refs[i].frames, refs[i].channels + 1);
      await reader.close();
      for (let c = 0; c < want.length; c++)
        assert.deepEqual(bits(got[i][c]), bits(want[c]), `source ${i} ch ${c}`);
      // The file decodeToCache would have written, byte for byte, under its final name.
      const other = join(dir, `expected${i}`);
      const expected = join(other, "x");
      const st = statSync(job.path, { bigint: true });
      mkdirSync(other, { recursive: true });
      assert.equal(
        await decodeToCache(job.path, refs[i], expected, { dir: other, maxBytes: 2 ** 40 }, new Set(), {
          size: Number(st.size),
          mtimeNs: st.mtimeNs,
        }),
        "cached",
      );
      assert.deepEqual(readFileSync(job.fill.file), readFileSync(expected));
      assert.ok(!existsSync(job.fill.temp), "no temporary file left");
    }
  });

  it("hands a source it cannot decode back to the render, which decodes it itself", async () => {
    const vox = await refOf(VOX);
    const job = { ...jobFor(VOX, vox), path: join(dir, "missing.flac") };
    await decodeAhead([job], () => false);
    assert.equal(Atomics.load(new Int32Array(job.progress), AHEAD_STATE), AHEAD_FAILED);
    let fellBack = 0;
    const src = new AheadSource(job, 48_000, () => {
      fellBack++;
      return readerSource(VOX, vox);
    });
    const got = await readAll(src, vox.frames, 1);
    await src.close();
    const reader = await readerSource(VOX, vox);
    const want = await readAll(reader, vox.frames, 1);
    await reader.close();
    assert.equal(fellBack, 1, "the fallback is opened once");
    assert.deepEqual(bits(got[0]), bits(want[0]));
    assert.ok(!existsSync(job.fill.file) && !existsSync(job.fill.temp));
  });

  it("reads a stream shorter than its header says as its reader does (silence after), and publishes nothing", async () => {
    const cut = join(dir, "cut.flac");
    writeFileSync(cut, readFileSync(KEYS).subarray(0, 1_000_000));
    const ref = await refOf(cut);
    const job = jobFor(cut, ref);
    const decoding = decodeAhead([job], () => false);
    const src = new AheadSource(job, 48_000, () => assert.fail("no fallback expected"));
    const got = await readAll(src, ref.frames, 2);
    await src.close();
    await decoding;
    const p = new Int32Array(job.progress);
    assert.equal(Atomics.load(p, AHEAD_STATE), AHEAD_COMPLETE);
    assert.ok(Atomics.load(p, AHEAD_WRITTEN) < ref.frames, "fewer frames than declared");
    const reader = await readerSource(cut, ref);
    const want = await readAll(reader, ref.frames, 2);
    await reader.close();
    for (let c = 0; c < 2; c++) assert.deepEqual(bits(got[c]), bits(want[c]));
    assert.ok(
      !existsSync(job.fill.file) && !existsSync(job.fill.temp),
      "an incomplete file is not published",
    );
  });

  it("stops when the render does: every file abandoned, every source handed back", async () => {
    const vox = await refOf(VOX);
    const keys = await refOf(KEYS);
    const jobs = [jobFor(VOX, vox), jobFor(KEYS, keys)];
    let polls = 0;
    await decodeAhead(jobs, () => ++polls > 5);
    for (const job of jobs) {
      const p = new Int32Array(job.progress);
      assert.equal(Atomics.load(p, AHEAD_STATE), AHEAD_FAILED);
      assert.ok(Atomics.load(p, AHEAD_WRITTEN) > 0, "some was decoded before the stop");
      assert.ok(!existsSync(job.fill.file) && !existsSync(job.fill.temp), "nothing left");
    }
    // A reader past what was decoded goes on with the source's own reader, from where it is.
    const src = new AheadSource(jobs[1], 48_000, () => readerSource(KEYS, keys));
    const got = await readAll(src, keys.frames, 2);
    await src.close();
    const reader = await readerSource(KEYS, keys);
    const want = await readAll(reader, keys.frames, 2);
    await reader.close();
    for (let c = 0; c < 2; c++) assert.deepEqual(bits(got[c]), bits(want[c]));
  });
});
