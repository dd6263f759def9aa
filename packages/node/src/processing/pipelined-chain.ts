import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { Chain, type ProcessorContext } from "@controlroom/engine";
import { startWorker, waitAsync } from "../workers/worker-entry.ts";

/**
 * Rough cost of each processor type per stereo frame at 48 kHz (ns, from `npm run bench:dsp`), used only to
 * decide where to cut a chain between two threads. Unknown types count as cheap. The compressor, reverb and
 * I/O figures were re-measured per thread for bench:dsp's chain (CPU seconds of each processor on 10 minutes,
 * scaled to the EQ's 0.9): the compressor now costs less than the EQ and the hall reverb 4.5 times the EQ,
 * so that chain is cut after the compressor, leaving the reverb alone on the worker.
 */
const COST: Record<string, number> = {
  eq: 0.9,
  compressor: 0.85,
  gate: 1.2,
  deesser: 3.2,
  transient: 2.5,
  multiband: 7,
  limiter: 14,
  delay: 1.1,
  reverb: 4,
  saturation: 25,
  pitch: 33,
  dither: 0.5,
};
/** Reading, decoding, dithering and writing, in the same units: the main thread always does these. */
const IO_COST = 2.8;
/** Blocks in flight to the worker: enough to keep both threads busy, bounded so memory stays flat. */
const DEPTH = 8;

function cost(json: unknown): number {
  const t = (json as { type?: unknown }).type;
  const c = typeof t === "string" ? (COST[t] ?? 0.3) : 0.3;
  return t === "eq" && (json as { mode?: unknown }).mode === "linear" ? 7 : c;
}

/**
 * Where to cut a chain so the main thread (I/O plus the first part) and a worker (the rest) carry about
 * the same load, or null when a cut would not pay (short input, one core, a cheap chain, or an impulse
 * response to load after the cut).
 */
export function chooseCut(json: unknown[], frames: number | null, sampleRate: number): number | null {
  if (json.length < 2 || availableParallelism() < 2) return null;
  if (frames !== null && frames < sampleRate * 30) return null;
  const costs = json.map(cost);
  const total = costs.reduce((a, b) => a + b, 0);
  let best: number | null = null;
  let bestLoad = IO_COST + total;
  let head = 0;
  for (let k = 1; k < json.length; k++) {
    head += costs[k - 1];
    const load = Math.max(IO_COST + head, total - head);
    if (load < bestLoad) {
      bestLoad = load;
      best = k;
    }
  }
  if (best === null || bestLoad > 0.8 * (IO_COST + total)) return null;
  // The worker reads no files: an impulse response after the cut keeps the chain on one thread.
  if (json.slice(best).some((p) => (p as { type?: unknown }).type === "convolution")) return null;
  return best;
}

type Emit = (out: Float32Array[], frames: number) => Promise<void>;

/** Slot states in the control words (one Int32 per slot). */
export const SLOT_FREE = 0;
export const SLOT_FULL = 1;
export const SLOT_DONE = 2;
export const SLOT_FAILED = 3;

/**
 * The memory the two threads share: DEPTH slots, each with room for one block in (the head's output) and
 * one block out (the tail's output), planar; control words hold each slot's state and frame count, and a
 * stop flag. Blocks move through it without a message or an allocation per block (posting 64 KiB blocks
 * cost the main thread ~0.1 ms each, and fresh buffers page faults).
 */
export interface ChainRing {
  /** Per slot: state (0…DEPTH−1), frames (DEPTH…2·DEPTH−1); then the stop flag (2·DEPTH). */
  control: SharedArrayBuffer;
  /** Per slot: `capacity · inChannels` input floats, then `capacity · outChannels` output floats. */
  audio: SharedArrayBuffer;
  slots: number;
  /** Frames per slot. */
  capacity: number;
  inChannels: number;
  outChannels: number;
}

/** Views of one slot's input or output channels, `frames` long. */
export function slotChannels(
  ring: ChainRing,
  audio: Float32Array,
  slot: number,
  side: "in" | "out",
  frames: number,
): Float32Array[] {
  const per = ring.capacity * (ring.inChannels + ring.outChannels);
  const base = slot * per + (side === "in" ? 0 : ring.capacity * ring.inChannels);
  const n = side === "in" ? ring.inChannels : ring.outChannels;
  return Array.from({ length: n }, (_, c) =>
    audio.subarray(base + c * ring.capacity, base + c * ring.capacity + frames),
  );
}

