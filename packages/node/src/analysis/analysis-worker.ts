/**
 * Worker side of the parallel analysis: runs one Analyzer over the blocks the main thread reads, with the
 * measurement groups it was given, and returns its partial report.
 */
import { parentPort } from "node:worker_threads";
import { Analyzer, type AnalyzerOptions } from "@controlroom/engine/analysis/index.ts";

/**
 * Messages the main thread sends: `init` starts a file (a worker serves file after file), a block is an
 * ordinary buffer, transferred, and sent back with the ack; `finish` asks for the file's report.
 */
export type ToWorker =
  | { type: "init"; options: AnalyzerOptions }
  | { type: "block"; id: number; frames: number; stride: number; data: ArrayBuffer }
  | { type: "finish" };

const port = parentPort;
if (!port) throw new Error("analysis-worker must run in a worker thread");
let analyzer: Analyzer | null = null;
let channels = 0;

port.on("message", (m: ToWorker) => {
  try {
    if (m.type === "init") {
      analyzer = new Analyzer(m.options);
      channels = m.options.channels;
    } else if (m.type === "block") {
      if (!analyzer) throw new Error("a block before init");
      const chans: Float32Array[] = [];
      for (let c = 0; c < channels; c++) chans.push(new Float32Array(m.data, c * m.stride * 4, m.frames));
      analyzer.process(chans, m.frames);
      port.postMessage({ type: "ack", id: m.id, data: m.data }, [m.data]);
    } else {
      if (!analyzer) throw new Error("finish before init");
      port.postMessage({ type: "report", report: analyzer.finish() });
      analyzer = null;
    }
  } catch (e) {
    port.postMessage({ type: "error", message: (e as Error).message });
  }
});
