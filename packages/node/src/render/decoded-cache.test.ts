import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { AudioSource } from "@controlroom/engine/render/source.ts";
import type { AudioRef, Session } from "@controlroom/engine/session/schema.ts";
import { openAudioFile, readWholeFile } from "../files/open.ts";
import { CORPUS, skipWithoutCorpus } from "../files/test-support.ts";
import { sha256File } from "../session/hash.ts";
import type { DecodeThread } from "./decode-jobs.ts";
import {
  audioReadOnceWhole,
  CACHE_HEADER_BYTES,
  CachedSource,
  cacheFileName,
  decodeCacheSettings,
  decodeToCache,
  framesReadByAudio,
  prepareDecodedSources,
  runDecodeJob,
} from "./decoded-cache.ts";
import { FileSourceProvider, ReaderSource } from "./file-provider.ts";

const KEYS = join(CORPUS, "song1", "keys.flac");
const VOX = join(CORPUS, "takes", "clean-vox.flac");
const VOX_DC = join(CORPUS, "takes", "vox-dc.flac");
const TAKES = ["clean-vox", "vox-clicks", "vox-clipped", "vox-dc", "vox-hum", "vox-noise", "vox-pitchy"].map(
  (t) => join(CORPUS, "takes", `${t}.flac`),
);
const hasFfmpeg = spawnSync("sh", ["-c", "command -v ffmpeg"]).status === 0;

/** An AudioRef for `path` as a session made from it would hold. */
async function refOf(path: string): Promise<AudioRef> {
  const r = await openAudioFile(path);
  const { sampleRate, channels, frames } = r.info;
  await r.close();
  return { sha256: await sha256File(path), path, sampleRate, channels, frames: frames ?? 0 };
}

/** AudioRefs of `paths` under ids `${prefix}0`, `${prefix}1`, … */
async function refsOf(paths: string[], prefix: string): Promise<Record<string, AudioRef>> {
  const refs: Record<string, AudioRef> = {};
  for (const [i, p] of paths.entries()) refs[`${prefix}${i}`] = await refOf(p);
  return refs;
}

/** A one-track session playing `audio` (ids → refs), each in one clip. */
function sessionOf(audio: Record<string, AudioRef>): Session {
  return {
    audio,
    tracks: Object.keys(audio).map((id) => ({
      id: `t-${id}`,
      takes: [{ id: "take1", clips: [{ audio: id, start: 0, offset: 0, length: 1 }] }],
    })),
  } as unknown as Session;
}

/** A clip with every field the track player reads: [timeline start, source offset, length], seconds. */
function clip(audio: string, [start, offset, length]: [number, number, number]) {
  const noFade = { length: 0, shape: "equal-power" };
  return { audio, start, offset, length, gainDb: 0, fadeIn: noFade, fadeOut: noFade };
}

/** A 48 kHz session of one track per entry of `tracks` (audio id → clips), all on the first take. */
function clipSession(
  audio: Record<string, AudioRef>,
  tracks: Record<string, [number, number, number][]>[],
): Session {
  return {
    sampleRate: 48_000,
    audio,
    tracks: tracks.map((clips, i) => ({
      id: `t${i}`,
      takes: [{ id: "take1", clips: Object.entries(clips).flatMap(([a, cs]) => cs.map((c) => clip(a, c))) }],
    })),
  } as unknown as Session;
}

