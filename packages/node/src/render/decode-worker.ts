/**
 * A worker thread decoding compressed sources into the decoded-audio cache (decode-jobs.ts), so a render's
 * sources are prepared several at once. It takes one job at a time from the main thread, which makes room in
 * the cache folder before handing it out; each cache file is written and published atomically as on the main
 * thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  type DecodeJob,
  type DecodeWorkerData,
  type DecodeWorkerMessage,
  runDecodeJob,
} from "./decode-jobs.ts";
import type { DecodeOutcome } from "./decode-to-cache.ts";

const port = parentPort!;
const { cancelFlag } = workerData as DecodeWorkerData;
const post = (m: DecodeWorkerMessage) => port.postMessage(m);

port.on("message", async (job: DecodeJob) => {
  const result: DecodeOutcome = await runDecodeJob(
    job,
    (seconds) => post({ type: "progress", seconds }),
    () => Atomics.load(cancelFlag, 0) !== 0,
  ).catch(() => "failed" as const);
  post({ type: "done", result });
});
post({ type: "ready" });
