import { ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import type { ProcessorFactory } from "../chain.ts";

/** Largest delay in samples (any one parameter; ~20 s at 48 kHz). */
export const MAX_DELAY_SAMPLES = 1_000_000;

export interface SampleDelayParams extends Record<string, unknown> {
  /** Whole samples of delay on every channel, 0 … 1 000 000. */
  samples: number;
  /** Extra delay on every channel in ms, 0 … 10 000, rounded to the nearest whole sample. */
  ms: number;
  /** Extra whole samples per channel (`[0, 37]` delays the right by 37 more); missing entries are 0. */
  channelSamples: number[];
}

export const SAMPLE_DELAY_SPECS: ParamSpecs = {
  samples: {
    kind: "number",
    unit: "samples",
    min: 0,
    max: MAX_DELAY_SAMPLES,
    default: 0,
    description: "Whole samples of delay on every channel",
  },
  ms: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 10000,
    default: 0,
    description: "Extra delay, rounded to whole samples",
  },
  channelSamples: {
    kind: "list",
    default: [],
    description: "Extra whole samples per channel, e.g. [0, 37]",
    validate: (path, value) => {
      const list = value as unknown[];
      if (list.length > 64) throw new ParamError(path, `has at most 64 entries, got ${list.length}`);
      for (const [i, v] of list.entries()) checkWhole(`${path}[${i}]`, v);
    },
  },
};

function checkWhole(path: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_DELAY_SAMPLES) {
    throw new ParamError(
      path,
      `must be a whole number of samples between 0 and ${MAX_DELAY_SAMPLES}, got ${JSON.stringify(v)}`,
    );
  }
}

/** Changing the delay while playing crossfades old → new over this long, seconds. */
const FADE_SECONDS = 0.01;

/**
 * Whole-sample delay for alignment and delay compensation: `{"type":"sampledelay","samples":37}`,
 * `{"type":"sampledelay","channelSamples":[0,12]}`, `{"type":"sampledelay","ms":1.5}`. Channel c is delayed
 * by samples + round(ms · rate / 1000) + channelSamples[c], exactly (output[n] = input[n − d]).
 * The delay is the effect, not latency: `latency` is 0, so hosts do not compensate it away. A change while
 * playing crossfades the old and new delay over 10 ms (a change to a delay longer than both one second and
 * any delay used before starts with silence for the part not yet recorded).
 */
export class SampleDelay extends Processor<SampleDelayParams> {
  readonly type = "sampledelay";
  /** One ring per channel, a power of two long; `pos` is the next write index. */
  private rings: Float32Array[];
  private mask: number;
  private pos = 0;
  private delays: Int32Array;
  private oldDelays: Int32Array;
  private switchLeft = 0;
  private readonly switchLength: number;

  constructor(ctx: ProcessorContext, params: Partial<SampleDelayParams> = {}) {
    super(ctx, SAMPLE_DELAY_SPECS, params, "sampledelay");
    checkWhole("sampledelay.samples", this.params.samples);
    this.params.channelSamples = [...this.params.channelSamples];
    this.switchLength = Math.max(1, Math.round(FADE_SECONDS * ctx.sampleRate));
    this.delays = this.computeDelays();
    this.oldDelays = this.delays.slice();
    // At least a second of history, so changes within it can crossfade to audio that is already there.
    const size = ringSize(Math.max(ctx.sampleRate, ...this.delays));
    this.rings = Array.from({ length: ctx.channels }, () => new Float32Array(size));
    this.mask = size - 1;
  }

  override setParams(partial: Partial<SampleDelayParams>): void {
    if (partial.samples !== undefined) checkWhole("sampledelay.samples", partial.samples);
    super.setParams(partial);
  }

  /** The delay of each channel in samples. */
  computeDelays(): Int32Array {
    const p = this.params;
    const base = p.samples + Math.round((p.ms * this.sampleRate) / 1000);
    return Int32Array.from({ length: this.channels }, (_, c) => base + (p.channelSamples[c] ?? 0));
  }

  protected override paramsChanged(): void {
    this.params.channelSamples = [...this.params.channelSamples];
    const next = this.computeDelays();
    // The fade reads the delay in use now and the new one (a change during a fade starts from the newer).
    this.oldDelays = this.delays.slice();
    this.delays = next;
    const need = Math.max(...next, ...this.oldDelays);
    if (need > this.mask) this.grow(ringSize(need));
    if (next.some((d, c) => d !== this.oldDelays[c])) this.switchLeft = this.switchLength;
  }

  protected resetState(): void {
    for (const r of this.rings) r.fill(0);
    this.pos = 0;
    this.switchLeft = 0;
    this.oldDelays = this.delays.slice();
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const mask = this.mask;
    const start = this.pos;
    const fadeStart = this.switchLeft;
    const L = this.switchLength;
    for (let c = 0; c < this.channels; c++) {
      const ring = this.rings[c];
      const x = input[c];
      const y = output[c];
      const d = this.delays[c];
      const od = this.oldDelays[c];
      let p = start;
      let f = fadeStart;
      for (let i = 0; i < frames; i++) {
        ring[p] = x[i];
        if (f > 0 && od !== d) {
          const t = f / L;
          y[i] = ring[(p - od) & mask] * t + ring[(p - d) & mask] * (1 - t);
          f--;
        } else y[i] = ring[(p - d) & mask];
        p = (p + 1) & mask;
      }
    }
    this.pos = (start + frames) & mask;
    this.switchLeft = Math.max(0, fadeStart - frames);
  }

  /** Larger rings keeping the history (oldest first). */
  private grow(size: number): void {
    const old = this.mask + 1;
    this.rings = this.rings.map((r) => {
      const n = new Float32Array(size);
      for (let k = 0; k < old; k++) n[k] = r[(this.pos + k) & this.mask];
      return n;
    });
    this.pos = old & (size - 1);
    this.mask = size - 1;
  }
}

/** Ring length for a delay: a power of two above it. */
function ringSize(delay: number): number {
  let n = 16;
  while (n <= delay) n <<= 1;
  return n;
}

export const SAMPLE_DELAY_FACTORY: ProcessorFactory = {
  type: "sampledelay",
  description: "Whole-sample delay per channel or all, for alignment and delay compensation",
  specs: SAMPLE_DELAY_SPECS,
  create: (ctx, params) => new SampleDelay(ctx, params as Partial<SampleDelayParams>),
};
