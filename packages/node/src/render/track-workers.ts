/** Worker threads rendering tracks in parallel with the main thread (see track-worker.ts). */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { RemoteTracks, RenderOptions } from "@controlroom/engine/render/renderer.ts";
import { DEFAULT_BLOCK, SessionRenderer, TRACK_MEMORY_SLOTS } from "@controlroom/engine/render/renderer.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { takePrestartedWorker } from "../workers/prestart.ts";
import { startWorker } from "../workers/worker-entry.ts";
import type { CacheFill } from "./decode-cache-fill.ts";
import type { DecodeJob, DecodeThread } from "./decode-jobs.ts";
import type { DecodeOutcome } from "./decode-to-cache.ts";
import type { TrackWorkerData, TrackWorkerRequest } from "./track-worker.ts";

/**
 * Track memory the workers may run ahead in (see `TrackWorkers.plan`): bytes of buffers written (the others, e.g.
 * the stems of a render without stems, are never touched, so they take address space, not memory), and the
 * most blocks (64 of 4096 frames: 5.5 s at 48 kHz).
 */
const SLOT_BUDGET = 8 * 2 ** 20;
const MAX_SLOTS = 64;

/** What the main thread's own work costs, in tracks: per bus, and for the master (see `TrackWorkers.plan`). */
const BUS_LOAD = 2.5;
const MASTER_LOAD = 0.5;

/** What a track worker posts: a block's or a close's `done`, `ready` once started, a decode job's progress and end. */
export type TrackWorkerReply =
  | { done: true }
  | { ready: true }
  | { error: string }
  | { decodeProgress: number }
  | { decoded: DecodeOutcome };
type Reply = { done: true } | { ready: true } | { error: string };

/**
 * Track-seconds of work (see `defaultThreads`) below which a render keeps its tracks on the main thread. A track
 * worker costs ~0.3 CPU-s whatever the length (loading, and compiling the decoding and mixing code a second
 * time) and has the threads wait for each other every block; a plain track costs ~1 ms per second of audio
 * (bench/render.ts, song1: 7 plain tracks of 64 s mixed in ~0.4 s). Splitting them in two then saves ~0.5 ms
 * per track-second: worth a worker from ~600 on; the threshold is higher because a light render already has
 * the second core busy (the stems' writer; the sources decoded ahead, decode-ahead.ts). Song1 (448) renders
 * on one thread; the 16-track benchmark (16 tracks with 2 inserts and 2 sends, 2 buses: ~20,000) on two.
 */
const LIGHT_TRACK_SECONDS = 1000;
/** What one insert adds to a track's load, in plain tracks (an EQ and a compressor triple a track's cost). */
const INSERT_LOAD = 1;

/**
 * Threads to use by default: one per core, at most one per track; one for fewer than 4 tracks, or when the
 * tracks' work (track-seconds, each track weighted by its inserts and sends, over the render's length) is
 * below LIGHT_TRACK_SECONDS.
 * @param span timeline seconds the render covers (start, end; end may be Infinity: up to the last clip).
 */
export function defaultThreads(session: Session, span?: { start: number; end: number }): number {
  const n = session.tracks.length;
  if (n < 4) return 1;
  const threads = Math.max(1, Math.min(availableParallelism(), n, 8));
  if (threads === 1) return 1;
  let last = 0;
  for (const t of session.tracks)
    for (const take of t.takes) for (const c of take.clips) last = Math.max(last, c.start + c.length);
  const seconds = Math.max(0, Math.min(span?.end ?? last, last) - Math.max(0, span?.start ?? 0));
  let weight = 0;
  for (const t of session.tracks) weight += 1 + INSERT_LOAD * (t.inserts.length + t.sends.length);
  for (const b of session.buses) weight += BUS_LOAD * Math.min(1, b.inserts.length);
  return weight * seconds < LIGHT_TRACK_SECONDS ? 1 : threads;
}

