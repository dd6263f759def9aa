/**
 * A disk cache of decoded compressed audio (FLAC, MP3, Ogg Vorbis), as DAWs keep: before a render, a
 * compressed source is decoded once into a raw planar float32 file, and every clip of it (in every track
 * worker, and in later renders) reads that file directly instead of running the decoder again. Only what pays
 * off is decoded into it: a source the render reads at least its own length of (loops, comps, reused takes);
 * a source read less (a short range) is decoded by its clips directly, unless a cache file for it already
 * exists. Sources are decoded several at once, on this thread and on others (the render's track workers, or
 * decode workers: decode-worker.ts).
 * The cache is an optimisation only: any failure (unwritable folder, full disk, a source too large
 * for the cap, a bad cache file) falls back to decoding as before, silently.
 *
 * This module is the policy (which sources to decode into the cache for a render); the file format is in
 * decode-cache-file.ts, reading it in cached-source.ts, the settings in decode-cache-settings.ts, decoding
 * one source in decode-to-cache.ts, several at once on several threads in decode-jobs.ts, eviction in
 * decode-cache-eviction.ts.
 */
import { type FileHandle, mkdir, open, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { playbackItems } from "@controlroom/engine/render/track-player.ts";
import type { AudioRef, Session } from "@controlroom/engine/session/schema.ts";
import { tempPathBeside } from "../files/atomic-file.ts";
import { SNIFF_BYTES, sniff } from "../files/sniff.ts";
import { audioPath } from "../session/audio-check.ts";
import { makeRoom } from "./decode-cache-eviction.ts";
import { cacheFileBytes, cacheFileName, usable } from "./decode-cache-file.ts";
import type { CacheFill } from "./decode-cache-fill.ts";
import type { DecodeCacheSettings } from "./decode-cache-settings.ts";
import { type DecodeJob, type DecodeJobsOptions, decodeJobs } from "./decode-jobs.ts";

// What importers of this module used before the cache was split by concern.
export { CachedSource } from "./cached-source.ts";
export { CACHE_HEADER_BYTES, type CacheHeader, cacheFileName } from "./decode-cache-file.ts";
export {
  DEFAULT_CACHE_MAX_BYTES,
  type DecodeCacheOption,
  type DecodeCacheSettings,
  decodeCacheSettings,
} from "./decode-cache-settings.ts";
export {
  type DecodeJob,
  type DecodeWorkerData,
  type DecodeWorkerMessage,
  runDecodeJob,
} from "./decode-jobs.ts";
export { type DecodeOutcome, decodeToCache } from "./decode-to-cache.ts";

/** Audio ids (keys of `session.audio`) a render of the timeline span `range` (seconds) may read. */
export function audioIdsInRange(session: Session, range?: { start: number; end: number }): Set<string> {
  const ids = new Set<string>();
  for (const t of session.tracks) {
    const playing = t.comp?.segments.length
      ? new Set(t.comp.segments.map((s) => s.take))
      : new Set([t.activeTake ?? t.takes[0]?.id]);
    for (const take of t.takes) {
      if (!playing.has(take.id)) continue;
      for (const c of take.clips) {
        if (range && (c.start > range.end || c.start + c.length < range.start)) continue;
        ids.add(c.audio);
      }
    }
  }
  return ids;
}

/**
 * Source frames a render reads from each audio id: for every clip the track players play, the part of its
 * read range (the clip, or under a comp only where the window lets it through, crossfades included) inside
 * `range`, summed. Counted in the source's own frames (its rate may differ from the session's).
 * @param session the session as rendered (its `sampleRate` is the render's rate).
 * @param range timeline seconds the render reads, `end` may be Infinity; the whole timeline when omitted.
 * @returns audio id → frames; ids the range does not touch are absent.
 */
export function framesReadByAudio(
  session: Session,
  range?: { start: number; end: number },
): Map<string, number> {
  const sr = session.sampleRate;
  const lo = range ? Math.round(range.start * sr) : Number.NEGATIVE_INFINITY;
  const hi = range ? Math.round(range.end * sr) : Number.POSITIVE_INFINITY;
  const reads = new Map<string, number>();
  for (const t of session.tracks) {
    for (const it of playbackItems(t, sr)) {
      const n = Math.min(hi, it.readTo) - Math.max(lo, it.readFrom);
      if (n <= 0) continue;
      const ref = session.audio[it.audio];
      const frames = ref ? (n * ref.sampleRate) / sr : n;
      reads.set(it.audio, (reads.get(it.audio) ?? 0) + frames);
    }
  }
  return reads;
}

/**
 * Audio ids one clip of the render reads from the source's first frame to its last, and no other clip reads:
 * decoding such a source into the cache before the render would only delay the first block, so the clip decodes
 * it and fills the cache file in passing (`PrepareOptions.fillWhileRendering`). Sources at another rate than the
 * session's are left out (the resampler's reads overlap).
 * @param session the session as rendered (its `sampleRate` is the render's rate).
 * @param range timeline seconds the render reads (`end` may be Infinity).
 */
export function audioReadOnceWhole(session: Session, range?: { start: number; end: number }): Set<string> {
  const sr = session.sampleRate;
  const lo = range ? Math.round(range.start * sr) : Number.NEGATIVE_INFINITY;
  const hi = range ? Math.round(range.end * sr) : Number.POSITIVE_INFINITY;
  const readers = new Map<string, number>();
  const whole = new Set<string>();
  for (const t of session.tracks) {
    for (const it of playbackItems(t, sr)) {
      const from = Math.max(lo, it.readFrom);
      const to = Math.min(hi, it.readTo);
      if (to <= from) continue;
      readers.set(it.audio, (readers.get(it.audio) ?? 0) + 1);
      const ref = session.audio[it.audio];
      if (
        ref &&
        ref.sampleRate === sr &&
        it.sourceStart + (from - it.start) <= 0 &&
        it.sourceStart + (to - it.start) >= ref.frames
      )
        whole.add(it.audio);
    }
  }
  for (const id of whole) if (readers.get(id) !== 1) whole.delete(id);
  return whole;
}

/** What preparing the sources of a render did. */
export interface PrepareResult {
  /** Audio id → cache file to read it from (ids without one are decoded as before). */
  files: Record<string, string>;
  /** Sources decoded into the cache now. */
  decoded: number;
  /**
   * Audio id → cache file its clip fills while the render decodes it (`PrepareOptions.fillWhileRendering`);
   * room in the folder is made for them.
   */
  fills: Record<string, CacheFill>;
  /** Sources whose cache file the render fills in passing (`fills`). */
  filling: number;
  /** Sources found in the cache from an earlier render. */
  reused: number;
  /** Compressed sources left to the decoder (too large for the cap, disk full, folder unwritable). */
  uncached: number;
  /**
   * Compressed sources not in the cache that the render reads less than once over: their clips decode them
   * directly (decoding the whole source first would cost more than it saves).
   */
  direct: number;
  /** Wall-clock seconds spent. */
  seconds: number;
}

/** Options of `prepareDecodedSources` (see there). */
export interface PrepareOptions extends DecodeJobsOptions {
  framesRead?: ReadonlyMap<string, number>;
  /**
   * Audio ids whose one clip reads the whole source (`audioReadOnceWhole`): when not cached yet, they are not
   * decoded now but filled while the render decodes them (`PrepareResult.fills`).
   */
  fillWhileRendering?: ReadonlySet<string>;
}

/**
 * Finds the cache files of the compressed sources among `ids` and decodes the missing ones that pay off (one
 * at a time, streaming: memory does not grow with their length). Never throws for cache trouble.
 * @param session the session (its `audio` references).
 * @param baseDir the session file's folder (relative audio paths).
 * @param ids the audio ids to prepare (default all that active takes use; see `audioIdsInRange`).
 * @param opts.framesRead source frames the render reads per audio id (`framesReadByAudio`). When given, a
 * source without a cache file is decoded into the cache only if the render reads at least its length from it
 * (summed over the ids that name the same file); otherwise its clips decode it directly (`direct`). A source
 * already in the cache is always used. Without it, every missing source is decoded into the cache.
 * Missing sources are decoded several at once, on this thread and on others (`opts.threads`; the threads in
 * `opts.lentThreads` first, decode workers for the rest); a thread that fails leaves its source to the clips'
 * decoders (`uncached`).
 * @param opts.onProgress called while decoding: audio seconds decoded so far, of how many to decode.
 * @param opts.cancelled polled while decoding; when true, preparing stops (the render's own check then stops it).
 */
export async function prepareDecodedSources(
  session: Session,
  baseDir: string,
  settings: DecodeCacheSettings,
  ids: Iterable<string> = audioIdsInRange(session),
  opts: PrepareOptions = {},
): Promise<PrepareResult> {
  const t0 = performance.now();
  const result: PrepareResult = {
    files: {},
    fills: {},
    decoded: 0,
    filling: 0,
    reused: 0,
    uncached: 0,
    direct: 0,
    seconds: 0,
  };
  // Sources of one file under several ids are decoded once.
  const byKey = new Map<
    string,
    { ids: string[]; ref: AudioRef; path: string; size: number; mtimeNs: bigint }
  >();
  for (const id of ids) {
    const ref = session.audio[id];
    if (!ref) continue;
    const path = audioPath(baseDir, ref.path);
    try {
      const st = await stat(path, { bigint: true });
      if (!st.isFile()) continue;
      const name = cacheFileName(ref.sha256, Number(st.size), st.mtimeNs);
      const entry = byKey.get(name);
      if (entry) entry.ids.push(id);
      else byKey.set(name, { ids: [id], ref, path, size: Number(st.size), mtimeNs: st.mtimeNs });
    } catch {}
  }
  const keep = new Set<string>();
  const missing: typeof byKey = new Map();
  /** Sources to fill while rendering (`opts.fillWhileRendering`). */
  const toFill: typeof byKey = new Map();
  /** Temporary files of the fills → their size, bytes: room is made for each counting the others. */
  const reserved = new Map<string, number>();
  for (const [name, e] of byKey) {
    const file = join(settings.dir, name);
    if (await usable(file, e.ref, e)) {
      keep.add(file);
      for (const id of e.ids) result.files[id] = file;
      result.reused++;
      // Touch on use: eviction removes the least recently used files first.
      const now = new Date();
      await utimes(file, now, now).catch(() => {});
    } else if (opts.framesRead && readFrames(opts.framesRead, e.ids) < e.ref.frames) {
      // Read less than once: decoding the whole source first would only add to the render's work.
      if (await isCompressed(e.path)) result.direct++;
    } else if (e.ids.length === 1 && opts.fillWhileRendering?.has(e.ids[0]) && (await isCompressed(e.path))) {
      toFill.set(name, e);
    } else missing.set(name, e);
  }
  // Room for the fills once every file this render reuses is known (and kept).
  for (const [name, e] of toFill) {
    const file = join(settings.dir, name);
    if (!(await makeRoomFor(settings, file, e.ref, keep, reserved))) {
      missing.set(name, e);
      continue;
    }
    keep.add(file);
    const fill: CacheFill = {
      file,
      temp: tempPathBeside(file, "partial"),
      ref: e.ref,
      size: e.size,
      mtimeNs: e.mtimeNs,
    };
    result.fills[e.ids[0]] = fill;
    reserved.set(fill.temp, cacheFileBytes(e.ref.channels, Math.max(1, e.ref.frames)));
    result.filling++;
  }
  const jobs = [...missing].map(([name, e]) => {
    const file = join(settings.dir, name);
    // The files this render writes are never evicted to make room for each other.
    keep.add(file);
    const job: DecodeJob = {
      path: e.path,
      ref: e.ref,
      file,
      temp: tempPathBeside(file, "partial"),
      size: e.size,
      mtimeNs: e.mtimeNs,
      maxBytes: settings.maxBytes,
    };
    return { job, ids: e.ids };
  });
  const outcomes = await decodeJobs(
    jobs.map((j) => j.job),
    settings,
    keep,
    { ...opts, reserved },
  );
  for (const { job, ids } of jobs) {
    const r = outcomes.get(job);
    if (r === "cached") {
      for (const id of ids) result.files[id] = job.file;
      result.decoded++;
    } else if (r === "failed") result.uncached++;
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

/** Makes room in the cache folder for `file` (counting `reserved`); false when it cannot be had. */
async function makeRoomFor(
  settings: DecodeCacheSettings,
  file: string,
  ref: AudioRef,
  keep: ReadonlySet<string>,
  reserved: ReadonlyMap<string, number>,
): Promise<boolean> {
  const need = cacheFileBytes(ref.channels, Math.max(1, ref.frames));
  if (need > settings.maxBytes) return false;
  try {
    await mkdir(dirname(file), { recursive: true });
    return await makeRoom(settings, need, new Set([...keep, file]), reserved);
  } catch {
    return false;
  }
}

/** Frames read from one file under any of its ids. */
function readFrames(framesRead: ReadonlyMap<string, number>, ids: readonly string[]): number {
  let n = 0;
  for (const id of ids) n += framesRead.get(id) ?? 0;
  return n;
}

/** True when the file's content is a compressed format the cache takes (not PCM, not unreadable). */
async function isCompressed(path: string): Promise<boolean> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(path, "r");
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const kind = sniff(head.subarray(0, bytesRead));
    return "audio" in kind && kind.audio !== "wav" && kind.audio !== "rf64";
  } catch {
    return false;
  } finally {
    await fh?.close().catch(() => {});
  }
}
