/**
 * The worker thread of `ThreadedWriters` (writer-thread.ts): owns a group of audio writers and writes the
 * blocks the main thread hands over, answering every request in order. After the first failure every file is
 * abandoned (temporary files removed) and each later request is answered with that failure.
 */
import { parentPort } from "node:worker_threads";
import { AudioFileError, type AudioWriter } from "./types.ts";
import { createAudioWriter } from "./write.ts";
import type { ThreadedFile, WriterReply, WriterRequest } from "./writer-thread.ts";

const port = parentPort!;
let files: ThreadedFile[] = [];
let writers: AudioWriter[] = [];
let failure: WriterReply | null = null;

/** Planar views of one `write` request's data: per file, its channels (`stride` floats apart). */
function split(data: Float32Array, frames: number, stride: number): Float32Array[][] {
  let at = 0;
  return files.map((f) =>
    Array.from({ length: f.options.channels }, () => {
      const x = data.subarray(at, at + frames);
      at += stride;
      return x;
    }),
  );
}

async function handle(m: WriterRequest): Promise<void> {
  switch (m.type) {
    case "open":
      files = m.files;
      for (const f of files) writers.push(await createAudioWriter(f.path, f.options));
      return;
    case "write": {
      const blocks = split(m.data, m.frames, m.stride);
      for (const [i, w] of writers.entries()) await w.write(blocks[i], m.frames);
      return;
    }
    case "close":
      for (const w of writers) await w.close();
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

// Requests run one after another, in the order they came.
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
      if (m.type === "write")
        port.postMessage({ type: "ok", data: m.data } satisfies WriterReply, [m.data.buffer as ArrayBuffer]);
      else port.postMessage({ type: "ok" } satisfies WriterReply);
    } catch (e) {
      const err = e as Error;
      failure = {
        type: "error",
        file: err instanceof AudioFileError ? err.file : null,
        message: err?.message ?? String(e),
      };
      await abortAll();
      port.postMessage(failure);
    }
  });
});
