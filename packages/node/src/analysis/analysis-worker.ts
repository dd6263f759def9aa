/**
 * Worker side of the parallel analysis: runs one Analyzer over the blocks the main thread reads, with the
 * measurement groups it was given, and returns its partial report.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Analyzer, type AnalyzerOptions } from "@controlroom/engine/analysis/index.ts";

/** Messages the main thread sends: a block is an ordinary buffer, transferred, and sent back with the ack. */
export type ToWorker =
  | { type: "block"; id: number; frames: number; stride: number; data: ArrayBuffer }
  | { type: "finish" };

const opts = workerData as AnalyzerOptions;
const analyzer = new Analyzer(opts);
const port = parentPort;
if (!port) throw new Error("analysis-worker must run in a worker thread");

port.on("message", (m: ToWorker) => {
  try {
    if (m.type === "block") {
      const chans: Float32Array[] = [];
      for (let c = 0; c < opts.channels; c++)
        chans.push(new Float32Array(m.data, c * m.stride * 4, m.frames));
      analyzer.process(chans, m.frames);
      port.postMessage({ type: "ack", id: m.id, data: m.data }, [m.data]);
    } else {
      port.postMessage({ type: "report", report: analyzer.finish() });
    }
  } catch (e) {
    port.postMessage({ type: "error", message: (e as Error).message });
  }
});
