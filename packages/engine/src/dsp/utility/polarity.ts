import { ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import type { ProcessorFactory } from "../chain.ts";

export interface PolarityParams extends Record<string, unknown> {
  /** Inverts every channel. */
  invert: boolean;
  /** Per channel: true inverts that channel (`[true, false]` flips the left only). Missing entries are false. */
  channels: boolean[];
}

export const POLARITY_SPECS: ParamSpecs = {
  invert: { kind: "boolean", default: false, description: "Invert the polarity of every channel" },
  channels: {
    kind: "list",
    default: [],
    description: "Per channel, true inverts it: [true, false] flips the left only",
    validate: (path, value) => {
      const list = value as unknown[];
      if (list.length > 64) throw new ParamError(path, `has at most 64 entries, got ${list.length}`);
      list.forEach((v, i) => {
        if (typeof v !== "boolean")
          throw new ParamError(`${path}[${i}]`, `must be true or false, got ${JSON.stringify(v)}`);
      });
    },
  },
};

/** A flip ramps the gain +1 → −1 over this long, seconds, so it never clicks. */
const RAMP_SECONDS = 0.005;

/**
 * Polarity (phase) inversion: `{"type":"polarity","invert":true}` or `{"type":"polarity","channels":[true,false]}`.
 * A channel is inverted if `invert` is on or its `channels` entry is true; its output is then exactly −input.
 * Flipping while playing ramps the gain linearly through zero over 5 ms. No latency.
 */
export class Polarity extends Processor<PolarityParams> {
  readonly type = "polarity";
  private readonly gain: Float64Array;
  private readonly step: Float64Array;
  private readonly left: Int32Array;
  private readonly rampLength: number;

  constructor(ctx: ProcessorContext, params: Partial<PolarityParams> = {}) {
    super(ctx, POLARITY_SPECS, params, "polarity");
    this.params.channels = [...this.params.channels];
    this.gain = new Float64Array(ctx.channels);
    this.step = new Float64Array(ctx.channels);
    this.left = new Int32Array(ctx.channels);
    this.rampLength = Math.max(1, Math.round(RAMP_SECONDS * ctx.sampleRate));
    this.resetState();
  }

  /** The sign channel c is set to: −1 inverted, +1 not. */
  target(c: number): number {
    return this.params.invert || this.params.channels[c] === true ? -1 : 1;
  }

  protected override paramsChanged(): void {
    this.params.channels = [...this.params.channels];
    for (let c = 0; c < this.channels; c++) {
      const t = this.target(c);
      const now = this.gain[c];
      if (now === t && this.left[c] === 0) continue;
      // Ramp from where the gain is now; a full flip takes rampLength samples.
      const n = Math.max(1, Math.round((Math.abs(t - now) / 2) * this.rampLength));
      this.left[c] = n;
      this.step[c] = (t - now) / n;
    }
  }

  protected resetState(): void {
    for (let c = 0; c < this.channels; c++) {
      this.gain[c] = this.target(c);
      this.left[c] = 0;
    }
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    for (let c = 0; c < this.channels; c++) {
      const x = input[c];
      const y = output[c];
      let i = 0;
      if (this.left[c] > 0) {
        let g = this.gain[c];
        const d = this.step[c];
        let left = this.left[c];
        for (; i < frames && left > 0; i++) {
          left--;
          g = left === 0 ? this.target(c) : g + d;
          y[i] = x[i] * g;
        }
        this.gain[c] = g;
        this.left[c] = left;
      }
      if (this.gain[c] === 1) {
        if (x !== y) for (; i < frames; i++) y[i] = x[i];
      } else for (; i < frames; i++) y[i] = -x[i];
    }
  }
}

export const POLARITY_FACTORY: ProcessorFactory = {
  type: "polarity",
  description: "Polarity inversion, all channels or per channel",
  specs: POLARITY_SPECS,
  create: (ctx, params) => new Polarity(ctx, params as Partial<PolarityParams>),
};
