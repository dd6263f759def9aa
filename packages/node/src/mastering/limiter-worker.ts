/**
 * Worker side of the parallel limiter: limits one piece of the programme, in shared memory or in the
 * planar working files of a programme mastered from disk.
 */
import { parentPort } from "node:worker_threads";
import type { ProcessorJSON } from "@controlroom/engine";
import { limitFrames, limitSegment } from "@controlroom/engine/mastering/master.ts";
import { PlanarFile, type PlanarFiles } from "./planar-file.ts";

/** One piece to limit. `pre` and `out` are the channels' shared buffers, or `files` the working files. */
export interface LimitJob {
  pre?: SharedArrayBuffer[];
  out?: SharedArrayBuffer[];
  files?: PlanarFiles;
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
    if (job.files) {
      const f = job.files;
      const pre = PlanarFile.open(f.pre, f.frames, f.channels);
      const out = PlanarFile.open(f.out, f.frames, f.channels);
      try {
        const io = PlanarFile.limiterIO(pre, out);
        limitFrames(io, job.driveDb, job.limiter, job.sampleRate, job.from, job.to, job.warmFrames);
      } finally {
        pre.close();
        out.close();
      }
    } else if (job.pre && job.out) {
      const pre = job.pre.map((b) => new Float32Array(b));
      const out = job.out.map((b) => new Float32Array(b));
      limitSegment(pre, job.driveDb, job.limiter, out, job.sampleRate, job.from, job.to, job.warmFrames);
    } else throw new Error("a limiter job needs shared buffers or working files");
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage({ ok: false, message: (e as Error).message });
  }
});
