/** Worker side of the parallel limiter: limits one piece of the programme in shared memory. */
import { parentPort } from "node:worker_threads";
import type { ProcessorJSON } from "@controlroom/engine";
import { limitSegment } from "@controlroom/engine/mastering/master.ts";

/** One piece to limit. `pre` and `out` are the channels' shared buffers. */
export interface LimitJob {
  pre: SharedArrayBuffer[];
  out: SharedArrayBuffer[];
  driveDb: number;
  limiter: ProcessorJSON;
  sampleRate: number;
  from: number;
  to: number;
  warmFrames: number;
}

const port = parentPort;
if (!port) throw new Error("limiter-worker must run in a worker thread");
port.on("message", (job: LimitJob) => {
  try {
    const pre = job.pre.map((b) => new Float32Array(b));
    const out = job.out.map((b) => new Float32Array(b));
    limitSegment(pre, job.driveDb, job.limiter, out, job.sampleRate, job.from, job.to, job.warmFrames);
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage({ ok: false, message: (e as Error).message });
  }
});
