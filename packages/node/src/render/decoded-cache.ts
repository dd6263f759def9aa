/**
 * A disk cache of decoded compressed audio (FLAC, MP3, Ogg Vorbis), as DAWs keep: before a render, a
 * compressed source is decoded once into a raw planar float32 file, and every clip of it (in every track
 * worker, and in later renders) reads that file directly instead of running the decoder again. Only what pays
 * off is decoded into it: a source the render reads at least its own length of (loops, comps, reused takes);
 * a source read less (a short range) is decoded by its clips directly, unless a cache file for it already
 * exists. Sources are decoded several at once, on this thread and on worker threads (decode-worker.ts).
 * The cache is an optimisation only: any failure (unwritable folder, full disk, a source too large
 * for the cap, a bad cache file) falls back to decoding as before, silently.
 *
 * File layout (native little-endian): a 128-byte header, then channel 0's frames, channel 1's frames, …
 * (float32 each, exactly as DecodedReader returns them).
 *
 *   0  8  magic "CRDECODE"          40 8  source file size, bytes
 *   8  4  version (1)               48 8  source mtime, ns since the epoch
 *  12  4  header bytes (128)        56 32 sha256 of the source (the session's identity of the audio)
 *  16  4  channels                  88 40 zero
 *  20  4  sample rate, Hz
 *  24  8  decoded frames
 *  32  8  frames the source's header declares, -1 when it does not say
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink, utimes } from "node:fs/promises";
import { availableParallelism, endianness, homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Worker } from "node:worker_threads";
import type { AudioSource } from "@controlroom/engine/render/source.ts";
import { playbackItems } from "@controlroom/engine/render/track-player.ts";
import type { AudioRef, Session } from "@controlroom/engine/session/schema.ts";
import { tempPathBeside } from "../files/atomic-file.ts";
import { openAudioFile } from "../files/open.ts";
import { SNIFF_BYTES, sniff } from "../files/sniff.ts";
import type { AudioReader } from "../files/types.ts";
import { audioPath } from "../session/audio-check.ts";
import { startWorker } from "../workers/worker-entry.ts";

const MAGIC = "CRDECODE";
const VERSION = 1;
/** Header bytes before the samples. */
export const CACHE_HEADER_BYTES = 128;
/** Default size cap of the cache folder, bytes (10 GiB). */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 2 ** 30;
/** Frames decoded per step while filling a cache file (memory stays at this, whatever the file's length). */
const DECODE_FRAMES = 65536;
/** Temporary files older than this are left over from a crashed writer and are deleted. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Where the cache lives and how big it may grow. */
export interface DecodeCacheSettings {
  /** Cache folder (created when needed). */
  dir: string;
  /** Size cap of the folder's cache files, bytes; least recently used files are evicted beyond it. */
  maxBytes: number;
}

/** `decodeCache` option of a render: false turns the cache off; an object overrides the environment. */
export type DecodeCacheOption = boolean | Partial<DecodeCacheSettings>;

/**
 * The cache settings in effect, or null when the cache is off.
 * @param option false = off; an object sets `dir` / `maxBytes` (else from the environment).
 * @param env `CONTROLROOM_CACHE_DIR` (a folder, or `off`), `XDG_CACHE_HOME`, `CONTROLROOM_CACHE_MAX_BYTES`
 * (bytes, or with a K/M/G/T suffix, binary units).
 */
export function decodeCacheSettings(
  option: DecodeCacheOption = true,
  env: NodeJS.ProcessEnv = process.env,
): DecodeCacheSettings | null {
  if (option === false) return null;
  // The files hold native floats; other byte orders would need a conversion the readers do not do.
  if (endianness() !== "LE") return null;
  const o = typeof option === "object" ? option : {};
  const envDir = env.CONTROLROOM_CACHE_DIR?.trim();
  if (o.dir === undefined && envDir && /^(off|none|false|0|no)$/i.test(envDir)) return null;
  const dir =
    o.dir ??
    (envDir || join(env.XDG_CACHE_HOME?.trim() || join(homedir(), ".cache"), "controlroom", "decoded"));
  const maxBytes = o.maxBytes ?? parseBytes(env.CONTROLROOM_CACHE_MAX_BYTES) ?? DEFAULT_CACHE_MAX_BYTES;
  return { dir, maxBytes };
}

/** `123`, `512M`, `10G`, `1.5T` → bytes; null when empty or unreadable (the default then applies). */
function parseBytes(s: string | undefined): number | null {
  const m = s?.trim().match(/^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i);
  if (!m) return null;
  const scale = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * scale);
}

