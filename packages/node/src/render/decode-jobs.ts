/**
 * Decoding several sources into the cache at once: on this thread and on other threads — the render's own
 * track workers when it lends them (they are loaded and idle until the sources are ready), decode workers
 * (decode-worker.ts) otherwise — longest first, room in the folder made for each job before it starts; a
 * failing thread costs only its job.
 */
import { mkdir, unlink } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import type { Worker } from "node:worker_threads";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { startWorker } from "../workers/worker-entry.ts";
import { hasRoom, makeRoom } from "./decode-cache-eviction.ts";
import { cacheFileBytes } from "./decode-cache-file.ts";
import type { DecodeCacheSettings } from "./decode-cache-settings.ts";
import { type DecodeOutcome, decodeToCache, publishCacheFile } from "./decode-to-cache.ts";

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

/**
 * A thread that decode jobs run on besides this one: a decode worker started for them, or a thread the caller
 * lends (a track worker, which otherwise waits for the sources).
 */
export interface DecodeThread {
  /** Resolves once the thread takes jobs; rejects when it cannot start. */
  ready: Promise<void>;
  /**
   * Runs one job (room made) on the thread.
   * @param onProgress audio seconds of this job decoded so far.
   * @param cancelFlag nonzero once the render is cancelled (the job then stops, publishing nothing).
   * @returns the job's outcome; rejects when the thread failed (it then takes no more jobs).
   */
  decode(
    job: DecodeJob,
    onProgress: (doneSeconds: number) => void,
    cancelFlag: Int32Array,
  ): Promise<DecodeOutcome>;
  /** False once the thread failed (a job taken for it then goes back to the queue). */
  alive(): boolean;
  /** No more jobs come: a decode worker ends, a lent thread is left to its own work. */
  release(): void;
}

/** How `decodeJobs` runs (see `PrepareOptions`). */
export interface DecodeJobsOptions {
  onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  cancelled?: () => boolean;
  /**
   * Sources decoded at once (default one per core): one on this thread, the others on other threads;
   * 1 decodes them one after another here.
   */
  threads?: number;
  /**
   * Threads the caller lends (the render's track workers, see `TrackWorkers.decodeThreads`), used before any
   * decode worker is started: they are loaded already, and a decode worker would be one more thread to load
   * on the same cores.
   */
  lentThreads?: readonly DecodeThread[];
  /** The decode worker's module (tests start failing workers with it; default decode-worker.ts). */
  workerModule?: URL;
  /** Temporary files other writers fill meanwhile → their full size, bytes (counted when making room). */
  reserved?: ReadonlyMap<string, number>;
}

/**
 * Decodes one job whose room in the folder the scheduler already made (`decodeJobs`); in a worker or here.
 * The file is left complete under `job.temp` ("written"): the scheduler publishes it (`publishCacheFile`)
 * while the thread goes on with its next job.
 * @param onProgress audio seconds decoded so far.
 * @param cancelled polled between blocks; true stops the job (nothing is left).
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
    publishLater: true,
    // The threads running jobs only decode: a pooled read would wait behind the cache files' flushes.
    syncReads: true,
  });
}

/**
 * Runs decode jobs, several at once: on this thread and on `threads - 1` other threads (default one thread
 * per core, at most one per job): the lent ones first, decode workers for the rest. Longest first, so the last
 * one to finish is short.
 * Room in the folder is made here, one job at a time, before a job starts, counting the bytes of the jobs
 * still running as taken (they are written concurrently). A thread that fails costs only the job it was on
 * ("failed": that source is decoded by its clips); jobs no thread can take are decoded here.
 * @returns each job's outcome; jobs not run (cancelled) are absent.
 */
