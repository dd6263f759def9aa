import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import {
  type AnalysisPart,
  type AnalysisReport,
  Analyzer,
  type AnalyzerOptions,
  mergeReports,
} from "@controlroom/engine";
import { openAudioFile } from "../files/open.ts";
import type { AudioFileInfo } from "../files/types.ts";
import { startWorker } from "../workers/worker-entry.ts";

/** A file's header facts and its full analysis. */
export interface FileAnalysis {
  info: AudioFileInfo;
  report: AnalysisReport;
}

export interface AnalyzeFileOptions {
  /** Frames read per block (default 65 536). Results do not depend on it beyond float rounding. */
  blockFrames?: number;
  /** Called after each block with the audio seconds done and the total (null when unknown). */
  onProgress?: (doneSeconds: number, totalSeconds: number | null) => void;
  /**
   * Run the measurements on two worker threads (half each) while this thread reads the file. Default: when
   * the machine has at least two cores and the file is longer than 20 s. The readings are identical.
   */
  parallel?: boolean;
  /**
   * Workers to run the parallel analysis on, kept across files (a command analysing several files makes one
   * pool and closes it at the end). Without one, each parallel analysis starts and stops its own workers.
   */
  pool?: AnalysisPool;
}

/**
 * The two halves of the work, balanced by measured cost on one core (10 minutes of stereo; loudness in a
 * WebAssembly kernel, levels, phase and overview as one pass): at 48 kHz loudness ≈ 0.14 s, spectrum ≈ 0.18,
 * levels + phase + overview ≈ 0.16; at 96 kHz 0.25, 0.18 (its transforms do not grow with the rate) and
 * 0.27. True peak is split by channel: on music the meter skips most of the programme, but on dense
 * material (noise, a limited master, a sweep) it is interpolated nearly everywhere, ≈ 0.34 s a channel.
 */
const SPLIT: AnalysisPart[][] = [
  ["loudness", "spectrum", "truePeak"],
  ["levels", "phase", "overview", "truePeak"],
];

/** The channels whose true peak half `i` of SPLIT measures: the first half of the channels, or the rest. */
function truePeakChannels(i: number, channels: number): number[] {
  const mid = Math.ceil(channels / 2);
  return Array.from({ length: channels }, (_, c) => c).filter((c) => (i === 0 ? c < mid : c >= mid));
}
/**
 * Blocks in flight per worker: bounds memory (4 × 64 k frames × 4 bytes × channels: 2 MB for stereo per
 * worker) whatever the file's length. Reading is several times faster than the measurements, so a few blocks
 * keep the workers fed; every extra one is a fresh buffer whose first touch costs page faults (measured: 16 in
 * flight spent more time allocating than copying).
 *
 * Each worker gets its own copy of a block, moved to it (transferred) and back, rather than one shared
 * buffer: copying out of a SharedArrayBuffer (into a WebAssembly kernel's memory, as true peak and loudness
 * do) runs about 12 times slower than an ordinary copy, since V8 copies shared memory with relaxed atomic
 * accesses — 10 minutes at 96 kHz cost the loudness worker ~0.2 s of such copies; the main thread's plain
 * copy of each block costs ~0.01 s.
 */
const IN_FLIGHT = 4;

/** Streams a file through the engine's Analyzer; memory does not grow with the file's length. */
export async function analyzeFile(path: string, opts: AnalyzeFileOptions = {}): Promise<FileAnalysis> {
  const reader = await openAudioFile(path);
  try {
    const { info } = reader;
    const aopts: AnalyzerOptions = {
      sampleRate: info.sampleRate,
      channels: info.channels,
      channelMask: info.channelMask,
      bitDepth: info.sampleFormat === "int" ? info.bitDepth : null,
    };
    const block = opts.blockFrames ?? 65536;
    const total = info.frames === null ? null : info.frames / info.sampleRate;
    const parallel =
      opts.parallel ??
      (availableParallelism() >= 2 && (info.frames === null || info.frames > info.sampleRate * 20));
    if (parallel) {
      const own = opts.pool ? null : new AnalysisPool();
      try {
        const pool = opts.pool ?? own!;
        return { info, report: await analyzeInWorkers(reader, aopts, block, total, opts.onProgress, pool) };
      } finally {
        await own?.close();
      }
    }
    const analyzer = new Analyzer(aopts);
    let done = 0;
    for (;;) {
      const chunk = await reader.read(block);
      if (!chunk) break;
      const frames = chunk[0].length;
      analyzer.process(chunk, frames);
      done += frames;
      opts.onProgress?.(done / info.sampleRate, total);
    }
    return { info, report: analyzer.finish() };
  } finally {
    await reader.close();
  }
}

/**
 * The parallel analysis's workers, one per half of SPLIT, started on first use and kept for further files:
 * a second file then finds them running and their code already optimised (a 3-minute song's analysis is
 * otherwise a third start-up). A file that fails leaves the pool to start new workers for the next one.
 */
export class AnalysisPool {
  private workers: AnalysisWorker[] | null = null;

  /** The workers, each told to start a file with its options (new workers if none are running). */
  begin(options: AnalyzerOptions[]): AnalysisWorker[] {
    this.workers ??= options.map(() => new AnalysisWorker());
    for (const [i, w] of this.workers.entries()) w.begin(options[i]);
    return this.workers;
  }

  /** Stops the workers after a failure; the next file starts new ones. */
  async discard(): Promise<void> {
    const ws = this.workers;
    this.workers = null;
    if (ws) await Promise.all(ws.map((w) => w.terminate()));
  }