/** What a cache file's header says. */
export interface CacheHeader {
  channels: number;
  sampleRate: number;
  /** Frames of audio in the file (per channel). */
  decodedFrames: number;
  /** Frames the source's own header declares, null when it does not say. */
  declaredFrames: number | null;
  sourceSize: number;
  sourceMtimeNs: bigint;
  sha256: string;
}

function encodeHeader(h: CacheHeader): Uint8Array {
  const b = new Uint8Array(CACHE_HEADER_BYTES);
  const v = new DataView(b.buffer);
  b.set(Buffer.from(MAGIC, "latin1"), 0);
  v.setUint32(8, VERSION, true);
  v.setUint32(12, CACHE_HEADER_BYTES, true);
  v.setUint32(16, h.channels, true);
  v.setUint32(20, h.sampleRate, true);
  v.setBigUint64(24, BigInt(h.decodedFrames), true);
  v.setBigInt64(32, BigInt(h.declaredFrames ?? -1), true);
  v.setBigUint64(40, BigInt(h.sourceSize), true);
  v.setBigInt64(48, h.sourceMtimeNs, true);
  b.set(Buffer.from(h.sha256, "hex"), 56);
  return b;
}

/** Parses a header; null when it is not one of ours (wrong magic, version or sizes). */
function decodeHeader(b: Uint8Array): CacheHeader | null {
  if (b.length < CACHE_HEADER_BYTES) return null;
  if (Buffer.from(b.subarray(0, 8)).toString("latin1") !== MAGIC) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(8, true) !== VERSION || v.getUint32(12, true) !== CACHE_HEADER_BYTES) return null;
  const channels = v.getUint32(16, true);
  const sampleRate = v.getUint32(20, true);
  if (channels < 1 || channels > 64 || sampleRate < 1) return null;
  const declared = v.getBigInt64(32, true);
  return {
    channels,
    sampleRate,
    decodedFrames: Number(v.getBigUint64(24, true)),
    declaredFrames: declared < 0n ? null : Number(declared),
    sourceSize: Number(v.getBigUint64(40, true)),
    sourceMtimeNs: v.getBigInt64(48, true),
    sha256: Buffer.from(b.subarray(56, 88)).toString("hex"),
  };
}

/** Bytes a cache file of this shape has. */
function cacheFileBytes(channels: number, frames: number): number {
  return CACHE_HEADER_BYTES + channels * frames * 4;
}

/**
 * Reads and checks the header of an open cache file: ours, complete (length matches), and for this audio.
 * @returns the header, or null when the file must not be used.
 */
function checkedHeader(
  fd: number,
  ref: AudioRef,
  source?: { size: number; mtimeNs: bigint },
): CacheHeader | null {
  const b = new Uint8Array(CACHE_HEADER_BYTES);
  if (readSync(fd, b, 0, b.length, 0) !== b.length) return null;
  const h = decodeHeader(b);
  if (!h) return null;
  if (h.sha256 !== ref.sha256 || h.channels !== ref.channels || h.sampleRate !== ref.sampleRate) return null;
  if (source && (h.sourceSize !== source.size || h.sourceMtimeNs !== source.mtimeNs)) return null;
  // A truncated (or padded) file is rejected here: its length must be exactly what the header describes.
  if (fstatSync(fd).size !== cacheFileBytes(h.channels, h.decodedFrames)) return null;
  return h;
}

/** The cache file name for a source: its sha256, size and mtime, so a changed file never matches. */
export function cacheFileName(sha256: string, size: number, mtimeNs: bigint): string {
  return `${sha256}-${size}-${mtimeNs}.f32`;
}

/**
 * An AudioSource over a cache file: reads go straight from the file into the caller's arrays with
 * `readSync` (page-cache reads of a block take microseconds; a promise per read would cost more than it saves).
 */
export class CachedSource implements AudioSource {
  readonly sampleRate: number;
  readonly channels: number;
  /** Length in frames, as the reader over the original file reports it. */
  readonly frames: number;
  /** Frames actually in the file (fewer when the source ended early). */
  private readonly stored: number;
  /** Frames per channel slot in the file. */
  private readonly stride: number;
  private fd: number | null;

  private constructor(fd: number, h: CacheHeader, frames: number) {
    this.fd = fd;
    this.sampleRate = h.sampleRate;
    this.channels = h.channels;
    this.frames = frames;
    this.stored = Math.min(frames, h.decodedFrames);
    this.stride = h.decodedFrames;
  }

