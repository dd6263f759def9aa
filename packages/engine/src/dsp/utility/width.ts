import type { ParamSpecs } from "../../core/params.ts";
import { ParamError } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { linkwitzRileySections } from "../eq/design.ts";
import { SectionChain } from "../eq/section-chain.ts";

export interface WidthParams extends Record<string, unknown> {
  /** Stereo width: 0 = mono, 1 = unchanged, 2 = side doubled. Scales the side (L − R) against the mid (L + R). */
  amount: number;
  /**
   * Mono bass: below this frequency (Hz) the side is removed (Linkwitz-Riley 24 dB/oct high-pass on the
   * side). 0 = off; otherwise 20 … 500 Hz.
   */
  monoBelowHz: number;
}

export const WIDTH_SPECS: ParamSpecs = {
  amount: {
    kind: "number",
    unit: "",
    min: 0,
    max: 2,
    default: 1,
    description: "Width: 0 mono, 1 unchanged, 2 wide",
  },
  monoBelowHz: {
    kind: "number",
    unit: "Hz",
    min: 0,
    max: 500,
    default: 0,
    description: "Side removed below this frequency (0 = off; 20 … 500 Hz)",
  },
};

const SMOOTH_MS = 5;
const CHUNK = 1024;

/**
 * Stereo width by mid/side: `{"type":"width","amount":1.2,"monoBelowHz":120}`.
 * mid = (L + R)/2, side = (L − R)/2 · amount, out L = mid + side, R = mid − side. Amount 0 makes L and R
 * identical; amount 1 without mono bass passes the input bit-exact. Width changes glide (5 ms), the mono
 * bass corner glides its filter. No latency. A mono input passes unchanged; more than 2 channels are refused.
 */
export class Width extends Processor<WidthParams> {
  readonly type = "width";
  private readonly amt: Smoother;
  private readonly hp: SectionChain;
  private readonly side: Float64Array[] = [new Float64Array(CHUNK)];

  constructor(ctx: ProcessorContext, params: Partial<WidthParams> = {}) {
    super(ctx, WIDTH_SPECS, params, "width");
    if (ctx.channels > 2)
      throw new RangeError(`width works on mono or stereo input, got ${ctx.channels} channels`);
    checkMonoBelow(this.params.monoBelowHz);
    this.amt = new Smoother(ctx.sampleRate, SMOOTH_MS, this.params.amount);
    this.hp = new SectionChain(1, 4, ctx.sampleRate);
    this.hp.setSections(this.sideFilter(), true);
  }

  override setParams(partial: Partial<WidthParams>): void {
    if (partial.monoBelowHz !== undefined) checkMonoBelow(partial.monoBelowHz);
    super.setParams(partial);
  }

  private sideFilter() {
    const f = this.params.monoBelowHz;
    return f > 0
      ? linkwitzRileySections("highpass", 24, this.sampleRate, Math.min(f, 0.45 * this.sampleRate))
      : [];
  }

  protected override paramsChanged(): void {
    this.amt.setTarget(this.params.amount);
    this.hp.setSections(this.sideFilter());
  }

  protected resetState(): void {
    this.amt.snap(this.params.amount);
    this.hp.reset();
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    if (this.channels === 1) {
      if (input[0] !== output[0]) output[0].set(input[0].subarray(0, frames));
      return;
    }
    const [xl, xr] = input;
    const [yl, yr] = output;
    const filtered = this.params.monoBelowHz > 0 || this.hp.isGliding;
    if (!filtered && !this.amt.moving && this.amt.value === 1) {
      if (xl !== yl) yl.set(xl.subarray(0, frames));
      if (xr !== yr) yr.set(xr.subarray(0, frames));
      return;
    }
    const s = this.side[0];
    for (let pos = 0; pos < frames; pos += CHUNK) {
      const n = Math.min(CHUNK, frames - pos);
      for (let i = 0; i < n; i++) s[i] = 0.5 * (xl[pos + i] - xr[pos + i]);
      if (filtered) this.hp.run(this.side, n);
      for (let i = 0; i < n; i++) {
        const m = 0.5 * (xl[pos + i] + xr[pos + i]);
        const d = s[i] * this.amt.next();
        yl[pos + i] = m + d;
        yr[pos + i] = m - d;
      }
    }
  }
}

function checkMonoBelow(f: number): void {
  if (f !== 0 && f < 20)
    throw new ParamError("width.monoBelowHz", `must be 0 (off) or between 20 and 500 Hz, got ${f}`);
}

export const WIDTH_FACTORY: ProcessorFactory = {
  type: "width",
  description: "Stereo width via mid/side, with optional mono bass",
  specs: WIDTH_SPECS,
  create: (ctx, params) => new Width(ctx, params as Partial<WidthParams>),
};
