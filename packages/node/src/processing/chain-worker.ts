/**
 * Worker side of a pipelined `process`: runs the later part of a chain on blocks the main thread puts in the
 * shared ring (after running the earlier part itself), slot after slot in order, writing each result into
 * the same slot. It waits on the slots' control words, so it needs no messages; a failure is posted (with
 * its message) and the slot marked failed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseChain } from "@controlroom/engine";
import { type ChainRing, SLOT_DONE, SLOT_FAILED, SLOT_FULL, slotChannels } from "./pipelined-chain.ts";

/** What the main thread gives the worker. */
export interface ChainWorkerData {
  /** The chain JSON of this segment. */
  chain: unknown[];
  sampleRate: number;
  ring: ChainRing;
}

const data = workerData as ChainWorkerData;
const port = parentPort;
if (!port) throw new Error("chain-worker must run in a worker thread");
const { ring } = data;
const control = new Int32Array(ring.control);
const audio = new Float32Array(ring.audio);
const STOP = 2 * ring.slots;
const chain = parseChain(data.chain, { sampleRate: data.sampleRate, channels: ring.inChannels });

for (let slot = 0; ; slot = (slot + 1) % ring.slots) {
  while (Atomics.load(control, slot) !== SLOT_FULL) {
    if (Atomics.load(control, STOP)) process.exit(0);
    Atomics.wait(control, slot, Atomics.load(control, slot), 200);
  }
  if (Atomics.load(control, STOP)) process.exit(0);
  const frames = control[ring.slots + slot];
  try {
    const out = chain.process(slotChannels(ring, audio, slot, "in", frames), frames);
    const into = slotChannels(ring, audio, slot, "out", frames);
    for (let c = 0; c < into.length; c++) into[c].set(out[c].subarray(0, frames));
    Atomics.store(control, slot, SLOT_DONE);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
    Atomics.store(control, slot, SLOT_FAILED);
  }
  Atomics.notify(control, slot);
}
