import { dbToGain } from "../../core/db.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";

export interface GainParams extends Record<string, unknown> {
  /** Gain in dB, −120 … +36 (−120 is silence for practical purposes). */
  db: number;
}

export const GAIN_SPECS: ParamSpecs = {
  db: { kind: "number", unit: "dB", min: -120, max: 36, default: 0, description: "Gain" },
};

/** Time constant of gain changes, ms: fast enough to follow automation, slow enough not to zipper. */
const SMOOTH_MS = 5;

/**
 * Gain: `{"type":"gain","db":-3}`. Changes glide (one-pole on the linear gain, 5 ms). At 0 dB the signal
 * passes bit-exact. No latency.
 */
export class Gain extends Processor<GainParams> {
  readonly type = "gain";
  private readonly g: Smoother;

  constructor(ctx: ProcessorContext, params: Partial<GainParams> = {}) {
    super(ctx, GAIN_SPECS, params, "gain");
    this.g = new Smoother(ctx.sampleRate, SMOOTH_MS, dbToGain(this.params.db));
  }

  protected override paramsChanged(): void {
    this.g.setTarget(dbToGain(this.params.db));
  }

  protected resetState(): void {
    this.g.snap(dbToGain(this.params.db));
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const C = this.channels;
    if (!this.g.moving) {
      const g = this.g.value;
      for (let c = 0; c < C; c++) {
        const x = input[c];
        const y = output[c];
        if (g === 1) {
          if (x !== y) y.set(x.subarray(0, frames));
        } else for (let i = 0; i < frames; i++) y[i] = x[i] * g;
      }
      return;
    }
    // Gliding: one gain value per frame, shared by all channels.
    for (let i = 0; i < frames; i++) {
      const g = this.g.next();
      for (let c = 0; c < C; c++) output[c][i] = input[c][i] * g;
    }
  }
}

export const GAIN_FACTORY: ProcessorFactory = {
  type: "gain",
  description: "Gain in dB (smoothed)",
  specs: GAIN_SPECS,
  create: (ctx, params) => new Gain(ctx, params as Partial<GainParams>),
};