/** A pool of workers each owning a fixed set of tracks; implements the renderer's RemoteTracks. */
export class TrackWorkers implements RemoteTracks {
  readonly indices: number[];
  /** The first worker's tracks, 0 … prefix − 1, arrive summed (see RemoteTracks). */
  readonly prefix: number;
  /** Replies not yet consumed, per worker. */
  /** Per worker, the replies awaited, oldest first (a worker answers its blocks in the order asked). */
  private waiting: ((r: Reply) => void)[][] = [];
  /** Set once a worker failed: every later request fails at once. */
  private failed: Error | null = null;
  private readonly workers: Worker[] = [];
  /** Per worker, its first reply (`ready`), set by `start`. */
  private started: Promise<void>[] = [];
  /** Per worker, the decode job it runs (see `decodeThreads`). */
  private decoding: ({
    resolve: (r: DecodeOutcome) => void;
    reject: (e: Error) => void;
    onProgress: (doneSeconds: number) => void;
  } | null)[] = [];
  /** Set by the first `close` (later calls wait for the same). */
  private closing: Promise<void> | null = null;
  private constructor(
    /** Shared memory the renderer must be built with. */
    readonly memory: SharedArrayBuffer,
    private readonly groups: number[][],
    private readonly session: Session,
    private readonly blockFrames: number,
  ) {
    this.indices = groups.flat().sort((a, b) => a - b);
    this.prefix = groups[0]?.length ?? 0;
  }

  /**
   * Plans the pool: contiguous ranges of tracks, the first worker's from track 0 (it sums them itself), the
   * other workers' next, the main thread's last (it adds them after the others, keeping track order), sized so
   * every thread carries about the same load, the main thread's including the buses and the master it also
   * runs. Returns null when one thread is all there is to use. Build the renderer with `memory` and this pool,
   * then `start` it.
   */
  static plan(
    session: Session,
    threads: number,
    blockFrames = DEFAULT_BLOCK,
    stems = true,
  ): TrackWorkers | null {
    const n = session.tracks.length;
    const t = Math.max(1, Math.min(threads, n));
    if (t <= 1) return null;
    // Loads in track-equivalents (measured with bench/render.ts: a bus with an effect costs about 2.5
    // tracks with an EQ and a compressor since the mixing runs in the arena's kernels — 1.5 before — and the
    // master with dither and file writing about half of one).
    const extra = BUS_LOAD * session.buses.length + MASTER_LOAD;
    const share = (n + extra) / t;
    const mainTracks = Math.max(0, Math.min(n - (t - 1), Math.round(share - extra)));
    const remote = n - mainTracks;
    const groups: number[][] = [];
    for (let w = 0, at = 0; w < t - 1; w++) {
      const size = Math.round((remote * (w + 1)) / (t - 1)) - Math.round((remote * w) / (t - 1));
      groups.push(Array.from({ length: size }, (_, j) => at + j));
      at += size;
    }
    // As many blocks of track memory as the budget allows (at most MAX_SLOTS), so the workers can run well ahead
    // of the main thread through a passage where its own tracks are the busier ones (sources fall silent in
    // turns), and it catches up later: with 3 blocks each side waited for the other 11–15 % of the time
    // in bench/render.ts's 16-track session. Written per block: the partial sums, the stems (when made) and the
    // edges of the tracks past the first worker's.
    const stored = groups.slice(1).flat();
    let written = 2 * (session.buses.length + 1) + (stems ? 2 * n : 0);
    for (const i of stored) written += 2 * (1 + session.tracks[i].sends.length);
    const slots = Math.max(
      TRACK_MEMORY_SLOTS,
      Math.min(MAX_SLOTS, Math.floor(SLOT_BUDGET / (written * blockFrames * 4))),
    );
    const memory = new SharedArrayBuffer(SessionRenderer.trackMemoryBytes(session, blockFrames, slots));
    return new TrackWorkers(memory, groups, session, blockFrames);
  }

