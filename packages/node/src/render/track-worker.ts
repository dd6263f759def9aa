/**
 * A worker thread that renders some of a session's tracks (sources, inserts, fader, pan, sends) block by
 * block into shared memory: the first worker (tracks 0 … m − 1) as sums per bus, the others as one buffer per
 * edge; the main thread adds them to its own tracks in track order and runs the buses and the master. Messages: in `{ k, n }` (render the block at processing clock k), out `{ done: true }` or
 * `{ error }`. Before the first block, while it would otherwise wait, it also decodes sources into the cache
 * for the main thread (`{ decode }`, one at a time: out `{ decodeProgress }`, then `{ decoded }`).
 * Started ahead of a render that keeps its tracks on the main thread, it decodes that render's sources just
 * ahead of it instead (first message `{ ahead }`, see decode-ahead.ts; out `{ done }` once every file is
 * published).
 */
import { parentPort, workerData } from "node:worker_threads";
import { type RenderOptions, SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { type AheadRequest, decodeAhead } from "./decode-ahead.ts";
import type { CacheFill } from "./decode-cache-fill.ts";
import type { DecodeJob } from "./decode-jobs.ts";
import { FileSourceProvider } from "./file-provider.ts";
import { loadSessionImpulseResponses } from "./impulse-responses.ts";
import type { TrackWorkerReply } from "./track-workers.ts";

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

/** What the main thread sends a worker (see the file's comment). */
export type TrackWorkerRequest =
  | { k: number; n: number }
  | { close: true }
  | { cacheFiles: Record<string, string>; fills: Record<string, CacheFill> }
  /** A source to decode into the cache (room made); `cancelFlag` nonzero once the render is cancelled. */
  | { decode: DecodeJob; cancelFlag: Int32Array };

const port = parentPort!;
// Started ahead of its render, it has time on its hands until the render has loaded and checked the session:
// it loads the FLAC reader and compiles its WebAssembly kernel meanwhile, which a render's first sources need
// (decoding ahead, the render waits for every source's first block: these took ~25 ms of that wait).
if (workerData === null) void warmUpFlac();
// Started ahead of its render (workers/prestart.ts): the data comes as the first message — or, when the render
// keeps its tracks on one thread, the sources to decode ahead of it (decode-ahead.ts).
const first =
  (workerData as TrackWorkerData | null) ??
  (await new Promise<{ init: TrackWorkerData } | AheadRequest>((resolve) => port.once("message", resolve)));
const post = (r: TrackWorkerReply) => port.postMessage(r);
if ("ahead" in first) {
  const { ahead, cancelFlag } = first;
  await decodeAhead(ahead, () => Atomics.load(cancelFlag, 0) !== 0);
  post({ done: true });
  port.close();
} else void renderTracks("init" in first ? first.init : first);

/** Renders this worker's tracks, block by block as the main thread asks (see the file's comment). */
async function renderTracks(data: TrackWorkerData): Promise<void> {
  try {
    // The decoded-cache files come by message before the first block (the sources are decoded while this starts,
    // and once it is ready, by it too: see TrackWorkers.decodeThreads).
    const provider = new FileSourceProvider(data.baseDir);
    const renderer = await SessionRenderer.create(data.session, provider, {
      ...data.options,
      trackMemory: data.memory,
      separateTrackOutputs: !data.sums,
    });
    await loadSessionImpulseResponses(renderer, data.baseDir);
    // Blocks arrive one at a time (the main thread waits for each), so a simple queue keeps them in order.
    let chain = Promise.resolve();
    port.on("message", (m: TrackWorkerRequest) => {
      chain = chain.then(async () => {
        if ("decode" in m) {
          const { cancelFlag } = m;
          // Loaded with the first job: the workers of a render whose sources are cached never decode into it.
          const { runDecodeJob } = await import("./decode-jobs.ts");
          const result = await runDecodeJob(
            m.decode,
            (seconds) => post({ decodeProgress: seconds }),
            () => Atomics.load(cancelFlag, 0) !== 0,
          ).catch(() => "failed" as const);
          post({ decoded: result });
          return;
        }
        if ("cacheFiles" in m) {
          // Sources decoded while this worker started, and those to fill while rendering; before the first block.
          provider.setCacheFiles(m.cacheFiles);
          provider.setFills(m.fills);
          return;
        }
        if ("close" in m) {
          // Closing the sources publishes the cache files filled here; the main thread waits for this reply.
          await renderer.close().catch(() => {});
          post({ done: true });
          port.close();
          return;
        }
        try {
          if (data.sums) await renderer.renderTrackSums(m.k, m.n, data.indices);
          else await renderer.renderTracks(m.k, m.n, data.indices);
          post({ done: true });
        } catch (e) {
          post({ error: (e as Error).message ?? String(e) });
        }
      });
    });
    post({ ready: true });
  } catch (e) {
    post({ error: (e as Error).message ?? String(e) });
  }
}

/** Loads the FLAC reader and compiles its kernel (see above); any failure is left for the real use to report. */
async function warmUpFlac(): Promise<void> {
  try {
    await import("../files/flac-reader.ts");
    const { FlacSubframeKernel } = await import("../files/flac-subframe-kernel.ts");
    FlacSubframeKernel.create(2, 0);
  } catch {}
}
