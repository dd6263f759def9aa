/**
 * A group of audio files written on a worker thread (writer-worker.ts): dither, packing and the write calls
 * leave the thread that renders. Used for a render's stems, which are most of what a short render costs
 * (seven stereo 24-bit stems and the mix: eight files' worth of dithering for one of mixing). The files are the
 * same bytes as written here (same writers, same options, same blocks), and as atomic: nothing appears under a
 * final name unless `close()` succeeds.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../workers/worker-entry.ts";
import { AudioFileError, type AudioWriterOptions } from "./types.ts";

/** One file of the group. */
export interface ThreadedFile {
  path: string;
  options: AudioWriterOptions;
}

/** Messages to the writer worker. */
export type WriterRequest =
  | { type: "open"; files: ThreadedFile[] }
  /**
   * Every file's next `frames` frames, planar, file after file, channel after channel, each channel `stride`
   * floats from the last (≥ frames: a buffer made for a batch of blocks may be filled only in part).
   */
  | { type: "write"; data: Float32Array; frames: number; stride: number }
  | { type: "close" }
  | { type: "abort" };

/** Messages from the writer worker: each request is answered once, in order. */
export type WriterReply =
  /** Done; a `write` request's buffer comes back (transferred) to be filled again. */
  { type: "ok"; data?: Float32Array } | { type: "error"; file: string | null; message: string };

/** Batches handed over and not yet written before `write` waits (bounds memory whatever the song's length). */
const MAX_IN_FLIGHT = 4;
/**
 * Frames gathered before they are handed over: one message per render block cost both threads more than the
 * copying (song1's 750 blocks: ~0.3 CPU-s of postMessage). The bytes written do not depend on how the frames
 * are grouped (the dither runs sample after sample; silence skips it as if it had run).
 */
const BATCH_FRAMES = 16384;

export class ThreadedWriters {
  private readonly waiting: ((r: WriterReply) => void)[] = [];
  private failed: Error | null = null;
  /** Writes handed over whose answer is still to come. */
  private inFlight: Promise<void>[] = [];
  private readonly channels: number[];
  /** Buffers the worker has written and handed back, reused for later batches (no allocation per block). */
  private readonly spare: Float32Array[] = [];
  /** The batch being gathered (channels `stride` floats apart), and the frames in it. */
  private batch: Float32Array | null = null;
  private stride = 0;
  private batched = 0;

  private constructor(
    private readonly worker: Worker,
    readonly files: readonly ThreadedFile[],
  ) {
    this.channels = files.map((f) => f.options.channels);
    worker.on("message", (r: WriterReply) => this.waiting.shift()?.(r));
    worker.on("error", (e) => this.fail(new Error(`writer thread: ${e.message}`)));
    worker.on("exit", (code) => this.fail(new Error(`writer thread stopped (exit code ${code})`)));
  }

  /**
   * Starts the worker and creates every file (temporary names until `close`).
   * @throws AudioFileError naming the file that could not be created (nothing is left of the others).
   */
  static async open(files: ThreadedFile[]): Promise<ThreadedWriters> {
    const worker = startWorker(new URL("./writer-worker.ts", import.meta.url), "writer-worker");
    const w = new ThreadedWriters(worker, files);
    try {
      await w.request({ type: "open", files });
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    return w;
  }

  /**
   * Appends `frames` frames to every file: `blocks[i]` holds file i's channels (planar, full scale ±1). The
   * samples are copied before this returns (into a batch handed over once BATCH_FRAMES are gathered); it waits
   * only while MAX_IN_FLIGHT batches are still being written.
   * @throws AudioFileError from an earlier write (a NaN sample, a full disk, …) naming its file.
   */
  async write(blocks: readonly (readonly Float32Array[])[], frames: number): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.batch && this.batched + frames > this.stride) await this.flush();
    if (!this.batch) {
      const stride = Math.max(frames, BATCH_FRAMES);
      let total = 0;
      for (const c of this.channels) total += c * stride;
      let data = this.spare.pop();
      if (!data || data.length < total) data = new Float32Array(total);
      this.batch = data;
      this.stride = stride;
      this.batched = 0;
    }
    const data = this.batch;
    let at = this.batched;
    for (const [i, chans] of blocks.entries()) {
      for (let c = 0; c < this.channels[i]; c++) {
        data.set(chans[c].subarray(0, frames), at);
        at += this.stride;
      }
    }
    this.batched += frames;
    if (this.batched === this.stride) await this.flush();
  }

  /** Hands the batch gathered so far to the worker. */
  private async flush(): Promise<void> {
    const data = this.batch;
    if (!data) return;
    this.batch = null;
    const done = this.request({ type: "write", data, frames: this.batched, stride: this.stride }, [
      data.buffer as ArrayBuffer,
    ]);
    done.catch(() => {}); // awaited below or by close / abort
    this.inFlight.push(done);
    if (this.inFlight.length > MAX_IN_FLIGHT) await this.inFlight.shift();
  }

  /** Finishes every file in order and moves each into place; then stops the worker. */
  async close(): Promise<void> {
    try {
      await this.flush();
      await Promise.all(this.inFlight.splice(0));
      await this.request({ type: "close" });
    } finally {
      await this.worker.terminate();
    }
  }

  /** Abandons every file (nothing left under their names, temporary files removed), then stops the worker. */
  async abort(): Promise<void> {
    this.batch = null;
    await Promise.allSettled(this.inFlight.splice(0));
    if (!this.failed) await this.request({ type: "abort" }).catch(() => {});
    await this.worker.terminate();
  }

  private request(m: WriterRequest, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push((r) => {
        if (r.type === "ok") {
          if (r.data) this.spare.push(r.data);
          return resolve();
        }
        const e = r.file === null ? new Error(r.message) : new AudioFileError(r.file, r.message);
        this.failed ??= e;
        reject(e);
      });
      this.worker.postMessage(m, transfer);
    });
  }

  /** The worker died: every answer still awaited fails. */
  private fail(e: Error): void {
    this.failed ??= e;
    for (const f of this.waiting.splice(0)) f({ type: "error", file: null, message: this.failed.message });
  }
}
