import { ParamError, type ParamSpecs } from "../core/params.ts";
import type { Processor, ProcessorContext, ProcessorJSON } from "../core/processor.ts";
import { isPlusZero } from "../core/silence.ts";
import { BUILT_IN_PROCESSORS } from "./processors.ts";

/** How a processor type is made from its JSON. */
export interface ProcessorFactory {
  /** The JSON `type`, e.g. `compressor`. */
  type: string;
  /** One line for help text. */
  description: string;
  /** Its parameters (units, ranges, defaults). */
  specs: ParamSpecs;
  /** Makes one; `params` is the JSON object without `type`/`bypass`. Throws ParamError on bad values. */
  create(ctx: ProcessorContext, params: Record<string, unknown>): Processor;
}

/** The processor types the chain parser knows: the built-in table, then any added by `registerProcessor`. */
const registry = new Map<string, ProcessorFactory>(BUILT_IN_PROCESSORS.map((f) => [f.type, f]));

/** Adds a processor type (or replaces one of the same `type`) in the registry the chain parser knows. */
export function registerProcessor(f: ProcessorFactory): void {
  registry.set(f.type, f);
}

/** The registered processor types, in registration order. */
export function processorTypes(): ProcessorFactory[] {
  return [...registry.values()];
}

/** The factory for a type, or undefined. */
export function processorFactory(type: string): ProcessorFactory | undefined {
  return registry.get(type);
}

/**
 * A chain of processors run in series: `[{ "type": "eq", ... }, { "type": "compressor", ... }]`.
 * Channel counts flow through (a mono pan makes the rest of the chain stereo); latency adds up.
 */
export class Chain {
  readonly processors: Processor[];
  readonly sampleRate: number;
  readonly channels: number;
  private buffers: Float32Array[][] = [];
  /**
   * Pass over a processor at rest (`quiescent`) whose input is silence (+0), writing silence (default false; the
   * output is the same either way): a filter whose tail has died out ahead of a compressor still recovering.
   */
  skipSilentInput = false;

  constructor(ctx: ProcessorContext, processors: Processor[]) {
    this.sampleRate = ctx.sampleRate;
    this.channels = ctx.channels;
    this.processors = processors;
  }

  /** Channels coming out of the last processor. */
  get outputChannels(): number {
    return this.processors.length
      ? this.processors[this.processors.length - 1].outputChannels
      : this.channels;
  }

  /** Total latency in samples (sum of the processors'). */
  /** True when every processor is `quiescent`: silence in, silence out, nothing changes (a host may skip). */
  get quiescent(): boolean {
    for (const p of this.processors) if (!p.quiescent) return false;
    return true;
  }

  /** Passes over `frames` samples of silence while `quiescent` (see Processor.skip). */
  skip(frames: number): void {
    for (const p of this.processors) p.skip(frames);
  }

  get latency(): number {
    let l = 0;
    for (const p of this.processors) l += p.latency;
    return l;
  }

  /**
   * Processes `frames` frames of `input` and returns the output channels (`outputChannels` arrays of at least
   * `frames` samples). The returned arrays belong to the chain and are reused on the next call. The input is
   * not modified.
   */
  process(input: readonly Float32Array[], frames: number): Float32Array[] {
    let cur: readonly Float32Array[] = input;
    for (let k = 0; k < this.processors.length; k++) {
      const p = this.processors[k];
      const out = this.buffer(k, p.outputChannels, frames);
      if (this.skipSilentInput && p.quiescent && plusZero(cur, frames)) {
        for (const x of out) x.fill(0, 0, frames);
        p.skip(frames);
      } else p.process(cur, out, frames);
      cur = out;
    }
    if (this.processors.length === 0) {
      const out = this.buffer(0, this.channels, frames);
      for (let c = 0; c < this.channels; c++) out[c].set(input[c].subarray(0, frames));
      return out;
    }
    return cur as Float32Array[];
  }

  reset(): void {
    for (const p of this.processors) p.reset();
  }

  toJSON(): ProcessorJSON[] {
    return this.processors.map((p) => p.toJSON());
  }

  private buffer(k: number, channels: number, frames: number): Float32Array[] {
    let b = this.buffers[k];
    if (!b || b.length !== channels || b[0].length < frames) {
      b = Array.from({ length: channels }, () => new Float32Array(Math.max(frames, b?.[0]?.length ?? 0)));
      this.buffers[k] = b;
    }
    return b;
  }
}

/** True when every channel's first `frames` samples are +0, as the renderer's silence test reads it. */
function plusZero(x: readonly Float32Array[], frames: number): boolean {
  for (const c of x) if (!isPlusZero(new Int32Array(c.buffer, c.byteOffset, frames), frames)) return false;
  return true;
}

/**
 * Builds a chain from its JSON. Every problem is a ParamError whose path names the processor index and
 * parameter, e.g. `chain[2].ratio (compressor): must be between 1 and 100, got 0`.
 */
export function parseChain(json: unknown, ctx: ProcessorContext, path = "chain"): Chain {
  if (!Array.isArray(json)) {
    throw new ParamError(
      path,
      `must be a JSON array of processors like [{"type":"gain","db":-3}], got ${describe(json)}`,
    );
  }
  const processors: Processor[] = [];
  let channels = ctx.channels;
  for (const [i, item] of json.entries()) {
    const at = `${path}[${i}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new ParamError(at, `must be an object with a "type", got ${describe(item)}`);
    }
    const { type, bypass, ...params } = item as Record<string, unknown>;
    if (typeof type !== "string")
      throw new ParamError(`${at}.type`, 'is missing (every processor needs a "type")');
    const f = registry.get(type);
    if (!f) {
      throw new ParamError(
        `${at}.type`,
        `unknown processor "${type}" (known: ${[...registry.keys()].join(", ")})`,
      );
    }
    if (bypass !== undefined && typeof bypass !== "boolean") {
      throw new ParamError(`${at}.bypass`, `must be true or false, got ${describe(bypass)}`);
    }
    let p: Processor;
    try {
      p = f.create({ sampleRate: ctx.sampleRate, channels }, params);
    } catch (e) {
      if (e instanceof ParamError) {
        // Processor errors say `compressor.ratio`; re-anchor them to the chain position.
        const dot = e.path.indexOf(".");
        const rest = dot >= 0 ? e.path.slice(dot) : "";
        throw new ParamError(`${at}${rest} (${type})`, e.message.slice(e.path.length + 2));
      }
      if (e instanceof RangeError) throw new ParamError(`${at} (${type})`, e.message);
      throw e;
    }
    if (bypass) p.setBypass(true, true);
    processors.push(p);
    channels = p.outputChannels;
  }
  return new Chain(ctx, processors);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