  /** Stops the workers (a command must, or they keep the process alive). */
  close(): Promise<void> {
    return this.discard();
  }
}

/** One analysis worker with flow control: `ready` waits while too many blocks are unanswered. */
class AnalysisWorker {
  private readonly worker: Worker;
  private acked = 0;
  private sent = 0;
  private waiting: (() => void) | null = null;
  /** A failure of the thread itself or of the current file's analysis. */
  private failure: Error | null = null;
  private report: {
    promise: Promise<AnalysisReport>;
    resolve: (r: AnalysisReport) => void;
    reject: (e: Error) => void;
  } | null = null;

  /** Buffers this worker has sent back, free for the next blocks. */
  readonly free: ArrayBuffer[] = [];

  constructor() {
    this.worker = startWorker(new URL("./analysis-worker.ts", import.meta.url), "analysis-worker", {});
    this.worker.on(
      "message",
      (m: { type: string; data?: ArrayBuffer; report?: AnalysisReport; message?: string }) => {
        if (m.type === "ack") {
          this.acked++;
          if (m.data) this.free.push(m.data);
          this.wake();
        } else if (m.type === "report" && m.report) this.report?.resolve(m.report);
        else if (m.type === "error") this.fail(new Error(`analysis failed: ${m.message}`));
      },
    );
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => {
      if (code !== 0) this.fail(new Error(`analysis worker exited with code ${code}`));
    });
  }

  /** Starts a file: a new Analyzer in the worker, and a new report to wait for. */
  begin(options: AnalyzerOptions): void {
    let resolve!: (r: AnalysisReport) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<AnalysisReport>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.report = { promise, resolve, reject };
    if (this.failure) reject(this.failure);
    else this.worker.postMessage({ type: "init", options });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.report?.reject(e);
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** Waits until the worker can take another block (fewer than IN_FLIGHT unanswered). */
  async ready(): Promise<void> {
    while (!this.failure && this.sent - this.acked >= IN_FLIGHT) {
      await new Promise<void>((r) => {
        this.waiting = r;
      });
    }
    if (this.failure) throw this.failure;
  }

  /** A buffer of at least `bytes` for the next block: one the worker sent back, or a new one. */
  buffer(bytes: number): ArrayBuffer {
    let b = this.free.pop();
    while (b && b.byteLength < bytes) b = this.free.pop();
    return b ?? new ArrayBuffer(bytes);
  }

  /** Moves `data` (a block, channel c at c × stride floats) to the worker; call `ready` first. */
  send(id: number, frames: number, stride: number, data: ArrayBuffer): void {
    this.sent++;
    this.worker.postMessage({ type: "block", id, frames, stride, data }, [data]);
  }

  /** The current file's report, once the worker has had every block. */
  async finish(): Promise<AnalysisReport> {
    if (this.failure) throw this.failure;
    const report = this.report;
    if (!report) throw new Error("analysis worker: finish before begin");
    this.worker.postMessage({ type: "finish" });
    return report.promise;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

async function analyzeInWorkers(
  reader: Awaited<ReturnType<typeof openAudioFile>>,
  aopts: AnalyzerOptions,
  block: number,
  total: number | null,
  onProgress: AnalyzeFileOptions["onProgress"],
  pool: AnalysisPool,
): Promise<AnalysisReport> {
  const workers = pool.begin(
    SPLIT.map((parts, i) => ({
      ...aopts,
      parts: Object.fromEntries(parts.map((p) => [p, true])),
      truePeakChannels: truePeakChannels(i, aopts.channels),
    })),
  );
  const bytes = block * aopts.channels * 4;
  try {
    let id = 0;
    let done = 0;
    for (;;) {
      for (const w of workers) await w.ready();
      // The first worker's buffer takes the decoded block (decoded straight into it where the format can,
      // else copied: the reader reuses its arrays); the others get plain copies of it.
      let data = workers[0].buffer(bytes);
      let frames: number;
      let stride: number;
      if (reader.readInto) {
        frames = await reader.readInto(
          Array.from({ length: aopts.channels }, (_, c) => new Float32Array(data, c * block * 4, block)),
        );
        if (frames === 0) break;
        // Channel c's samples start at c × stride (the block length when decoded in place).
        stride = block;
      } else {
        const chunk = await reader.read(block);
        if (!chunk) break;
        frames = chunk[0].length;
        if (frames * aopts.channels * 4 > data.byteLength)
          data = new ArrayBuffer(frames * aopts.channels * 4);
        for (let c = 0; c < aopts.channels; c++)
          new Float32Array(data, c * frames * 4, frames).set(chunk[c].subarray(0, frames));
        stride = frames;
      }
      const used = ((aopts.channels - 1) * stride + frames) * 4;
      for (let k = 1; k < workers.length; k++) {
        const copy = workers[k].buffer(used);
        new Uint8Array(copy, 0, used).set(new Uint8Array(data, 0, used));
        workers[k].send(id, frames, stride, copy);
      }
      workers[0].send(id, frames, stride, data);
      id++;
      done += frames;
      onProgress?.(done / aopts.sampleRate, total);
    }
    const reports = await Promise.all(workers.map((w) => w.finish()));
    return mergeReports(SPLIT.map((parts, i) => ({ parts, report: reports[i] })));
  } catch (e) {
    // Blocks may still be in flight, or a worker gone: the next file gets new workers.
    await pool.discard();
    throw e;
  }
}