/** Bit patterns of a float array, so comparisons are exact (and -0 ≠ 0, NaN = NaN). */
function bits(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

/** Reads `frames` frames at `start` from a source into fresh arrays. */
async function readAt(src: AudioSource, start: number, frames: number, channels = src.channels) {
  const out = Array.from({ length: channels }, () => new Float32Array(frames).fill(7));
  await src.read(start, frames, out);
  return out;
}

/** The channels stored in a cache file (planar after the header). */
function cacheChannels(file: string, channels: number): Float32Array[] {
  const b = readFileSync(file);
  const data = new Float32Array(
    b.buffer.slice(b.byteOffset + CACHE_HEADER_BYTES, b.byteOffset + b.byteLength),
  );
  const n = data.length / channels;
  return Array.from({ length: channels }, (_, c) => data.subarray(c * n, (c + 1) * n));
}

describe("decoded-audio cache", { skip: skipWithoutCorpus("song1", "keys.flac") }, () => {
  let dir: string;
  let n = 0;
  /** A fresh cache folder inside the test's temporary folder. */
  const freshCache = (maxBytes = 2 ** 40) => ({ dir: join(dir, `cache${++n}`), maxBytes });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cr-decoded-cache-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("stores exactly what DecodedReader returns, and reads like ReaderSource", async () => {
    const ref = await refOf(KEYS);
    const settings = freshCache();
    const p = await prepareDecodedSources(sessionOf({ keys: ref }), CORPUS, settings);
    assert.deepEqual([p.decoded, p.reused, p.uncached], [1, 0, 0]);
    const file = p.files.keys;
    const st = statSync(KEYS, { bigint: true });
    assert.equal(file, join(settings.dir, cacheFileName(ref.sha256, Number(st.size), st.mtimeNs)));
    assert.equal(statSync(file).size, CACHE_HEADER_BYTES + 2 * 3_072_000 * 4);

    const whole = await readWholeFile(KEYS, { maxFrames: 4_000_000 });
    const stored = cacheChannels(file, 2);
    for (let c = 0; c < 2; c++) assert.deepEqual(bits(stored[c]), bits(whole.channels[c]));

    // Random access, with zeros outside the source, against the decoder path (which seeks by FLAC frame).
    const cached = CachedSource.open(file, ref)!;
    const reader = new ReaderSource(await openAudioFile(KEYS), ref.frames);
    assert.equal(cached.frames, reader.frames);
    for (const [start, frames] of [
      [-100, 4096],
      [2_000_000, 4096],
      [5, 1],
      [1_000_000, 70_000],
      [3_072_000 - 1000, 4096],
      [3_072_000 + 10, 50],
    ]) {
      const a = await readAt(cached, start, frames, 3);
      const b = await readAt(reader, start, frames, 3);
      for (let c = 0; c < 3; c++)
        assert.deepEqual(bits(a[c]), bits(b[c]), `channel ${c} at ${start}+${frames}`);
    }
    await cached.close();
    await cached.close();
    await reader.close();
  });

  it("reuses a cache file, and FileSourceProvider reads it", async () => {
    const ref = await refOf(VOX);
    const settings = freshCache();
    const session = sessionOf({ a: ref, b: { ...ref } });
    const first = await prepareDecodedSources(session, CORPUS, settings);
    // Two ids of one file: decoded once.
    assert.deepEqual([first.decoded, first.reused], [1, 0]);
    assert.equal(first.files.a, first.files.b);
    const again = await prepareDecodedSources(session, CORPUS, settings);
    assert.deepEqual([again.decoded, again.reused], [0, 1]);

    const provider = new FileSourceProvider(CORPUS, again.files);
    const src = await provider.open("a", ref, ref.sampleRate);
    assert.ok(src instanceof CachedSource);
    const whole = await readWholeFile(VOX, { maxFrames: 1_000_000 });
    const [x] = await readAt(src, 12_345, 1000);
    assert.deepEqual(bits(x), bits(whole.channels[0].subarray(12_345, 13_345)));
    await src.close();
    // At another rate it is wrapped in the resampler, as the decoder path is.
    const res = await provider.open("a", ref, 44_100);
    assert.equal(res.sampleRate, 44_100);
    assert.ok(!(res instanceof CachedSource));
    await res.close();
  });

  it("re-decodes when the source's mtime or size changed", async () => {
    const src = join(dir, "take.flac");
    copyFileSync(VOX, src);
    const ref = { ...(await refOf(src)), path: "take.flac" };
    const settings = freshCache();
    const session = sessionOf({ take: ref });
    const p1 = await prepareDecodedSources(session, dir, settings);
    assert.equal(p1.decoded, 1);

    utimesSync(src, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const p2 = await prepareDecodedSources(session, dir, settings);
    assert.deepEqual([p2.decoded, p2.reused], [1, 0]);
    assert.notEqual(p2.files.take, p1.files.take);

    // Another file under the same name (renders may skip hashing): the cache follows the file's content.
    copyFileSync(VOX_DC, src);
    const p3 = await prepareDecodedSources(session, dir, settings);
    assert.deepEqual([p3.decoded, p3.reused], [1, 0]);
    const dc = await readWholeFile(VOX_DC, { maxFrames: 1_000_000 });
    assert.deepEqual(bits(cacheChannels(p3.files.take, 1)[0]), bits(dc.channels[0]));
  });

  it("detects a corrupt or truncated cache file and decodes again", async () => {
    const ref = await refOf(VOX);
    const settings = freshCache();
    const session = sessionOf({ vox: ref });
    const { files } = await prepareDecodedSources(session, CORPUS, settings);
    const file = files.vox;
    const good = readFileSync(file);

    const bad = Buffer.from(good);
    bad[0] ^= 0xff; // magic
    writeFileSync(file, bad);
    assert.equal(CachedSource.open(file, ref), null);
    const p1 = await prepareDecodedSources(session, CORPUS, settings);
    assert.deepEqual([p1.decoded, p1.reused], [1, 0]);
    assert.deepEqual(readFileSync(file), good);

    truncateSync(file, good.length - 4);
    assert.equal(CachedSource.open(file, ref), null);
    const p2 = await prepareDecodedSources(session, CORPUS, settings);
    assert.deepEqual([p2.decoded, p2.reused], [1, 0]);
    assert.deepEqual(readFileSync(file), good);

    // A cache file for other audio (another sha256) is never used for this one.
    assert.equal(CachedSource.open(file, { ...ref, sha256: "0".repeat(64) }), null);
  });

  it("falls back without an error when the folder is unwritable or the source exceeds the cap", async () => {
    const ref = await refOf(VOX);
    const session = sessionOf({ vox: ref });
    const notADir = join(dir, "plain-file");
    writeFileSync(notADir, "x");
    const p1 = await prepareDecodedSources(session, CORPUS, {
      dir: join(notADir, "cache"),
      maxBytes: 2 ** 40,
    });
    assert.deepEqual([p1.decoded, p1.uncached, p1.files], [0, 1, {}]);

    const settings = freshCache(480_000 * 4); // one header short of the file
    const p2 = await prepareDecodedSources(session, CORPUS, settings);
    assert.deepEqual([p2.decoded, p2.uncached, p2.files], [0, 1, {}]);
    assert.deepEqual(existsSync(settings.dir) ? readdirSync(settings.dir) : [], []);
  });

  it("evicts the least recently used files beyond the cap, never those of the current render", async () => {
    const one = CACHE_HEADER_BYTES + 480_000 * 4;
    const settings = freshCache(2 * one + 100);
    const take = async (name: string, from: string) => {
      const p = join(dir, name);
      copyFileSync(from, p);
      return { ...(await refOf(p)), path: p };
    };
    const a = await take("a.flac", VOX);
    const b = await take("b.flac", VOX_DC);
    const c = await take("c.flac", join(CORPUS, "takes", "vox-hum.flac"));
    const pa = await prepareDecodedSources(sessionOf({ a }), dir, settings);
    const pb = await prepareDecodedSources(sessionOf({ b }), dir, settings);
    // b used long ago, a just now (a reuse touches the file).
    utimesSync(pa.files.a, new Date(2001, 0, 1), new Date(2001, 0, 1));
    utimesSync(pb.files.b, new Date(2002, 0, 1), new Date(2002, 0, 1));
    assert.equal((await prepareDecodedSources(sessionOf({ a }), dir, settings)).reused, 1);
    const pc = await prepareDecodedSources(sessionOf({ c }), dir, settings);
    assert.equal(pc.decoded, 1);
    assert.ok(existsSync(pa.files.a), "recently used file kept");
    assert.ok(!existsSync(pb.files.b), "least recently used file evicted");
    assert.ok(existsSync(pc.files.c));

    // Three sources that cannot all fit: the render's own files are not evicted for each other.
    const all = await prepareDecodedSources(sessionOf({ a, b, c }), dir, settings);
    assert.deepEqual([all.reused, all.decoded, all.uncached], [2, 0, 1]);
    assert.ok(existsSync(all.files.a) && existsSync(all.files.c));
  });

  it("lets two writers decode one source at once; both publish a complete file", async () => {
    const ref = await refOf(VOX);
    const settings = freshCache();
    const st = statSync(VOX, { bigint: true });
    const file = join(settings.dir, cacheFileName(ref.sha256, Number(st.size), st.mtimeNs));
    const source = { size: Number(st.size), mtimeNs: st.mtimeNs };
    const r = await Promise.all([
      decodeToCache(VOX, ref, file, settings, new Set(), source),
      decodeToCache(VOX, ref, file, settings, new Set(), source),
    ]);
    assert.deepEqual(r, ["cached", "cached"]);
    assert.deepEqual(readdirSync(settings.dir), [cacheFileName(ref.sha256, Number(st.size), st.mtimeNs)]);
    const whole = await readWholeFile(VOX, { maxFrames: 1_000_000 });
    assert.deepEqual(bits(cacheChannels(file, 1)[0]), bits(whole.channels[0]));
  });

  it("handles a stereo stream shorter than its header says", async () => {
    const cut = join(dir, "cut.flac");
    writeFileSync(cut, readFileSync(KEYS).subarray(0, 1_000_000));
    const ref = { ...(await refOf(cut)), path: cut };
    const p = await prepareDecodedSources(sessionOf({ cut: ref }), dir, freshCache());
    assert.equal(p.decoded, 1);
    const whole = await readWholeFile(cut, { maxFrames: 4_000_000 });
    const decoded = whole.channels[0].length;
    assert.ok(decoded > 0 && decoded < ref.frames, `decoded ${decoded} of ${ref.frames}`);
    const stored = cacheChannels(p.files.cut, 2);
    for (let ch = 0; ch < 2; ch++) assert.deepEqual(bits(stored[ch]), bits(whole.channels[ch]));
    // The source keeps the declared length; past the decoded audio it reads zeros, as the reader path does.
    const src = CachedSource.open(p.files.cut, ref)!;
    const reader = new ReaderSource(await openAudioFile(cut), ref.frames);
    assert.equal(src.frames, ref.frames);
    const a = await readAt(src, decoded - 100, 200);
    const b = await readAt(reader, decoded - 100, 200);
    for (let ch = 0; ch < 2; ch++) assert.deepEqual(bits(a[ch]), bits(b[ch]));
    await src.close();
    await reader.close();
  });

  it("grows the layout for a stream of unknown length (MP3 without a Xing header)", {
    skip: !hasFfmpeg,
  }, async () => {
    const mp3 = join(dir, "noxing.mp3");
    execFileSync("ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=44100"],
      ...["-f", "lavfi", "-i", "sine=frequency=660:duration=3:sample_rate=44100"],
      ...["-filter_complex", "[0][1]amerge=inputs=2", "-c:a", "libmp3lame", "-write_xing", "0", "-y", mp3],
    ]);
    const probe = await openAudioFile(mp3);
    assert.equal(probe.info.frames, null);
    await probe.close();
    // The session's length is a guess far too short: the layout has to grow (and ends trimmed to the audio).
    const ref = { ...(await refOf(mp3)), frames: 1000 };
    const p = await prepareDecodedSources(sessionOf({ mp3: ref }), dir, freshCache());
    assert.equal(p.decoded, 1);
    const whole = await readWholeFile(mp3, { maxFrames: 1_000_000 });
    const stored = cacheChannels(p.files.mp3, 2);
    assert.ok(whole.channels[0].length > 100_000);
    for (let ch = 0; ch < 2; ch++) assert.deepEqual(bits(stored[ch]), bits(whole.channels[ch]));
    const src = CachedSource.open(p.files.mp3, ref)!;
    assert.equal(src.frames, 1000, "length as the reader path reports it: the session's");
    await src.close();
  });

  it("skips PCM files", async () => {
    const wav = join(dir, "pcm.wav");
    const data = Buffer.alloc(44 + 400);
    data.write("RIFF", 0);
    data.writeUInt32LE(36 + 400, 4);
    data.write("WAVEfmt ", 8);
    data.writeUInt32LE(16, 16);
    data.writeUInt16LE(1, 20);
    data.writeUInt16LE(1, 22);
    data.writeUInt32LE(48000, 24);
    data.writeUInt32LE(96000, 28);
    data.writeUInt16LE(2, 32);
    data.writeUInt16LE(16, 34);
    data.write("data", 36);
    data.writeUInt32LE(400, 40);
    writeFileSync(wav, data);
    const ref = { ...(await refOf(wav)), path: wav };
    const p = await prepareDecodedSources(sessionOf({ pcm: ref }), dir, freshCache());
    assert.deepEqual([p.decoded, p.reused, p.uncached, p.files], [0, 0, 0, {}]);
  });

  it("counts the source frames a render reads: clips inside the range, comps, other rates", () => {
    const ref = (sampleRate: number) => ({ sha256: "", path: "", sampleRate, channels: 1, frames: 0 });
    const s = clipSession({ a: ref(48_000), b: ref(44_100) }, [
      {
        a: [
          [0, 0, 4],
          [4, 0, 4],
          [10, 2, 1],
        ],
      },
      { b: [[1, 0, 2]] },
    ]);
    assert.deepEqual(Object.fromEntries(framesReadByAudio(s)), { a: 9 * 48_000, b: 2 * 44_100 });
    // Clipped to the range (a: 2 … 4 and 4 … 5; b: 2 … 3), b counted at its own rate.
    assert.deepEqual(Object.fromEntries(framesReadByAudio(s, { start: 2, end: 5 })), {
      a: 3 * 48_000,
      b: 44_100,
    });
    assert.deepEqual(Object.fromEntries(framesReadByAudio(s, { start: 10.5, end: Infinity })), {
      a: 0.5 * 48_000,
    });
    // A comp reads each segment's take only within its window and the crossfades around it: here take 1's
    // clip over 0 … 5 s + 0.05 s, take 2's over 5 s − 0.05 s … 10 s (its second clip, at 20 s, not at all).
    const comp = clipSession({ a: ref(48_000), b: ref(48_000) }, [{ a: [[0, 0, 10]] }]);
    comp.tracks[0].takes.push({
      id: "take2",
      clips: [clip("b", [0, 0, 10]), clip("b", [20, 0, 1])],
    } as never);
    comp.tracks[0].comp = {
      segments: [
        { take: "take1", start: 0, end: 5 },
        { take: "take2", start: 5, end: 10 },
      ],
      crossfade: 0.1,
      shape: "equal-power",
    };
    assert.deepEqual(Object.fromEntries(framesReadByAudio(comp)), { a: 5.05 * 48_000, b: 5.05 * 48_000 });
    // Within a range: take 1 over 4 … 5.05 s, take 2 over 4.95 … 6 s.
    assert.deepEqual(Object.fromEntries(framesReadByAudio(comp, { start: 4, end: 6 })), {
      a: 1.05 * 48_000,
      b: 1.05 * 48_000,
    });
  });

  it("caches only what pays off: sources read at least their length, and sources already cached", async () => {
    const vox = await refOf(VOX); // 10 s
    const settings = freshCache();
    const prepare = (s: Session, range?: { start: number; end: number }) =>
      prepareDecodedSources(s, CORPUS, settings, undefined, { framesRead: framesReadByAudio(s, range) });
    const cacheFiles = () => (existsSync(settings.dir) ? readdirSync(settings.dir) : []);

    // A short range of one clip: its clip decodes the 2 s it plays; nothing is written.
    const once = clipSession({ vox }, [{ vox: [[0, 0, 10]] }]);
    const p1 = await prepare(once, { start: 3, end: 5 });
    assert.deepEqual([p1.decoded, p1.reused, p1.direct, p1.files], [0, 0, 1, {}]);
    // The whole clip, once: still no gain from decoding it twice.
    const p2 = await prepare(clipSession({ vox }, [{ vox: [[0, 0, 9.5]] }]));
    assert.deepEqual([p2.decoded, p2.direct], [0, 1]);
    assert.deepEqual(cacheFiles(), []);

    // A 4-second loop played three times (12 s of a 10 s source): cached.
    const loop = clipSession({ vox }, [
      {
        vox: [
          [0, 2, 4],
          [4, 2, 4],
          [8, 2, 4],
        ],
      },
    ]);
    const p3 = await prepare(loop);
    assert.deepEqual([p3.decoded, p3.direct, Object.keys(p3.files)], [1, 0, ["vox"]]);
    // Reads add up over the ids and tracks naming the same file.
    const twoIds = clipSession({ a: vox, b: { ...vox } }, [{ a: [[0, 0, 6]] }, { b: [[0, 4, 6]] }]);
    const p4 = await prepareDecodedSources(twoIds, CORPUS, freshCache(), undefined, {
      framesRead: framesReadByAudio(twoIds),
    });
    assert.deepEqual([p4.decoded, p4.direct], [1, 0]);
    assert.equal(p4.files.a, p4.files.b);

    // Already cached: used even for a short range.
    const p5 = await prepare(once, { start: 3, end: 5 });
    assert.deepEqual([p5.decoded, p5.reused, p5.direct], [0, 1, 0]);
    assert.equal(p5.files.vox, p3.files.vox);
    assert.deepEqual(cacheFiles(), [p3.files.vox.slice(settings.dir.length + 1)]);
  });

  it("decodes several sources at once on worker threads, each file exact", async () => {
    const paths = [KEYS, ...TAKES.slice(0, 4)];
    const audio = await refsOf(paths, "s");
    const settings = freshCache();
    const calls: [number, number][] = [];
    const p = await prepareDecodedSources(sessionOf(audio), CORPUS, settings, undefined, {
      threads: 3,
      onProgress: (d, t) => calls.push([d, t]),
    });
    assert.deepEqual([p.decoded, p.uncached], [5, 0]);
    for (const [i, path] of paths.entries()) {
      const whole = await readWholeFile(path, { maxFrames: 4_000_000 });
      const stored = cacheChannels(p.files[`s${i}`], whole.channels.length);
      for (const [c, x] of whole.channels.entries()) assert.deepEqual(bits(stored[c]), bits(x), path);
    }
    // Only the published files (temporary files renamed or removed), and progress that adds up.
    assert.deepEqual(
      readdirSync(settings.dir).sort(),
      Object.values(p.files)
        .map((f) => f.slice(settings.dir.length + 1))
        .sort(),
    );
    const total = 64 + 4 * 10;
    for (let i = 1; i < calls.length; i++)
      assert.ok(calls[i][0] >= calls[i - 1][0], "progress never goes back");
    assert.deepEqual(calls.at(-1), [total, total]);
  });

  it("leaves to the render the sources one clip reads whole, and fills their cache files in passing", async () => {
    const audio = await refsOf([VOX, VOX_DC, TAKES[1], TAKES[2]], "a");
    // a0 read whole by one clip; a1 read whole twice (two tracks); a2 from 0.5 s on; a3 only its first 9 s.
    const session = clipSession(audio, [
      { a0: [[1, 0, 10]], a1: [[0, 0, 10]], a2: [[0, 0.5, 9.5]] },
      { a1: [[20, 0, 10]], a3: [[0, 0, 9]] },
    ]);
    assert.deepEqual([...audioReadOnceWhole(session)], ["a0"]);
    assert.deepEqual(
      [...audioReadOnceWhole(session, { start: 0, end: 10 })],
      ["a1"],
      "the range ends inside a0's clip, and leaves out a1's second",
    );
    assert.deepEqual([...audioReadOnceWhole(session, { start: 1, end: 11 })], ["a0"]);

    const settings = freshCache();
    const p = await prepareDecodedSources(session, CORPUS, settings, undefined, {
      framesRead: framesReadByAudio(session),
      fillWhileRendering: audioReadOnceWhole(session),
    });
    assert.deepEqual(
      [p.filling, p.decoded, p.direct, Object.keys(p.fills), Object.keys(p.files)],
      [1, 1, 2, ["a0"], ["a1"]],
    );
    const fill = p.fills.a0;
    // Read through the provider as a clip does (uneven blocks, from before the start to past the end) …
    const provider = new FileSourceProvider(CORPUS);
    provider.setFills(p.fills);
    const src = await provider.open("a0", audio.a0, 48_000);
    for (let t = -3000; t < audio.a0.frames + 5000; t += 7001) await readAt(src, t, 7001);
    await src.close();
    // … publishes the file decodeToCache would have written, byte for byte.
    const other = freshCache();
    const st = statSync(VOX, { bigint: true });
    const expected = join(other.dir, cacheFileName(audio.a0.sha256, Number(st.size), st.mtimeNs));
    assert.equal(
      await decodeToCache(VOX, audio.a0, expected, other, new Set(), {
        size: Number(st.size),
        mtimeNs: st.mtimeNs,
      }),
      "cached",
    );
    assert.deepEqual(readFileSync(fill.file), readFileSync(expected));
    assert.ok(!existsSync(fill.temp));
    // The next render reuses it.
    const again = await prepareDecodedSources(session, CORPUS, settings, undefined, {
      framesRead: framesReadByAudio(session),
      fillWhileRendering: audioReadOnceWhole(session),
    });
    assert.deepEqual([again.filling, again.reused], [0, 2]);
  });

  it("abandons a cache file being filled when the reads jump or stop early", async () => {
    const ref = await refOf(VOX);
    const session = clipSession({ v: ref }, [{ v: [[0, 0, 10]] }]);
    for (const reads of [
      [
        [0, 48_000],
        [96_000, 48_000],
      ], // a jump forward: a seek
      [
        [0, 48_000],
        [0, 48_000],
      ], // back to the start
      [[0, 400_000]], // the render stops before the end
    ]) {
      const settings = freshCache();
      const p = await prepareDecodedSources(session, CORPUS, settings, undefined, {
        fillWhileRendering: audioReadOnceWhole(session),
      });
      assert.equal(p.filling, 1);
      const provider = new FileSourceProvider(CORPUS);
      provider.setFills(p.fills);
      const src = await provider.open("v", ref, 48_000);
      for (const [start, frames] of reads) await readAt(src, start, frames);
      await src.close();
      assert.deepEqual(readdirSync(settings.dir), [], JSON.stringify(reads));
    }
  });

  it("decodes a source directly when its worker fails, and here when no worker starts", async (t) => {
    const audio = await refsOf(TAKES, "t");
    // A worker that takes a job and crashes (leaving a mark, so the test knows which jobs it took) …
    const crashing = join(dir, "crash-on-job.mjs");
    writeFileSync(
      crashing,
      `import { writeFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
parentPort.on("message", (job) => {
  writeFileSync(job.file + ".crashed", "");
  throw new Error("decoder crashed");
});
parentPort.postMessage({ type: "ready" });
`,
    );
    const settings = freshCache();
    const p1 = await prepareDecodedSources(sessionOf(audio), CORPUS, settings, undefined, {
      threads: 3,
      workerModule: pathToFileURL(crashing),
    });
    const crashed = readdirSync(settings.dir).filter((f) => f.endsWith(".crashed"));
    t.diagnostic(`${crashed.length} of ${TAKES.length} jobs went to the crashing workers`);
    assert.deepEqual([p1.decoded, p1.uncached], [TAKES.length - crashed.length, crashed.length]);
    for (const [id, ref] of Object.entries(audio)) {
      const st = statSync(ref.path, { bigint: true });
      const name = cacheFileName(ref.sha256, Number(st.size), st.mtimeNs);
      if (crashed.includes(`${name}.crashed`)) assert.equal(p1.files[id], undefined, "left to the clips");
      else assert.ok(CachedSource.open(p1.files[id], ref), id);
    }
    assert.deepEqual(
      readdirSync(settings.dir).filter((f) => f.endsWith(".partial")),
      [],
    );

    // … and one that cannot even load: everything is decoded on this thread.
    const broken = join(dir, "broken.mjs");
    writeFileSync(broken, `throw new Error("cannot load");\n`);
    const p2 = await prepareDecodedSources(sessionOf(audio), CORPUS, freshCache(), undefined, {
      threads: 3,
      workerModule: pathToFileURL(broken),
    });
    assert.deepEqual([p2.decoded, p2.uncached], [TAKES.length, 0]);
  });

  it("decodes on the threads it is lent instead of starting decode workers; a failing one costs its job", async () => {
    const audio = await refsOf(TAKES.slice(0, 5), "l");
    // Were a decode worker started, it would leave this mark.
    const mark = join(dir, "decode-worker-started");
    const marking = join(dir, "marking-worker.mjs");
    writeFileSync(
      marking,
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(mark)}, "");\n`,
    );
    // Lent threads that run their jobs here (as a track worker runs them on its own thread).
    const taken: string[] = [];
    const lent: DecodeThread = {
      ready: Promise.resolve(),
      decode: (job, onProgress, cancelFlag) => {
        taken.push(job.path);
        return runDecodeJob(job, onProgress, () => Atomics.load(cancelFlag, 0) !== 0);
      },
      alive: () => true,
      release: () => {},
    };
    const settings = freshCache();
    const p1 = await prepareDecodedSources(sessionOf(audio), CORPUS, settings, undefined, {
      threads: 3,
      lentThreads: [lent, lent],
      workerModule: pathToFileURL(marking),
    });
    assert.deepEqual([p1.decoded, p1.uncached], [5, 0]);
    assert.ok(taken.length >= 2, `${taken.length} jobs on the lent threads`);
    for (const [i, path] of TAKES.slice(0, 5).entries()) {
      const whole = await readWholeFile(path, { maxFrames: 4_000_000 });
      assert.deepEqual(bits(cacheChannels(p1.files[`l${i}`], 1)[0]), bits(whole.channels[0]), path);
    }
    assert.ok(!existsSync(mark), "no decode worker started");

    // One that fails in the middle of its first job (after writing part of it): that source is left to the
    // clips, its temporary file removed, and the thread gets no other job.
    let jobs = 0;
    let gone = false;
    const failing: DecodeThread = {
      ready: Promise.resolve(),
      decode: async (job) => {
        jobs++;
        writeFileSync(job.temp, "part of a file");
        gone = true;
        throw new Error("track worker: crashed");
      },
      alive: () => !gone,
      release: () => {},
    };
    const settings2 = freshCache();
    const p2 = await prepareDecodedSources(sessionOf(audio), CORPUS, settings2, undefined, {
      threads: 2,
      lentThreads: [failing],
      workerModule: pathToFileURL(marking),
    });
    assert.deepEqual([jobs, p2.decoded, p2.uncached], [1, 4, 1]);
    assert.deepEqual(
      readdirSync(settings2.dir).filter((f) => !f.endsWith(".f32")),
      [],
    );
    assert.ok(!existsSync(mark), "no decode worker started");
  });

  it("stops decoding when the render is cancelled, leaving no temporary files", async () => {
    const audio = await refsOf(TAKES, "t");
    const settings = freshCache();
    let progressed = false;
    const p = await prepareDecodedSources(sessionOf(audio), CORPUS, settings, undefined, {
      threads: 2,
      onProgress: () => {
        progressed = true;
      },
      cancelled: () => progressed,
    });
    assert.ok(p.decoded < TAKES.length, `decoded ${p.decoded}`);
    assert.deepEqual(
      readdirSync(settings.dir).filter((f) => !f.endsWith(".f32")),
      [],
    );
  });

  it("takes its folder and cap from the environment, and can be turned off", () => {
    assert.deepEqual(
      decodeCacheSettings(true, { CONTROLROOM_CACHE_DIR: "/c", CONTROLROOM_CACHE_MAX_BYTES: "2G" }),
      {
        dir: "/c",
        maxBytes: 2 * 2 ** 30,
      },
    );
    assert.deepEqual(decodeCacheSettings(true, { XDG_CACHE_HOME: "/x" }), {
      dir: "/x/controlroom/decoded",
      maxBytes: 10 * 2 ** 30,
    });
    assert.match(decodeCacheSettings(true, {})!.dir, /\.cache\/controlroom\/decoded$/);
    assert.equal(decodeCacheSettings(true, { CONTROLROOM_CACHE_DIR: "off" }), null);
    assert.equal(decodeCacheSettings(false, { CONTROLROOM_CACHE_DIR: "/c" }), null);
    assert.deepEqual(decodeCacheSettings({ dir: "/d", maxBytes: 5 }, { CONTROLROOM_CACHE_DIR: "off" }), {
      dir: "/d",
      maxBytes: 5,
    });
  });
});
