/**
 * Worker side of a pipelined `process`: runs the later part of a chain on blocks the main thread sends
 * (after running the earlier part itself), and sends each processed block back, in order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseChain } from "@controlroom/engine";

/** What the main thread gives the worker. */
export interface ChainWorkerData {
  /** The chain JSON of this segment. */
  chain: unknown[];
  sampleRate: number;
  /** Channels entering this segment. */
  channels: number;
}

const data = workerData as ChainWorkerData;
const port = parentPort;
if (!port) throw new Error("chain-worker must run in a worker thread");
const chain = parseChain(data.chain, { sampleRate: data.sampleRate, channels: data.channels });
const outChannels = chain.outputChannels;

port.on("message", (m: { id: number; frames: number; data: ArrayBuffer }) => {
  try {
    const input: Float32Array[] = [];
    for (let c = 0; c < data.channels; c++) input.push(new Float32Array(m.data, c * m.frames * 4, m.frames));
    const out = chain.process(input, m.frames);
    const result = new Float32Array(m.frames * outChannels);
    for (let c = 0; c < outChannels; c++) result.set(out[c].subarray(0, m.frames), c * m.frames);
    port.postMessage({ id: m.id, frames: m.frames, data: result.buffer }, [result.buffer]);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message });
  }
});
