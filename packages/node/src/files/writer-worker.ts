/**
 * The worker thread of `ThreadedWriters` (writer-thread.ts): owns a group of audio writers and writes the
 * batches the main thread puts in the shared ring, in order, until it is told the ring is closing (every batch
 * written) or aborting. Requests (open, close, abort) are answered in order; close and abort only once the
 * ring is done with. After the first failure every file is abandoned (temporary files removed), the failure
 * is posted, and each later request is answered with it.
 */
import { parentPort } from "node:worker_threads";
import { AudioFileError, type AudioWriter } from "./types.ts";
import { closeWriters, createAudioWriter } from "./write.ts";
import {
  RING_ABORTING,
  RING_CLOSING,
  RING_END,
  RING_FAILED,
  RING_FRAMES,
  RING_POSTED,
  RING_SIGNAL,
  RING_WRITTEN,
  type WriterReply,
  type WriterRequest,
  type WriterRing,
} from "./writer-thread.ts";

const port = parentPort!;
let writers: AudioWriter[] = [];
let failure: WriterReply | null = null;

/** Writes every batch handed over, in order, until the ring closes or aborts (or a write fails). */
async function pump(ring: WriterRing, channels: number[]): Promise<void> {
  const control = new Int32Array(ring.control);
  const audio = new Float32Array(ring.audio);
  // Per slot, per file: its channels' views (full slot length; a batch may fill only part of them).
  const views = Array.from({ length: ring.slots }, (_, slot) => {
    let at = slot * ring.capacity * ring.channels;
    return channels.map((n) =>
      Array.from({ length: n }, () => {
        const x = audio.subarray(at, at + ring.capacity);
        at += ring.capacity;
        return x;
      }),
    );
  });
  for (let written = 0; ; ) {
    // Read before the tests: a hand-over or an end after them changes it, so the wait below returns at once.
    const signal = Atomics.load(control, RING_SIGNAL);
    const end = Atomics.load(control, RING_END);
    if (end === RING_ABORTING) return;
    if (Atomics.load(control, RING_POSTED) > written) {
      const slot = written % ring.slots;
      const frames = control[RING_FRAMES + slot];
      for (const [i, w] of writers.entries()) await w.write(views[slot][i], frames);
      written++;
      Atomics.store(control, RING_WRITTEN, written);
      Atomics.notify(control, RING_WRITTEN);
      continue;
    }
    if (end === RING_CLOSING) return;
    // Nothing else to do meanwhile: requests come only after RING_END is set.
    Atomics.wait(control, RING_SIGNAL, signal);
  }
}

async function handle(m: WriterRequest): Promise<void> {
  switch (m.type) {
    case "open":
      for (const f of m.files) writers.push(await createAudioWriter(f.path, f.options));
      return;
    case "close":
      // Together: each waits for its own fsyncs and its folder's, which overlap on the thread pool (one after
      // another, seven stems' folder syncs were ~30 ms after the last block).
      // Every close settles before a failure is reported (and the files are abandoned).
      await closeWriters(writers);
      return;
    case "abort":
      await abortAll();
      return;
  }
}

async function abortAll(): Promise<void> {
  for (const w of writers) await w.abort().catch(() => {});
  writers = [];
}

function failureOf(e: unknown): WriterReply & { type: "error" } {
  const err = e as Error;
  return {
    type: "error",
    file: err instanceof AudioFileError ? err.file : null,
    message: err?.message ?? String(e),
  };
}

// Requests run one after another, in the order they came; the ring is pumped between `open` and the next.
let chain = Promise.resolve();
port.on("message", (m: WriterRequest) => {
  chain = chain.then(async () => {
    if (failure) {
      if (m.type === "abort") await abortAll();
      port.postMessage(m.type === "abort" ? { type: "ok" } : failure);
      return;
    }
    try {
      await handle(m);
      port.postMessage({ type: "ok" } satisfies WriterReply);
    } catch (e) {
      failure = failureOf(e);
      await abortAll();
      port.postMessage(failure);
      return;
    }
    if (m.type !== "open") return;
    try {
      await pump(
        m.ring,
        m.files.map((f) => f.options.channels),
      );
    } catch (e) {
      const f = failureOf(e);
      failure = f;
      await abortAll();
      port.postMessage({ ...f, type: "failed" } satisfies WriterReply);
      // After the message: the main thread, finding the flag, waits for the message naming the file.
      const control = new Int32Array(m.ring.control);
      Atomics.store(control, RING_FAILED, 1);
      Atomics.notify(control, RING_WRITTEN);
    }
  });
});
