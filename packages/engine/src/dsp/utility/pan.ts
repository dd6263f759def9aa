import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";

export interface PanParams extends Record<string, unknown> {
  /** −1 (hard left) … 0 (centre) … +1 (hard right). */
  position: number;
}

export const PAN_SPECS: ParamSpecs = {
  position: {
    kind: "number",
    unit: "",
    min: -1,
    max: 1,
    default: 0,
    description: "Pan position, -1 left … +1 right (constant power, -3 dB centre)",
  },
};

const SMOOTH_MS = 5;

/**
 * Constant-power pan gains at a position: left = cos θ, right = sin θ with θ = (position + 1)·π/4, so
 * left² + right² = 1 everywhere and the centre is −3.01 dB on each side.
 */
export function panGains(position: number): { left: number; right: number } {
  if (position <= -1) return { left: 1, right: 0 };
  if (position >= 1) return { left: 0, right: 1 };
  // right = sin θ written as cos(π/2 − θ), so mirrored positions give exactly mirrored gains.
  return { left: Math.cos(((1 + position) * Math.PI) / 4), right: Math.cos(((1 - position) * Math.PI) / 4) };
}

/**
 * Balance gains for a stereo input at a position: the same sine/cosine law scaled by √2 and capped at 1, so
 * the centre leaves a stereo signal unchanged (0 dB) and moving right fades the left channel along the
 * constant-power curve (−3.01 dB at ±1/3, −5.33 dB at ±0.5, silent at ±1), keeping the right at 0 dB.
 */
export function balanceGains(position: number): { left: number; right: number } {
  const p = panGains(position);
  return { left: Math.min(1, Math.SQRT2 * p.left), right: Math.min(1, Math.SQRT2 * p.right) };
}

/**
 * Pan: `{"type":"pan","position":-0.3}`. A mono input becomes stereo with constant-power gains (−3 dB
 * centre). A stereo input is balanced with the same law, normalised so the centre is 0 dB (see
 * `balanceGains`). Position changes glide (5 ms). No latency. Inputs of more than two channels are refused.
 */
export class Pan extends Processor<PanParams> {
  readonly type = "pan";
  private readonly pos: Smoother;

  constructor(ctx: ProcessorContext, params: Partial<PanParams> = {}) {
    super(ctx, PAN_SPECS, params, "pan");
    if (ctx.channels > 2)
      throw new RangeError(`pan works on mono or stereo input, got ${ctx.channels} channels`);
    this.pos = new Smoother(ctx.sampleRate, SMOOTH_MS, this.params.position);
  }

  override get outputChannels(): number {
    return 2;
  }

  protected override paramsChanged(): void {
    this.pos.setTarget(this.params.position);
  }

  protected resetState(): void {
    this.pos.snap(this.params.position);
  }

  private gains(p: number): { left: number; right: number } {
    return this.channels === 1 ? panGains(p) : balanceGains(p);
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const xl = input[0];
    const xr = input[this.channels - 1];
    const yl = output[0];
    const yr = output[1];
    if (!this.pos.moving) {
      const { left, right } = this.gains(this.pos.value);
      // Read both channels before writing: output may be the input (in place; a mono input's output[0]).
      for (let i = 0; i < frames; i++) {
        const l = xl[i];
        const r = xr[i];
        yl[i] = l * left;
        yr[i] = r * right;
      }
      return;
    }
    for (let i = 0; i < frames; i++) {
      const { left, right } = this.gains(this.pos.next());
      const l = xl[i];
      const r = xr[i];
      yl[i] = l * left;
      yr[i] = r * right;
    }
  }
}

export const PAN_FACTORY: ProcessorFactory = {
  type: "pan",
  description: "Constant-power pan (mono to stereo) or balance (stereo)",
  specs: PAN_SPECS,
  create: (ctx, params) => new Pan(ctx, params as Partial<PanParams>),
};
