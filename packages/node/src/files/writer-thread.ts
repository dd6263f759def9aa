/**
 * A group of audio files written on a worker thread (writer-worker.ts): dither, packing and the write calls
 * leave the thread that renders. Used for a render's stems, which are most of what a short render costs
 * (seven stereo 24-bit stems and the mix: eight files' worth of dithering for one of mixing). The files are the
 * same bytes as written here (same writers, same options, same blocks), and as atomic: nothing appears under a
 * final name unless `close()` succeeds.
 *
 * The audio goes through shared memory: a ring of batch slots made once at `open`, with counters the two
 * threads wait on, so a batch costs no message, no copy into a message and no buffer transfer. (A transferred
 * buffer also detaches, and the first detach in a thread throws away the optimised code of every typed-array
 * loop in it: V8's ArrayBufferDetaching protector.) Messages remain for `open`, `close` and `abort`, and for
 * a failure.
 */
import type { Worker } from "node:worker_threads";
import { takePrestartedWorker } from "../workers/prestart.ts";
import { startWorker, waitAsync } from "../workers/worker-entry.ts";
import { AudioFileError, type AudioWriterOptions } from "./types.ts";

/** One file of the group. */
export interface ThreadedFile {
  path: string;
  options: AudioWriterOptions;
}

/**
 * The memory the threads share. Slot k holds batch k, k + slots, k + 2·slots, …: every file's channels
 * (planar, file after file, channel after channel), each `capacity` floats from the last.
 */
export interface WriterRing {
  /** Int32 words; see RING_* for their meaning. */
  control: SharedArrayBuffer;
  /** `slots · capacity · channels` floats. */
  audio: SharedArrayBuffer;
  slots: number;
  /** Frames per slot. */
  capacity: number;
  /** Channels of all files together. */
  channels: number;
}

/** Batches handed over so far (written by this thread). */
export const RING_POSTED = 0;
/** Batches the worker has written (written by the worker; this thread waits on it for a free slot). */
export const RING_WRITTEN = 1;
/** Bumped on every hand-over and at the end: the word the worker waits on. */
export const RING_SIGNAL = 2;
/** RING_CLOSING once no batch will follow, RING_ABORTING to stop at once. */
export const RING_END = 3;
/** Set by the worker after a failure, once the message naming it has been posted. */
export const RING_FAILED = 4;
/** Frames in each slot's batch: word RING_FRAMES + slot. */
export const RING_FRAMES = 5;
export const RING_CLOSING = 1;
export const RING_ABORTING = 2;

/** Messages to the writer worker. */
export type WriterRequest =
  | { type: "open"; files: ThreadedFile[]; ring: WriterRing }
  /** Sent after RING_END is set: answered once every batch handed over has been written. */
  | { type: "close" }
  | { type: "abort" };

/**
 * Messages from the writer worker: each request is answered once, in order (`ok` or `error`); `failed` comes
 * unasked when writing a batch fails (every file is then abandoned).
 */
export type WriterReply =
  | { type: "ok" }
  | { type: "error"; file: string | null; message: string }
  | { type: "failed"; file: string | null; message: string };

/**
 * Batches handed over and not yet written before `write` waits (bounds memory whatever the song's length):
 * the ring has one slot more, the batch being gathered.
 */
const MAX_IN_FLIGHT = 4;
/**
 * Frames gathered before they are handed over: waking the worker for every render block cost more than the
 * copying. The bytes written do not depend on how the frames are grouped (the dither runs sample after
 * sample; silence skips it as if it had run), so a longer block is simply split across batches.
 */
const BATCH_FRAMES = 16384;

export class ThreadedWriters {
  private readonly waiting: ((r: WriterReply) => void)[] = [];
  private failed: Error | null = null;
  /** Resolves once `failed` is set (the worker's message has arrived, or the worker is gone). */
  private readonly failure: Promise<void>;
  private failureKnown: () => void = () => {};
  private readonly channels: number[];
  private readonly control: Int32Array;
  private readonly audio: Float32Array;
  /** Batches handed over. */
  private posted = 0;
  /** Whether the slot of batch `posted` is being filled, and with how many frames. */
  private filling = false;
  private batched = 0;

  private constructor(
    private readonly worker: Worker,
    readonly files: readonly ThreadedFile[],
    private readonly ring: WriterRing,
  ) {
    this.channels = files.map((f) => f.options.channels);
    this.control = new Int32Array(ring.control);
    this.audio = new Float32Array(ring.audio);
    this.failure = new Promise((resolve) => {
      this.failureKnown = resolve;
    });
    worker.on("message", (r: WriterReply) => {
      if (r.type === "failed") this.setFailed(errorOf(r));
      else this.waiting.shift()?.(r);
    });
    worker.on("error", (e) => this.fail(new Error(`writer thread: ${e.message}`)));
    worker.on("exit", (code) => this.fail(new Error(`writer thread stopped (exit code ${code})`)));
  }

