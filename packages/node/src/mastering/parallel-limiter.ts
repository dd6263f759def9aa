/**
 * The mastering limiter split over worker threads: the programme is cut into one piece per thread, each
 * limited with a warm-up of the preceding audio (many release times, so the gain has forgotten where it
 * started) and its lookahead reading into the next piece. The joined result matches the single-thread one
 * to float rounding; the true peak of the whole is measured afterwards in any case.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { ProcessorJSON } from "@controlroom/engine";
import { type LimiterRunner, serialLimiter } from "@controlroom/engine/mastering/master.ts";
import { startWorker } from "../workers/worker-entry.ts";
import type { LimitJob } from "./limiter-worker.ts";
import type { PlanarFiles } from "./planar-file.ts";

/** Warm-up before each piece, seconds: 20 × the slowest release the mastering limiter uses (100 ms). */
const WARM_SECONDS = 2;
/**
 * Below this length one thread is quicker than starting workers (each compiles the engine's TypeScript
 * on start, ~0.5 s), seconds.
 */
const MIN_PARALLEL_SECONDS = 120;

export class ParallelLimiter implements LimiterRunner {
  private readonly workers: Worker[];

  private constructor(threads: number) {
    this.workers = Array.from({ length: threads }, () =>
      startWorker(new URL("./limiter-worker.ts", import.meta.url), "limiter-worker"),
    );
  }

  /**
   * A runner for a programme of `frames` at `sampleRate`: parallel when worthwhile, else the serial one.
   * @param minSeconds shortest programme limited on several threads, seconds (default 120; tests go lower).
   */
  static for(
    frames: number,
    sampleRate: number,
    minSeconds = MIN_PARALLEL_SECONDS,
  ): LimiterRunner & { close(): Promise<void> } {
    const workers = ParallelLimiter.threadsFor(frames, sampleRate, minSeconds);
    return workers ?? { run: serialLimiter.run, close: async () => {} };
  }

  /** Workers for a programme of `frames` at `sampleRate` when they pay off, else null (limit on this thread). */
  static threadsFor(
    frames: number,
    sampleRate: number,
    minSeconds = MIN_PARALLEL_SECONDS,
  ): ParallelLimiter | null {
    const threads = Math.min(4, availableParallelism());
    if (threads < 2 || frames < minSeconds * sampleRate) return null;
    return new ParallelLimiter(threads);
  }

  /** Shared memory for the buffers the workers read and write. */
  static allocate(frames: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(frames * 4));
  }

  async run(
    pre: readonly Float32Array[],
    driveDb: number,
    limiter: ProcessorJSON,
    out: Float32Array[],
    sampleRate: number,
  ): Promise<void> {
    const shared = (a: Float32Array) => a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0;
    if (!pre.every(shared) || !out.every(shared)) {
      serialLimiter.run(pre, driveDb, limiter, out, sampleRate);
      return;
    }
    await this.dispatch(pre[0].length, sampleRate, {
      pre: pre.map((a) => a.buffer as SharedArrayBuffer),
      out: out.map((a) => a.buffer as SharedArrayBuffer),
      driveDb,
      limiter,
      sampleRate,
    });
  }

  /** The same over a programme's planar working files (each worker reads and writes its piece). */
  async runFiles(
    files: PlanarFiles,
    driveDb: number,
    limiter: ProcessorJSON,
    sampleRate: number,
  ): Promise<void> {
    await this.dispatch(files.frames, sampleRate, { files, driveDb, limiter, sampleRate });
  }

  /** One piece per worker: `frames` cut evenly, each with the warm-up before it. */
  private async dispatch(
    frames: number,
    sampleRate: number,
    job: Omit<LimitJob, "from" | "to" | "warmFrames">,
  ): Promise<void> {
    const k = this.workers.length;
    const jobs = this.workers.map((w, i) => {
      const piece: LimitJob = {
        ...job,
        from: Math.floor((frames * i) / k),
        to: Math.floor((frames * (i + 1)) / k),
        warmFrames: Math.round(WARM_SECONDS * sampleRate),
      };
      return new Promise<void>((resolve, reject) => {
        const onMessage = (m: { ok: boolean; message?: string }) => {
          w.off("error", onError);
          if (m.ok) resolve();
          else reject(new Error(`limiter worker: ${m.message}`));
        };
        const onError = (e: Error) => {
          w.off("message", onMessage);
          reject(e);
        };
        w.once("message", onMessage);
        w.once("error", onError);
        w.postMessage(piece);
      });
    });
    await Promise.all(jobs);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