  /**
   * Opens a cache file for audio `ref`.
   * @returns null when the file is missing, not ours, incomplete, or for other audio (callers then decode).
   */
  static open(path: string, ref: AudioRef): CachedSource | null {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return null;
    }
    try {
      const h = checkedHeader(fd, ref);
      if (h) return new CachedSource(fd, h, h.declaredFrames ?? ref.frames);
    } catch {}
    closeSync(fd);
    return null;
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    const fd = this.fd;
    if (fd === null) throw new Error("read after close");
    // Frames [a, b) of the request lie inside the stored audio; the rest are zeros.
    const a = Math.max(0, Math.min(frames, -start));
    const b = Math.max(a, Math.min(frames, this.stored - start));
    const shared = Math.min(out.length, this.channels);
    for (let c = 0; c < shared; c++) {
      const o = out[c];
      if (a > 0) o.fill(0, 0, a);
      if (b > a) readFloats(fd, o, a, b - a, CACHE_HEADER_BYTES + (c * this.stride + start + a) * 4);
      if (frames > b) o.fill(0, b, frames);
    }
    // More outputs than channels: they repeat the last channel (as ReaderSource does).
    for (let c = shared; c < out.length; c++) out[c].set(out[shared - 1].subarray(0, frames));
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Fills `dst[at … at + n)` with `n` floats from byte `position` of `fd`, zero-copy (zeros if the file
 * is shorter, which only a file cut while open can be).
 */
function readFloats(fd: number, dst: Float32Array, at: number, n: number, position: number): void {
  const bytes = n * 4;
  let done = 0;
  while (done < bytes) {
    const r = readSync(fd, dst, at * 4 + done, bytes - done, position + done);
    if (r === 0) {
      dst.fill(0, at + Math.floor(done / 4), at + n);
      return;
    }
    done += r;
  }
}

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

/** What preparing the sources of a render did. */
export interface PrepareResult {
  /** Audio id → cache file to read it from (ids without one are decoded as before). */
  files: Record<string, string>;
  /** Sources decoded into the cache now. */
  decoded: number;
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
export interface PrepareOptions {
  framesRead?: ReadonlyMap<string, number>;
  onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  cancelled?: () => boolean;
  /**
   * Sources decoded at once (default one per core): one on this thread, the others on worker threads;
   * 1 decodes them one after another here.
   */
  threads?: number;
  /** The decode worker's module (tests start failing workers with it; default decode-worker.ts). */
  workerModule?: URL;
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
 * Missing sources are decoded several at once, on this thread and on worker threads (`opts.threads`); a worker
 * that fails leaves its source to the clips' decoders (`uncached`).
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
  const result: PrepareResult = { files: {}, decoded: 0, reused: 0, uncached: 0, direct: 0, seconds: 0 };
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
    } else missing.set(name, e);
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
    opts,
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

/** One source to decode into the cache, as sent to a decode worker (structured-clonable). */
export interface DecodeJob {
  /** The compressed source file. */
  path: string;
  ref: AudioRef;
  /** Cache file to publish. */
  file: string;
  /** Temporary name it is written under (beside `file`; the scheduler reserves its bytes under this name). */
  temp: string;
  /** Source size, bytes, and mtime, ns since the epoch (recorded in the header). */
  size: number;
  mtimeNs: bigint;
  /** The cache's size cap, bytes (a stream of unknown length that outgrows it is given up). */
  maxBytes: number;
}

/** What a decode worker posts: once `ready` (loaded), then per job `progress` (audio seconds) and `done`. */
export type DecodeWorkerMessage =
  | { type: "ready" }
  | { type: "progress"; seconds: number }
  | { type: "done"; result: DecodeOutcome };

/** What a decode worker starts with. */
export interface DecodeWorkerData {
  /** Nonzero once the render is cancelled (the worker's jobs then stop). */
  cancelFlag: Int32Array;
}

/** See `decodeToCache`. */
export type DecodeOutcome = "cached" | "skipped" | "failed";

/**
 * Decodes one job whose room in the folder the scheduler already made (`decodeJobs`); in a worker or here.
 * @param onProgress audio seconds decoded so far.
 * @param cancelled polled between blocks; true stops the job (nothing is published).
 */
export function runDecodeJob(
  job: DecodeJob,
  onProgress?: (doneSeconds: number) => void,
  cancelled?: () => boolean,
): Promise<DecodeOutcome> {
  const settings = { dir: dirname(job.file), maxBytes: job.maxBytes };
  return decodeToCache(job.path, job.ref, job.file, settings, new Set(), {
    size: job.size,
    mtimeNs: job.mtimeNs,
    temp: job.temp,
    roomMade: true,
    onProgress,
    cancelled,
  });
}

/**
 * Runs decode jobs, several at once: on this thread and on `threads - 1` worker threads (default one thread
 * per core, at most one per job). Longest first, so the last one to finish is short.
 * Room in the folder is made here, one job at a time, before a job starts, counting the bytes of the jobs
 * still running as taken (they are written concurrently). A worker that fails costs only the job it was on
 * ("failed": that source is decoded by its clips); jobs no worker can take are decoded here.
 * @returns each job's outcome; jobs not run (cancelled) are absent.
 */
async function decodeJobs(
  jobs: DecodeJob[],
  settings: DecodeCacheSettings,
  keep: ReadonlySet<string>,
  opts: PrepareOptions,
): Promise<Map<DecodeJob, DecodeOutcome>> {
  const outcomes = new Map<DecodeJob, DecodeOutcome>();
  if (jobs.length === 0) return outcomes;
  try {
    await mkdir(settings.dir, { recursive: true });
  } catch {
    for (const j of jobs) outcomes.set(j, "failed");
    return outcomes;
  }
  const seconds = (j: DecodeJob) => j.ref.frames / j.ref.sampleRate;
  const bytes = (j: DecodeJob) => cacheFileBytes(j.ref.channels, Math.max(1, j.ref.frames));
  const queue = [...jobs].sort((a, b) => bytes(b) - bytes(a));
  const total = jobs.reduce((t, j) => t + seconds(j), 0);
  const progress = new Map<DecodeJob, number>();
  const report = (j: DecodeJob, s: number) => {
    progress.set(j, s);
    let done = 0;
    for (const x of progress.values()) done += x;
    opts.onProgress?.(done, total);
  };
  // Workers cannot call `opts.cancelled`; they poll this flag, raised here whenever it is found true.
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const cancelled = () => {
    if (opts.cancelled?.()) Atomics.store(cancelFlag, 0, 1);
    return Atomics.load(cancelFlag, 0) !== 0;
  };
  /** Temporary file → bytes reserved for it, for the jobs running. */
  const running = new Map<string, number>();
  let lock: Promise<unknown> = Promise.resolve();
  /** The next job, with room made for it (in turn: room for one is made knowing the others' reservations). */
  const take = (): Promise<DecodeJob | null> => {
    const next = lock.then(async () => {
      for (let j = queue.shift(); j; j = queue.shift()) {
        if (cancelled()) return null;
        const need = bytes(j);
        if (need <= settings.maxBytes && (await makeRoom(settings, need, keep, running).catch(() => false))) {
          running.set(j.temp, need);
          return j;
        }
        outcomes.set(j, "failed");
      }
      return null;
    });
    lock = next.catch(() => {});
    return next;
  };
  /** A job taken by a worker that ended before it could start it: back to the front of the queue. */
  const giveBack = (j: DecodeJob) => {
    running.delete(j.temp);
    queue.unshift(j);
  };
  const finish = (j: DecodeJob, r: DecodeOutcome) => {
    running.delete(j.temp);
    outcomes.set(j, r);
    report(j, seconds(j));
  };
  const decodeHere = async () => {
    for (let j = await take(); j; j = await take()) {
      const job = j;
      finish(job, await runDecodeJob(job, (s) => report(job, s), cancelled).catch(() => "failed" as const));
    }
  };
  const threads = Math.min(Math.max(1, Math.floor(opts.threads ?? availableParallelism())), jobs.length);
  const module = opts.workerModule ?? new URL("./decode-worker.ts", import.meta.url);
  const loops = Array.from({ length: threads - 1 }, () =>
    decodeOnWorker(module, { take, giveBack, finish, report, cancelled, cancelFlag }),
  );
  // This thread decodes too: it starts at once, while a worker spends its first 0.2-0.3 s loading the decoders.
  await decodeHere();
  // Nothing is left to hand out: workers still starting would only add their start-up to the wait.
  for (const l of loops) l.stopIfIdle();
  await Promise.all(loops.map((l) => l.ended));
  // Jobs a failing worker gave back after this thread had run out of work.
  await decodeHere();
  return outcomes;
}

/** The scheduler's side of `decodeJobs`, as its worker loops see it. */
interface JobScheduler {
  /** The next job, room made; null when none is left (or cancelled). */
  take: () => Promise<DecodeJob | null>;
  /** Returns a job that was taken but never started. */
  giveBack: (j: DecodeJob) => void;
  finish: (j: DecodeJob, r: DecodeOutcome) => void;
  report: (j: DecodeJob, doneSeconds: number) => void;
  /** Polls the render's cancellation, raising `cancelFlag` when it is set. */
  cancelled: () => boolean;
  cancelFlag: Int32Array;
}

/**
 * Runs jobs on one worker thread until none is left. A worker that fails (cannot start, crashes, exits) ends
 * its loop: its current job is "failed" (its clips decode that source), a job it was about to get goes back
 * to the queue.
 * @returns `ended`, resolved once the worker is done with; `stopIfIdle` ends it now unless it is decoding.
 */
function decodeOnWorker(
  module: URL,
  { take, giveBack, finish, report, cancelled, cancelFlag }: JobScheduler,
): { ended: Promise<void>; stopIfIdle: () => void } {
  let stopIfIdle = () => {};
  const ended = new Promise<void>((resolve) => {
    let worker: Worker;
    try {
      worker = startWorker(module, "decode-worker", {
        workerData: { cancelFlag } satisfies DecodeWorkerData,
      });
    } catch {
      resolve();
      return;
    }
    let current: DecodeJob | null = null;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (current) {
        // What the worker was writing is debris now.
        unlink(current.temp).catch(() => {});
        finish(current, "failed");
      }
      current = null;
      worker.terminate().catch(() => {});
      resolve();
    };
    stopIfIdle = () => {
      if (!current) end();
    };
    const feed = async () => {
      const j = await take();
      if (ended) {
        if (j) giveBack(j);
        return;
      }
      if (!j) return end();
      current = j;
      worker.postMessage(j);
    };
    worker.on("message", (m: DecodeWorkerMessage) => {
      if (m.type === "ready") void feed();
      else if (m.type === "progress" && current) {
        cancelled(); // raises the flag the worker polls
        report(current, m.seconds);
      } else if (m.type === "done" && current) {
        finish(current, m.result);
        current = null;
        void feed();
      }
    });
    worker.on("error", end);
    worker.on("exit", end);
  });
  return { ended, stopIfIdle: () => stopIfIdle() };
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

/** True when `file` is a complete cache file for `ref` made from the source as it is now. */
async function usable(
  file: string,
  ref: AudioRef,
  source: { size: number; mtimeNs: bigint },
): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    return checkedHeader(fd, ref, source) !== null;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Decodes the compressed file `path` into the cache file `file` (temporary name, fsync, rename: readers
 * and concurrent writers only ever see complete files; two writers of one source both publish identical data).
 * @returns "cached"; "skipped" for PCM files and sources whose format the session does not expect (the
 * normal path reports those); "failed" when the cache could not take it (size cap, disk, permissions, a
 * decode error — the normal path then decodes, or reports the error).
 */
export async function decodeToCache(
  path: string,
  ref: AudioRef,
  file: string,
  settings: DecodeCacheSettings,
  keep: ReadonlySet<string>,
  source: {
    size: number;
    mtimeNs: bigint;
    /** Temporary file to write (default a fresh name beside `file`). */
    temp?: string;
    /** The caller made room in the folder for this file already (`makeRoom` is not run again). */
    roomMade?: boolean;
    onProgress?: (doneSeconds: number) => void;
    cancelled?: () => boolean;
  },
): Promise<DecodeOutcome> {
  let reader: AudioReader;
  try {
    reader = await openAudioFile(path);
  } catch {
    return "failed";
  }
  let fh: FileHandle | null = null;
  let temp = "";
  try {
    const info = reader.info;
    if (info.format === "wav" || info.format === "rf64") return "skipped";
    if (info.channels !== ref.channels || info.sampleRate !== ref.sampleRate) return "skipped";
    const channels = info.channels;
    // Slots of `stride` frames per channel; the header's length (or the session's, when the file's header
    // does not say) is only a first guess for streams of unknown length.
    let stride = Math.max(1, info.frames ?? ref.frames);
    if (cacheFileBytes(channels, stride) > settings.maxBytes) return "failed";
    await mkdir(settings.dir, { recursive: true });
    if (!source.roomMade && !(await makeRoom(settings, cacheFileBytes(channels, stride), keep))) {
      return "failed";
    }
    temp = source.temp ?? tempPathBeside(file, "partial");
    fh = await open(temp, "wx+"); // read too: rearranging channels reads back
    let n = 0;
    for (;;) {
      if (source.cancelled?.()) return "failed";
      const want = info.frames === null ? DECODE_FRAMES : Math.min(DECODE_FRAMES, info.frames - n);
      if (want <= 0) break;
      const block = await reader.read(want);
      if (!block) break;
      const k = block[0].length;
      if (k === 0) break;
      if (n + k > stride) {
        const grown = Math.max(stride * 2, n + k);
        if (cacheFileBytes(channels, grown) > settings.maxBytes) return "failed";
        await relayout(fh, channels, stride, grown, n);
        stride = grown;
      }
      for (let c = 0; c < channels; c++) {
        const x = block[c];
        await writeAll(
          fh,
          new Uint8Array(x.buffer, x.byteOffset, k * 4),
          CACHE_HEADER_BYTES + (c * stride + n) * 4,
        );
      }
      n += k;
      source.onProgress?.(n / info.sampleRate);
    }
    if (n !== stride) {
      // Ended early (or the length was a guess): close the gaps between the channels.
      await relayout(fh, channels, stride, n, n);
      await fh.truncate(cacheFileBytes(channels, n));
    }
    await writeAll(
      fh,
      encodeHeader({
        channels,
        sampleRate: info.sampleRate,
        decodedFrames: n,
        declaredFrames: info.frames,
        sourceSize: source.size,
        sourceMtimeNs: source.mtimeNs,
        sha256: ref.sha256,
      }),
      0,
    );
    await fh.sync();
    await fh.close();
    fh = null;
    await rename(temp, file);
    temp = "";
    return "cached";
  } catch {
    return "failed";
  } finally {
    await reader.close().catch(() => {});
    if (fh) await fh.close().catch(() => {});
    if (temp) await unlink(temp).catch(() => {});
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Moves channels 1 … from slots of `from` frames to slots of `to` frames (the first `n` frames of each);
 * channel 0 stays. Growing moves the last channel first, shrinking the first, so nothing is overwritten
 * before it has moved.
 */
async function relayout(
  fh: FileHandle,
  channels: number,
  from: number,
  to: number,
  n: number,
): Promise<void> {
  if (from === to || channels === 1 || n === 0) return;
  const order = Array.from({ length: channels - 1 }, (_, i) => i + 1);
  if (to > from) order.reverse();
  const buf = new Uint8Array(Math.min(n * 4, 1 << 20));
  for (const c of order) {
    const src = CACHE_HEADER_BYTES + c * from * 4;
    const dst = CACHE_HEADER_BYTES + c * to * 4;
    const len = n * 4;
    // Within one channel, copy in the direction that never overwrites bytes not yet copied.
    const chunks: number[] = [];
    for (let at = 0; at < len; at += buf.length) chunks.push(at);
    if (dst > src) chunks.reverse();
    for (const at of chunks) {
      const k = Math.min(buf.length, len - at);
      const { bytesRead } = await fh.read(buf, 0, k, src + at);
      if (bytesRead !== k) throw new Error("short read while rearranging a cache file");
      await writeAll(fh, buf.subarray(0, k), dst + at);
    }
  }
}

/**
 * Evicts least recently used cache files (oldest mtime first; never those in `keep`) until `need` more bytes
 * fit under the cap; also deletes temporary files a crashed writer left. False when they cannot fit.
 * @param running temporary files being written now → their full size, bytes (counted at that size, not at
 * what they hold so far).
 */
async function makeRoom(
  settings: DecodeCacheSettings,
  need: number,
  keep: ReadonlySet<string>,
  running: ReadonlyMap<string, number> = new Map(),
): Promise<boolean> {
  const files: { path: string; size: number; used: number }[] = [];
  let total = 0;
  for (const n of running.values()) total += n;
  const now = Date.now();
  for (const name of await readdir(settings.dir)) {
    const path = join(settings.dir, name);
    try {
      const st = await stat(path);
      if (!st.isFile()) continue;
      if (name.endsWith(".partial")) {
        if (running.has(path)) continue;
        // Another writer's file in progress counts; one untouched for long is debris.
        if (now - st.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
        else total += st.size;
        continue;
      }
      if (!name.endsWith(".f32")) continue;
      total += st.size;
      if (!keep.has(path)) files.push({ path, size: st.size, used: st.mtimeMs });
    } catch {}
  }
  files.sort((a, b) => a.used - b.used);
  for (const f of files) {
    if (total + need <= settings.maxBytes) break;
    await unlink(f.path).catch(() => {});
    total -= f.size;
  }
  return total + need <= settings.maxBytes;
}
