import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import type { ProcessorFactory } from "../chain.ts";

export const MIDSIDE_MODES = ["encode", "decode"] as const;
export type MidSideMode = (typeof MIDSIDE_MODES)[number];

export interface MidSideParams extends Record<string, unknown> {
  /** `encode`: L/R in → M/S out (M = (L+R)/2, S = (L−R)/2). `decode`: M/S in → L/R out (L = M+S, R = M−S). */
  mode: MidSideMode;
}

export const MIDSIDE_SPECS: ParamSpecs = {
  mode: {
    kind: "choice",
    options: MIDSIDE_MODES,
    default: "encode",
    description: "encode: L/R to M/S (halved sum and difference); decode: M/S to L/R",
  },
};

const FADE_SECONDS = 0.01;

/**
 * Mid/side matrix: `{"type":"midside","mode":"encode"}`, then processors work on mid (channel 0) and side
 * (channel 1), then `{"type":"midside","mode":"decode"}`. Encode followed by decode gives the input back.
 * Needs a stereo input. Switching mode crossfades over 10 ms. No latency.
 */
export class MidSide extends Processor<MidSideParams> {
  readonly type = "midside";
  private switchLeft = 0;
  private readonly switchLength: number;

  constructor(ctx: ProcessorContext, params: Partial<MidSideParams> = {}) {
    super(ctx, MIDSIDE_SPECS, params, "midside");
    if (ctx.channels !== 2)
      throw new RangeError(`midside needs a stereo input, got ${ctx.channels} channels`);
    this.switchLength = Math.max(1, Math.round(FADE_SECONDS * ctx.sampleRate));
  }

  override setParams(partial: Partial<MidSideParams>): void {
    const before = this.params.mode;
    super.setParams(partial);
    if (this.params.mode !== before) this.switchLeft = this.switchLength - this.switchLeft;
  }

  protected resetState(): void {
    this.switchLeft = 0;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const [xa, xb] = input;
    const [ya, yb] = output;
    // Encode halves: (a ± b)/2; decode does not: a ± b.
    const k = this.params.mode === "encode" ? 0.5 : 1;
    if (this.switchLeft === 0) {
      for (let i = 0; i < frames; i++) {
        const a = xa[i];
        const b = xb[i];
        ya[i] = k * (a + b);
        yb[i] = k * (a - b);
      }
      return;
    }
    const kOld = 1.5 - k;
    const L = this.switchLength;
    for (let i = 0; i < frames; i++) {
      const a = xa[i];
      const b = xb[i];
      let g = 1;
      if (this.switchLeft > 0) {
        g = 1 - this.switchLeft / L;
        this.switchLeft--;
      }
      const kk = g * k + (1 - g) * kOld;
      ya[i] = kk * (a + b);
      yb[i] = kk * (a - b);
    }
  }
}

export const MIDSIDE_FACTORY: ProcessorFactory = {
  type: "midside",
  description: "Mid/side encode (L/R to M/S) or decode (M/S to L/R)",
  specs: MIDSIDE_SPECS,
  create: (ctx, params) => new MidSide(ctx, params as Partial<MidSideParams>),
};
