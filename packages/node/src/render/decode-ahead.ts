/**
 * Decoding a render's sources on another thread just ahead of the render, into their decoded-cache files, while
 * the render reads each file behind the decoder. For the sources a render fills the cache with in passing
 * (`PrepareResult.fills`: read once, from first frame to last), when the tracks render on one thread: that
 * thread then only mixes, and the decoding (most of a first render's work) runs on the other core, instead of
 * both threads decoding and mixing some tracks each — which compiled and warmed every decoding and mixing
 * function twice, and kept the two threads waiting for each other block by block.
 *
 * Each source has a small shared progress record the decoding thread updates after every chunk it has written
 * (see AHEAD_* below); an `AheadSource` reads the file only up to what is written, waiting when the render
 * catches up. The bits are the decoder's either way (the file holds exactly what it handed over). A source the
 * decoding thread cannot take (a decode error, a full disk) is marked failed, and the render decodes it itself
 * from where it is — with the reader it would have used without this, so errors read as they always did.
 */
import { closeSync, openSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type { AudioSource } from "@controlroom/engine/render/source.ts";
import { openAudioFile } from "../files/open.ts";
import type { AudioReader } from "../files/types.ts";
import { takePrestartedWorker } from "../workers/prestart.ts";
import { startWorker, waitAsync } from "../workers/worker-entry.ts";
import { readPlanar } from "./cached-source.ts";
import { type CacheFill, CacheFiller } from "./decode-cache-fill.ts";

/** Progress record words (Int32): the source's state, one of AHEAD_OPENING … AHEAD_FAILED. */
export const AHEAD_STATE = 0;
/** Frames written to the file so far (every channel). */
export const AHEAD_WRITTEN = 1;
/** Frames per channel slot in the file (the source's declared length), once opened. */
export const AHEAD_STRIDE = 2;
/** Bumped after every change of the words above: what readers wait on. */
export const AHEAD_SIGNAL = 3;
const AHEAD_WORDS = 4;

export const AHEAD_OPENING = 0;
/** Decoding: frames up to AHEAD_WRITTEN can be read. */
export const AHEAD_RUNNING = 1;
/** Decoded to its end: AHEAD_WRITTEN frames, the rest (if the source ended early) silence. */
export const AHEAD_COMPLETE = 2;
/** Given up (or never started): frames from AHEAD_WRITTEN on must be decoded by the reader. */
export const AHEAD_FAILED = 3;

/** One source to decode ahead (structured-clonable: sent to the decoding thread). */
export interface AheadJob {
  /** The compressed source file. */
  path: string;
  /** Its cache file, as the render would have filled it (written under `fill.temp`, published as `fill.file`). */
  fill: CacheFill;
  /** AHEAD_WORDS Int32 words (see AHEAD_*). */
  progress: SharedArrayBuffer;
}

/**
 * Frames asked of a source's reader per step (it hands over what one decoder step holds, often fewer): at first
 * one render block, doubling each step up to the most. The render waits for every source's first block, and the
 * decoder is at its slowest then (its code not yet optimised): 65,536 frames of each of song1's seven stems
 * before the first block kept the render waiting ~0.4 s, a block of each a few milliseconds.
 */
const FIRST_STEP_FRAMES = 4096;
const STEP_FRAMES = 1 << 16;

/**
 * Runs on the decoding thread: decodes every job into its cache file, the job furthest behind first (the render
 * reads all of them at once), publishing each at its end (header, fsync, rename) as a fill during the render
 * would. Never throws: a job that fails is marked AHEAD_FAILED and left to its reader.
 * @param cancelled polled between chunks; true abandons every file (nothing is left) and marks them failed.
 */
export async function decodeAhead(jobs: readonly AheadJob[], cancelled: () => boolean): Promise<void> {
  interface Running {
    p: Int32Array;
    reader: AudioReader;
    filler: CacheFiller;
    written: number;
    frames: number;
    /** Frames to ask for next (see FIRST_STEP_FRAMES). */
    step: number;
  }
  const running: Running[] = [];
  /** Files being published (fsync, rename) or removed while the others decode on. */
  const closing: Promise<unknown>[] = [];
  const settle = (r: Running, state: number) => {
    const at = running.indexOf(r);
    if (at >= 0) running.splice(at, 1);
    publish(r.p, state);
    // Publishes a complete file, abandons any other. The reader reads it under either name meanwhile.
    closing.push(
      r.reader.close().catch(() => {}),
      r.filler.close().catch(() => {}),
    );
  };
  for (const job of jobs) {
    const p = new Int32Array(job.progress);
    let reader: AudioReader;
    try {
      reader = await openAudioFile(job.path, { syncReads: true });
    } catch {
      publish(p, AHEAD_FAILED);
      continue;
    }
    const { info } = reader;
    const { ref } = job.fill;
    if (
      info.frames === null ||
      info.frames > 2 ** 31 - 1 ||
      info.channels !== ref.channels ||
      info.sampleRate !== ref.sampleRate
    ) {
      // Not what the render expects: its own reader reports it.
      await reader.close().catch(() => {});
      publish(p, AHEAD_FAILED);
      continue;
    }
    const filler = new CacheFiller(job.fill, info.channels, info.sampleRate, info.frames);
    Atomics.store(p, AHEAD_STRIDE, info.frames);
    publish(p, AHEAD_RUNNING);
    running.push({ p, reader, filler, written: 0, frames: info.frames, step: FIRST_STEP_FRAMES });
  }
  while (running.length > 0) {
    if (cancelled()) {
      for (const r of [...running]) settle(r, AHEAD_FAILED);
      break;
    }
    let r = running[0];
    for (const x of running) if (x.written < r.written) r = x;
    let chunk: Float32Array[] | null;
    try {
      chunk = await r.reader.read(r.step);
      r.step = Math.min(STEP_FRAMES, 2 * r.step);
    } catch {
      settle(r, AHEAD_FAILED);
      continue;
    }
    const n = chunk?.[0]?.length ?? 0;
    if (!chunk || n === 0) {
      // Shorter than its header said: what there is was written, the rest is silence (as ReaderSource reads it).
      settle(r, AHEAD_COMPLETE);
      continue;
    }
    r.filler.chunk(r.written, chunk, n);
    if (r.filler.abandoned) {
      // The write failed (full disk, …): the file is abandoned, frames from `written` on are the reader's.
      settle(r, AHEAD_FAILED);
      continue;
    }
    r.written += n;
    Atomics.store(r.p, AHEAD_WRITTEN, r.written);
    publish(r.p, AHEAD_RUNNING);
    if (r.written >= r.frames) settle(r, AHEAD_COMPLETE);
  }
  await Promise.all(closing);
}

/** Sets a progress record's state and wakes its readers. */
function publish(p: Int32Array, state: number): void {
  Atomics.store(p, AHEAD_STATE, state);
  Atomics.add(p, AHEAD_SIGNAL, 1);
  Atomics.notify(p, AHEAD_SIGNAL);
}

/**
 * The render's side of one source decoded ahead: reads its cache file (planar float32, as CachedSource does)
 * up to the frames written, waiting for more when it gets there; falls back to decoding the source itself from
 * where it is once the decoding thread gives it up.
 */
export class AheadSource implements AudioSource {
  readonly channels: number;
  readonly frames: number;
  private readonly p: Int32Array;
  private fd: number | null = null;
  private fallback: AudioSource | null = null;
  private closed = false;

  /**
   * @param job the source's job (its `progress` shared with the decoding thread).
   * @param sampleRate the source's rate (the session's: only such sources are filled).
   * @param openFallback opens the source as the render would without this (a ReaderSource over it).
   */
  constructor(
    private readonly job: AheadJob,
    readonly sampleRate: number,
    private readonly openFallback: () => Promise<AudioSource>,
  ) {
    this.p = new Int32Array(job.progress);
    this.channels = job.fill.ref.channels;
    this.frames = job.fill.ref.frames;
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    if (this.closed) throw new Error("read after close");
    if (this.fallback) return this.fallback.read(start, frames, out);
    const end = Math.min(start + frames, this.frames);
    const p = this.p;
    for (;;) {
      const seen = Atomics.load(p, AHEAD_SIGNAL);
      const state = Atomics.load(p, AHEAD_STATE);
      if (state === AHEAD_FAILED) return this.fallBack(start, frames, out);
      if (state !== AHEAD_OPENING) {
        // A source whose length is not what the session says is left to its reader (which reports it).
        if (Atomics.load(p, AHEAD_STRIDE) !== this.frames) return this.fallBack(start, frames, out);
        if (state === AHEAD_COMPLETE || Atomics.load(p, AHEAD_WRITTEN) >= end) break;
      }
      const w = waitAsync(p, AHEAD_SIGNAL, seen);
      if (w.async) await w.value;
    }
    // Frames before the start and past what was decoded are zeros; the file is opened only when there is audio
    // to read (before the first chunk it does not exist yet).
    const stored = Math.min(Atomics.load(p, AHEAD_WRITTEN), this.frames);
    const fd = start < stored && start + frames > 0 ? (this.fd ?? this.openFile()) : -1;
    if (fd === null) return this.fallBack(start, frames, out);
    readPlanar(fd, this.channels, this.frames, stored, start, frames, out);
  }

  /** The file under its temporary name, or its final one once published; null when neither is there. */
  private openFile(): number | null {
    for (const path of [this.job.fill.temp, this.job.fill.file]) {
      try {
        this.fd = openSync(path, "r");
        return this.fd;
      } catch {}
    }
    return null;
  }

  private async fallBack(start: number, frames: number, out: Float32Array[]): Promise<void> {
    this.fallback ??= await this.openFallback();
    return this.fallback.read(start, frames, out);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    await this.fallback?.close();
  }
}

/** What the decoding thread is sent first (see track-worker.ts). */
export interface AheadRequest {
  ahead: AheadJob[];
  /** Nonzero once the render stops early (cancelled, failed): the thread abandons every file. */
  cancelFlag: Int32Array;
}

/**
 * The decoding thread of a render: a track worker started ahead of the render (or a new one), given the jobs as
 * its first message. `close` waits until every file is published (or abandoned), then stops it.
 */
export class DecodeAhead {
  /** Audio id → its job. */
  readonly jobs: ReadonlyMap<string, AheadJob>;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly finished: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    jobs: Map<string, AheadJob>,
  ) {
    this.jobs = jobs;
    this.finished = new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.once("error", () => resolve());
      worker.once("exit", () => resolve());
    });
    // A thread that dies leaves its sources unfinished: their readers decode them (AheadSource fallback).
    const failAll = () => {
      for (const j of jobs.values()) {
        const p = new Int32Array(j.progress);
        if (Atomics.load(p, AHEAD_STATE) !== AHEAD_COMPLETE) publish(p, AHEAD_FAILED);
      }
    };
    worker.once("error", failAll);
    worker.once("exit", failAll);
    worker.postMessage({
      ahead: [...jobs.values()],
      cancelFlag: this.cancelFlag,
    } satisfies AheadRequest);
  }

  /** Starts decoding `fills` (audio id → its cache fill, paths of the sources beside) on another thread. */
  static start(fills: Readonly<Record<string, CacheFill>>, pathOf: (fill: CacheFill) => string): DecodeAhead {
    const jobs = new Map<string, AheadJob>();
    for (const [id, fill] of Object.entries(fills)) {
      jobs.set(id, {
        path: pathOf(fill),
        fill,
        progress: new SharedArrayBuffer(4 * AHEAD_WORDS),
      });
    }
    const worker =
      takePrestartedWorker("track-worker") ??
      startWorker(new URL("./track-worker.ts", import.meta.url), "track-worker", { workerData: null });
    return new DecodeAhead(worker, jobs);
  }

  /**
   * The source for audio `id` when it is decoded here (null otherwise).
   * @param openFallback opens it as the render would without this (see AheadSource).
   */
  source(id: string, sampleRate: number, openFallback: () => Promise<AudioSource>): AheadSource | null {
    const job = this.jobs.get(id);
    return job ? new AheadSource(job, sampleRate, openFallback) : null;
  }

  /**
   * Waits for the thread to publish every file, then stops it.
   * @param cancel the render stopped early: abandon the files instead.
   */
  async close(cancel = false): Promise<void> {
    if (cancel) Atomics.store(this.cancelFlag, 0, 1);
    await this.finished;
    await this.worker.terminate();
  }
}