export async function decodeJobs(
  jobs: DecodeJob[],
  settings: DecodeCacheSettings,
  keep: ReadonlySet<string>,
  opts: DecodeJobsOptions,
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
  // Among sources of one decoded size, the larger compressed file takes longer to decode.
  const queue = [...jobs].sort((a, b) => bytes(b) - bytes(a) || b.size - a.size);
  const total = jobs.reduce((t, j) => t + seconds(j), 0);
  const progress = new Map<DecodeJob, number>();
  const report = (j: DecodeJob, s: number) => {
    progress.set(j, s);
    let done = 0;
    for (const x of progress.values()) done += x;
    opts.onProgress?.(done, total);
  };
  // Other threads cannot call `opts.cancelled`; they poll this flag, raised here whenever it is found true.
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const cancelled = () => {
    if (opts.cancelled?.()) Atomics.store(cancelFlag, 0, 1);
    return Atomics.load(cancelFlag, 0) !== 0;
  };
  /** Temporary file → bytes reserved for it, for the jobs running. */
  const running = new Map<string, number>(opts.reserved ?? []);
  // When the folder has room for every job without evicting anything (the usual case), one look at it does
  // instead of one per job, which kept each thread waiting between its jobs.
  const roomForAll = await hasRoom(
    settings,
    queue.reduce((t, j) => t + bytes(j), 0),
    running,
  ).catch(() => false);
  let lock: Promise<unknown> = Promise.resolve();
  /** The next job, with room made for it (in turn: room for one is made knowing the others' reservations). */
  const take = (): Promise<DecodeJob | null> => {
    const next = lock.then(async () => {
      for (let j = queue.shift(); j; j = queue.shift()) {
        if (cancelled()) return null;
        const need = bytes(j);
        if (
          need <= settings.maxBytes &&
          (roomForAll || (await makeRoom(settings, need, keep, running).catch(() => false)))
        ) {
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
  /** A job taken by a thread that ended before it could start it: back to the front of the queue. */
  const giveBack = (j: DecodeJob) => {
    running.delete(j.temp);
    queue.unshift(j);
  };
  /** Files being published (fsync, rename) while their threads decode the next jobs. */
  const publishing: Promise<void>[] = [];
  const finish = (j: DecodeJob, r: DecodeOutcome) => {
    // A complete temporary file is counted at its size on disk from here on (see makeRoom).
    running.delete(j.temp);
    report(j, seconds(j));
    if (r !== "written") {
      outcomes.set(j, r);
      return;
    }
    publishing.push(
      publishCacheFile(j.temp, j.file).then((ok) => void outcomes.set(j, ok ? "cached" : "failed")),
    );
  };
  const decodeHere = async () => {
    for (let j = await take(); j; j = await take()) {
      const job = j;
      finish(job, await runDecodeJob(job, (s) => report(job, s), cancelled).catch(() => "failed" as const));
    }
  };
  const threads = Math.min(Math.max(1, Math.floor(opts.threads ?? availableParallelism())), jobs.length);
  const module = opts.workerModule ?? new URL("./decode-worker.ts", import.meta.url);
  const lent = opts.lentThreads ?? [];
  const loops = Array.from({ length: threads - 1 }, (_, i) =>
    decodeOnThread(lent[i] ?? startDecodeWorker(module, cancelFlag), {
      take,
      giveBack,
      finish,
      report,
      cancelled,
      cancelFlag,
    }),
  );
  // This thread decodes too: it starts at once, while another thread may still spend 0.1-0.3 s loading.
  await decodeHere();
  // Nothing is left to hand out: threads still starting would only add their start-up to the wait.
  for (const l of loops) l.stopIfIdle();
  await Promise.all(loops.map((l) => l.ended));
  // Jobs a failing thread gave back after this thread had run out of work.
  await decodeHere();
  await Promise.all(publishing);
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
 * Runs jobs on one thread until none is left. A thread that fails (cannot start, crashes, exits) ends its
 * loop: its current job is "failed" (its clips decode that source), a job it was about to get goes back to
 * the queue.
 * @returns `ended`, resolved once the thread is done with (released); `stopIfIdle` ends it now unless it is
 * decoding.
 */
function decodeOnThread(
  thread: DecodeThread,
  { take, giveBack, finish, report, cancelled, cancelFlag }: JobScheduler,
): { ended: Promise<void>; stopIfIdle: () => void } {
  let decoding = false;
  let over = false;
  let resolveEnded = () => {};
  const ended = new Promise<void>((resolve) => {
    resolveEnded = resolve;
  });
  const end = () => {
    if (over) return;
    over = true;
    thread.release();
    resolveEnded();
  };
  const loop = async () => {
    try {
      await thread.ready;
    } catch {
      return end();
    }
    while (!over) {
      const j = await take();
      if (over || !thread.alive()) {
        if (j) giveBack(j);
        return end();
      }
      if (!j) return end();
      decoding = true;
      let r: DecodeOutcome;
      try {
        r = await thread.decode(
          j,
          (s) => {
            cancelled(); // raises the flag the thread polls
            report(j, s);
          },
          cancelFlag,
        );
      } catch {
        // What the thread was writing is debris now.
        await unlink(j.temp).catch(() => {});
        finish(j, "failed");
        return end();
      } finally {
        decoding = false;
      }
      finish(j, r);
    }
  };
  void loop();
  return {
    ended,
    stopIfIdle: () => {
      if (!decoding) end();
    },
  };
}

/** A decode worker (decode-worker.ts) as a DecodeThread; it polls `cancelFlag`, given at its start. */
function startDecodeWorker(module: URL, cancelFlag: Int32Array): DecodeThread {
  let worker: Worker | null = null;
  let failed: Error | null = null;
  let job: {
    resolve: (r: DecodeOutcome) => void;
    reject: (e: Error) => void;
    onProgress: (s: number) => void;
  } | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      failed ??= e;
      reject(e);
      job?.reject(e);
      job = null;
    };
    try {
      worker = startWorker(module, "decode-worker", {
        workerData: { cancelFlag } satisfies DecodeWorkerData,
      });
    } catch (e) {
      fail(e as Error);
      return;
    }
    worker.on("message", (m: DecodeWorkerMessage) => {
      if (m.type === "ready") resolve();
      else if (m.type === "progress") job?.onProgress(m.seconds);
      else if (m.type === "done") {
        const j = job;
        job = null;
        j?.resolve(m.result);
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`decode worker stopped (exit code ${code})`)));
  });
  ready.catch(() => {}); // the loop awaits it; a worker released unused must not leave it unhandled
  return {
    ready,
    decode: (j, onProgress) =>
      new Promise((resolve, reject) => {
        if (failed || !worker) return reject(failed ?? new Error("decode worker not started"));
        job = { resolve, reject, onProgress };
        worker.postMessage(j);
      }),
    alive: () => !failed,
    release: () => {
      void worker?.terminate().catch(() => {});
    },
  };
}