  /**
   * Starts the worker and creates every file (temporary names until `close`).
   * @throws AudioFileError naming the file that could not be created (nothing is left of the others).
   */
  static async open(files: ThreadedFile[]): Promise<ThreadedWriters> {
    const channels = files.reduce((n, f) => n + f.options.channels, 0);
    const slots = MAX_IN_FLIGHT + 1;
    const ring: WriterRing = {
      control: new SharedArrayBuffer(4 * (RING_FRAMES + slots)),
      audio: new SharedArrayBuffer(4 * slots * BATCH_FRAMES * channels),
      slots,
      capacity: BATCH_FRAMES,
      channels,
    };
    const worker =
      takePrestartedWorker("writer-worker") ??
      startWorker(new URL("./writer-worker.ts", import.meta.url), "writer-worker");
    const w = new ThreadedWriters(worker, files, ring);
    try {
      await w.request({ type: "open", files, ring });
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
    const { capacity, slots } = this.ring;
    for (let done = 0; done < frames; ) {
      if (!this.filling) {
        await this.freeSlot();
        this.filling = true;
        this.batched = 0;
      }
      const n = Math.min(frames - done, capacity - this.batched);
      let at = (this.posted % slots) * capacity * this.ring.channels + this.batched;
      // Indexed, not `entries()`: the iterator's result maps differed between calls and deoptimised `write`.
      for (let i = 0; i < blocks.length; i++) {
        const chans = blocks[i];
        for (let c = 0; c < this.channels[i]; c++) {
          this.audio.set(chans[c].subarray(done, done + n), at);
          at += capacity;
        }
      }
      this.batched += n;
      done += n;
      if (this.batched === capacity) this.handOver();
    }
  }

  /** Waits until the slot of batch `posted` has been written (at most MAX_IN_FLIGHT batches ahead). */
  private async freeSlot(): Promise<void> {
    for (;;) {
      if (this.failed) throw this.failed;
      const written = Atomics.load(this.control, RING_WRITTEN);
      if (this.posted - written < this.ring.slots) return;
      if (Atomics.load(this.control, RING_FAILED)) {
        await this.failure; // posted before the flag was set: on its way
        continue;
      }
      const w = waitAsync(this.control, RING_WRITTEN, written);
      if (w.async) await w.value;
    }
  }

  /** Hands the batch gathered so far to the worker. */
  private handOver(): void {
    if (!this.filling) return;
    this.control[RING_FRAMES + (this.posted % this.ring.slots)] = this.batched;
    this.posted++;
    this.filling = false;
    Atomics.store(this.control, RING_POSTED, this.posted);
    this.signal();
  }

  private signal(): void {
    Atomics.add(this.control, RING_SIGNAL, 1);
    Atomics.notify(this.control, RING_SIGNAL);
  }

  /** Finishes every file in order and moves each into place; then stops the worker. */
  async close(): Promise<void> {
    try {
      if (this.failed) throw this.failed;
      this.handOver();
      Atomics.store(this.control, RING_END, RING_CLOSING);
      this.signal();
      await this.request({ type: "close" });
    } finally {
      await this.worker.terminate();
    }
  }

  /** Abandons every file (nothing left under their names, temporary files removed), then stops the worker. */
  async abort(): Promise<void> {
    this.filling = false;
    Atomics.store(this.control, RING_END, RING_ABORTING);
    this.signal();
    if (!this.failed) await this.request({ type: "abort" }).catch(() => {});
    await this.worker.terminate();
  }

  private request(m: WriterRequest): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push((r) => {
        if (r.type === "ok") return resolve();
        const e = errorOf(r);
        this.setFailed(e);
        reject(this.failed);
      });
      this.worker.postMessage(m);
    });
  }

  /** Records the first failure and wakes a `write` waiting for a slot. */
  private setFailed(e: Error): void {
    this.failed ??= e;
    this.failureKnown();
    Atomics.notify(this.control, RING_WRITTEN);
  }

  /** The worker died: every answer still awaited fails. */
  private fail(e: Error): void {
    this.setFailed(e);
    const message = (this.failed as Error).message;
    for (const f of this.waiting.splice(0)) f({ type: "error", file: null, message });
  }
}

function errorOf(r: { file: string | null; message: string }): Error {
  return r.file === null ? new Error(r.message) : new AudioFileError(r.file, r.message);
}
