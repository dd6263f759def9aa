/** A worker thread running one job: receives {kind, input, blobRoot}, posts progress and then a result or an error. */
import { parentPort, workerData } from "node:worker_threads";
import { runJob } from "./run-job.ts";

const { kind, input, blobRoot } = workerData as { kind: string; input: unknown; blobRoot: string };
try {
  const result = await runJob(kind, input, {
    blobRoot,
    progress: (p) => parentPort?.postMessage({ type: "progress", progress: p }),
  });
  parentPort?.postMessage({ type: "result", result });
} catch (e) {
  parentPort?.postMessage({ type: "error", error: (e as Error).message });
}