/**
 * A chain cut in two: the first part runs here, the rest on a worker thread, block by block with up to
 * DEPTH blocks in flight through shared memory. Output equals the uncut chain's exactly (same processors,
 * same order, same blocks).
 */
export class PipelinedChain {
  private readonly head: Chain;
  private readonly worker: Worker;
  private readonly ring: ChainRing;
  private readonly control: Int32Array;
  private readonly audio: Float32Array;
  /** Blocks sent and not yet emitted, oldest first, by slot. */
  private readonly inFlight: number[] = [];
  private nextSlot = 0;
  private failure: Error | null = null;

  /**
   * @param ctx the chain's input format.
   * @param chain the whole chain, already made and validated (its first `cut` processors are used here).
   * @param json the chain's JSON; the worker builds the processors from `json.slice(cut)`.
   * @param capacity the most frames `process` is given at once.
   */
  constructor(ctx: ProcessorContext, chain: Chain, json: unknown[], cut: number, capacity: number) {
    this.head = new Chain(ctx, chain.processors.slice(0, cut));
    const inChannels = this.head.outputChannels;
    const outChannels = chain.outputChannels;
    this.ring = {
      control: new SharedArrayBuffer(4 * (2 * DEPTH + 1)),
      audio: new SharedArrayBuffer(4 * DEPTH * capacity * (inChannels + outChannels)),
      slots: DEPTH,
      capacity,
      inChannels,
      outChannels,
    };
    this.control = new Int32Array(this.ring.control);
    this.audio = new Float32Array(this.ring.audio);
    this.worker = startWorker(new URL("./chain-worker.ts", import.meta.url), "chain-worker", {
      workerData: { chain: json.slice(cut), sampleRate: ctx.sampleRate, ring: this.ring },
    });
    this.worker.on("message", (m: { error?: string }) => {
      if (m.error !== undefined) this.failure ??= new Error(`processing failed: ${m.error}`);
    });
    this.worker.on("error", (e) => {
      this.failure ??= e;
    });
    this.worker.on("exit", (code) => {
      if (code !== 0) this.failure ??= new Error(`processing worker exited with code ${code}`);
    });
  }

  /** Runs one block; finished blocks (in order) go to `emit`. */
  async process(input: Float32Array[], frames: number, emit: Emit): Promise<void> {
    if (this.failure) throw this.failure;
    if (frames > this.ring.capacity)
      throw new RangeError(`a block of ${frames} frames is more than the ${this.ring.capacity} set up`);
    if (this.inFlight.length === this.ring.slots) await this.emitOne(emit);
    const mid = this.head.process(input, frames);
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.ring.slots;
    const into = slotChannels(this.ring, this.audio, slot, "in", frames);
    for (let c = 0; c < into.length; c++) into[c].set(mid[c].subarray(0, frames));
    this.control[this.ring.slots + slot] = frames;
    Atomics.store(this.control, slot, SLOT_FULL);
    Atomics.notify(this.control, slot);
    this.inFlight.push(slot);
  }

  /** Waits for every block still in flight and emits it. */
  async finish(emit: Emit): Promise<void> {
    while (this.inFlight.length) await this.emitOne(emit);
  }

  private async emitOne(emit: Emit): Promise<void> {
    const slot = this.inFlight.shift() as number;
    for (;;) {
      const state = Atomics.load(this.control, slot);
      if (state === SLOT_DONE) break;
      if (this.failure) throw this.failure;
      if (state === SLOT_FAILED) {
        // The worker posts its message before it marks the slot; the message may still be on its way.
        await new Promise((r) => setTimeout(r, 5));
        throw this.failure ?? new Error("processing failed");
      }
      // Wake at least every 200 ms to notice a worker that died without marking the slot.
      const w = waitAsync(this.control, slot, state, 200);
      if (w.async) await w.value;
    }
    const frames = this.control[this.ring.slots + slot];
    await emit(slotChannels(this.ring, this.audio, slot, "out", frames), frames);
    // The output has been consumed (written or resampled into buffers of its own): the slot is free again.
    Atomics.store(this.control, slot, SLOT_FREE);
  }

  close(): Promise<number> {
    Atomics.store(this.control, 2 * this.ring.slots, 1);
    for (let i = 0; i < this.ring.slots; i++) Atomics.notify(this.control, i);
    return this.worker.terminate();
  }
}
