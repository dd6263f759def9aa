import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { Chain, type ProcessorContext } from "@controlroom/engine";
import { startWorker } from "../workers/worker-entry.ts";

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

/**
 * A chain cut in two: the first part runs here, the rest on a worker thread, block by block with up to
 * DEPTH blocks in flight. Output equals the uncut chain's exactly (same processors, same order, same blocks).
 */
export class PipelinedChain {
  private readonly head: Chain;
  private readonly worker: Worker;
  private readonly outChannels: number;
  private nextId = 0;
  private readonly pending: Promise<{ frames: number; data: ArrayBuffer }>[] = [];
  private readonly waiters = new Map<
    number,
    { resolve: (v: { frames: number; data: ArrayBuffer }) => void; reject: (e: Error) => void }
  >();
  private failure: Error | null = null;

  /**
   * @param ctx the chain's input format.
   * @param chain the whole chain, already made and validated (its first `cut` processors are used here).
   * @param json the chain's JSON; the worker builds the processors from `json.slice(cut)`.
   */
  constructor(ctx: ProcessorContext, chain: Chain, json: unknown[], cut: number) {
    this.head = new Chain(ctx, chain.processors.slice(0, cut));
    this.outChannels = chain.outputChannels;
    this.worker = startWorker(new URL("./chain-worker.ts", import.meta.url), "chain-worker", {
      workerData: {
        chain: json.slice(cut),
        sampleRate: ctx.sampleRate,
        channels: this.head.outputChannels,
      },
    });
    this.worker.on("message", (m: { id: number; frames?: number; data?: ArrayBuffer; error?: string }) => {
      const w = this.waiters.get(m.id);
      this.waiters.delete(m.id);
      if (m.error !== undefined || !m.data) w?.reject(new Error(`processing failed: ${m.error}`));
      else w?.resolve({ frames: m.frames ?? 0, data: m.data });
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiters.values()) w.reject(e);
      this.waiters.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`processing worker exited with code ${code}`));
    });
  }

  /** Runs one block; finished blocks (in order) go to `emit`. */
  async process(input: Float32Array[], frames: number, emit: Emit): Promise<void> {
    if (this.failure) throw this.failure;
    const mid = this.head.process(input, frames);
    const buf = new Float32Array(frames * this.head.outputChannels);
    for (let c = 0; c < this.head.outputChannels; c++) buf.set(mid[c].subarray(0, frames), c * frames);
    const id = this.nextId++;
    const result = new Promise<{ frames: number; data: ArrayBuffer }>((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
    });
    result.catch(() => {});
    this.pending.push(result);
    this.worker.postMessage({ id, frames, data: buf.buffer }, [buf.buffer]);
    while (this.pending.length > DEPTH) await this.emitOne(emit);
  }

  /** Waits for every block still in flight and emits it. */
  async finish(emit: Emit): Promise<void> {
    while (this.pending.length) await this.emitOne(emit);
  }

  private async emitOne(emit: Emit): Promise<void> {
    const r = await (this.pending.shift() as Promise<{ frames: number; data: ArrayBuffer }>);
    const out: Float32Array[] = [];
    for (let c = 0; c < this.outChannels; c++) out.push(new Float32Array(r.data, c * r.frames * 4, r.frames));
    await emit(out, r.frames);
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
