/**
 * A worker thread that renders some of a session's tracks (sources, inserts, fader, pan, sends) block by
 * block into shared memory: the first worker (tracks 0 … m − 1) as sums per bus, the others as one buffer per
 * edge; the main thread adds them to its own tracks in track order and runs the buses and the master. Messages: in `{ k, n }` (render the block at processing clock k), out `{ done: true }` or
 * `{ error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type RenderOptions, SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import type { CacheFill } from "./decode-cache-fill.ts";
import { FileSourceProvider } from "./file-provider.ts";
import { loadSessionImpulseResponses } from "./impulse-responses.ts";

/** What the main thread hands a worker. */
export interface TrackWorkerData {
  session: Session;
  baseDir: string;
  options: Pick<
    RenderOptions,
    "start" | "end" | "section" | "tailSeconds" | "preRollSeconds" | "blockFrames" | "stems"
  >;
  indices: number[];
  /** Deliver the tracks summed per destination (the first worker, tracks 0 … m − 1) instead of per edge. */
  sums: boolean;
  memory: SharedArrayBuffer;
}

const data = workerData as TrackWorkerData;
const port = parentPort!;
try {
  // The decoded-cache files come by message before the first block (the main thread decodes while this starts;
  // the worker never decodes into the cache itself).
  const provider = new FileSourceProvider(data.baseDir);
  const renderer = await SessionRenderer.create(data.session, provider, {
    ...data.options,
    trackMemory: data.memory,
    separateTrackOutputs: !data.sums,
  });
  await loadSessionImpulseResponses(renderer, data.baseDir);
  // Blocks arrive one at a time (the main thread waits for each), so a simple queue keeps them in order.
  let chain = Promise.resolve();
  port.on(
    "message",
    (
      m:
        | { k: number; n: number }
        | { close: true }
        | { cacheFiles: Record<string, string>; fills: Record<string, CacheFill> },
    ) => {
      chain = chain.then(async () => {
        if ("cacheFiles" in m) {
          // Sources decoded while this worker started, and those to fill while rendering; before the first block.
          provider.setCacheFiles(m.cacheFiles);
          provider.setFills(m.fills);
          return;
        }
        if ("close" in m) {
          // Closing the sources publishes the cache files filled here; the main thread waits for this reply.
          await renderer.close().catch(() => {});
          port.postMessage({ done: true });
          port.close();
          return;
        }
        try {
          if (data.sums) await renderer.renderTrackSums(m.k, m.n, data.indices);
          else await renderer.renderTracks(m.k, m.n, data.indices);
          port.postMessage({ done: true });
        } catch (e) {
          port.postMessage({ error: (e as Error).message ?? String(e) });
        }
      });
    },
  );
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ error: (e as Error).message ?? String(e) });
}