  /**
   * Starts the workers (each builds its own renderer for its tracks) and waits until they are ready. They learn
   * the decoded-cache files later, from `setCacheFiles`, before the first block.
   */
  async start(baseDir: string, options: RenderOptions): Promise<void> {
    try {
      for (const [w, indices] of this.groups.entries()) {
        const data: TrackWorkerData = {
          session: this.session,
          baseDir,
          options: {
            start: options.start,
            end: options.end,
            section: options.section,
            tailSeconds: options.tailSeconds,
            preRollSeconds: options.preRollSeconds,
            blockFrames: this.blockFrames,
            stems: options.stems ?? true,
          },
          indices,
          sums: w === 0,
          memory: this.memory,
        };
        // One started ahead (see workers/prestart.ts) gets its data as its first message.
        const early = takePrestartedWorker("track-worker");
        early?.postMessage({ init: data });
        const worker =
          early ??
          startWorker(new URL("./track-worker.ts", import.meta.url), "track-worker", {
            workerData: data,
          });
        this.workers.push(worker);
        this.waiting.push([]);
        this.decoding.push(null);
        worker.on("message", (r: TrackWorkerReply) => this.answer(w, r));
        worker.on("error", (e) => this.fail(e.message));
        worker.on("exit", (code) => this.fail(`track worker stopped (exit code ${code})`));
        const ready = this.reply(w);
        ready.catch(() => {}); // awaited below, and by the decode loops (see decodeThreads)
        this.started.push(ready);
      }
      await Promise.all(this.started);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** The next reply of worker `w` (rejects on an error reply). */
  private reply(w: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting[w].push((r) => {
        if ("error" in r) reject(new Error(`track worker: ${r.error}`));
        else resolve();
      });
    });
  }

  private answer(w: number, r: TrackWorkerReply): void {
    if ("decodeProgress" in r) this.decoding[w]?.onProgress(r.decodeProgress);
    else if ("decoded" in r) {
      const job = this.decoding[w];
      this.decoding[w] = null;
      job?.resolve(r.decoded);
    } else if ("error" in r) this.fail(r.error);
    else this.waiting[w].shift()?.(r);
  }

  /** A worker failed or stopped: every reply still awaited (from any worker) fails with its message. */
  private fail(message: string): void {
    this.failed ??= new Error(`track worker: ${message}`);
    for (const queue of this.waiting) for (const f of queue.splice(0)) f({ error: message });
    for (const [w, job] of this.decoding.entries()) {
      this.decoding[w] = null;
      job?.reject(this.failed);
    }
  }

  /**
   * The workers lent to decoding the render's sources into the cache (see `decodeJobs`): once started they
   * wait for the cache files anyway, and decoding there saves loading a decode worker on the same cores. One
   * job at a time each, before the first block; call after `start`.
   */
  decodeThreads(): DecodeThread[] {
    return this.workers.map((worker, w) => ({
      ready: this.started[w],
      decode: (job: DecodeJob, onProgress: (doneSeconds: number) => void, cancelFlag: Int32Array) =>
        new Promise<DecodeOutcome>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.decoding[w] = { resolve, reject, onProgress };
          worker.postMessage({ decode: job, cancelFlag } satisfies TrackWorkerRequest);
        }),
      alive: () => !this.failed,
      release: () => {},
    }));
  }

  /**
   * Tells every worker the decoded-cache files and the ones to fill while rendering (before the first block;
   * see FileSourceProvider.setCacheFiles and setFills).
   */
  setCacheFiles(cacheFiles: Record<string, string>, fills: Record<string, CacheFill> = {}): void {
    for (const worker of this.workers) worker.postMessage({ cacheFiles, fills } satisfies TrackWorkerRequest);
  }

  async run(k: number, n: number): Promise<void> {
    const replies = this.workers.map((_, w) => this.reply(w));
    for (const worker of this.workers) worker.postMessage({ k, n } satisfies TrackWorkerRequest);
    await Promise.all(replies);
  }

  /**
   * Stops the workers, once each has closed its sources (a cache file filled while rendering is published
   * then; see decode-cache-fill.ts).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = this.workers.map((_, w) => this.reply(w).catch(() => {}));
      for (const w of this.workers) w.postMessage({ close: true } satisfies TrackWorkerRequest);
      await Promise.all(closed);
      await Promise.all(this.workers.map((w) => w.terminate()));
    })();
    return this.closing;
  }
}
