import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { DelayLine } from "./delay-line.ts";
import { FdnTank, HALL_DESIGN, ROOM_DESIGN } from "./fdn-tank.ts";
import { PlateTank } from "./plate-tank.ts";
import type { Tank } from "./tank.ts";

export type ReverbPreset = "plate" | "room" | "hall";

export interface ReverbParams extends Record<string, unknown> {
  /**
   * Engine: `plate` (a Dattorro-style figure-eight plate tank), `room` (8-line feedback delay network,
   * 10–29 ms lines), `hall` (8-line FDN, 31–89 ms lines, denser input diffusion). Changing the preset crossfades over 50 ms to a fresh engine (the old tail is
   * cut short by the fade).
   */
  preset: ReverbPreset;
  /** Reverberation time RT60 in seconds at 1 kHz (0.1 … 20): the time the tail takes to fall by 60 dB. */
  decayS: number;
  /** Delay before the reverb starts, ms (0 … 500). Changes glide. */
  predelayMs: number;
  /**
   * High-frequency damping 0 … 1: the RT60 at 8 kHz is decayS·(1 − 0.85·damping); 0 keeps the highs ringing
   * as long as the mids, 1 makes them die about 7× sooner.
   */
  damping: number;
  /** Scales every delay length (0.5 … 2): bigger sounds larger and less dense. Changes glide. */
  size: number;
  /** Wet share 0 … 1, linear crossfade: out = (1−mix)·dry + mix·reverb. */
  mix: number;
  /** Stereo width of the reverb 0 … 1 (0 mono, 1 full). */
  width: number;
}

export const REVERB_SPECS: ParamSpecs = {
  preset: {
    kind: "choice",
    options: ["plate", "room", "hall"],
    default: "plate",
    description: "Engine: plate (Dattorro-style tank), room (8-line FDN, short) or hall (8-line FDN, long)",
  },
  decayS: {
    kind: "number",
    unit: "s",
    min: 0.1,
    max: 20,
    default: 1.8,
    description: "Reverberation time RT60 at 1 kHz",
  },
  predelayMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 500,
    default: 20,
    description: "Delay before the reverb",
  },
  damping: {
    kind: "number",
    unit: "",
    min: 0,
    max: 1,
    default: 0.4,
    description: "High-frequency damping: RT60 at 8 kHz = decayS·(1 − 0.85·damping)",
  },
  size: { kind: "number", unit: "×", min: 0.5, max: 2, default: 1, description: "Scales all delay lengths" },
  mix: { kind: "number", unit: "", min: 0, max: 1, default: 0.2, description: "Wet share, linear crossfade" },
  width: { kind: "number", unit: "", min: 0, max: 1, default: 1, description: "Stereo width of the reverb" },
};

const PREDELAY_GLIDE_MS = 30;
/** Crossfade between engines when the preset changes, s. */
const PRESET_FADE_S = 0.05;
const PREDELAY_MAX_RATE = 0.5;

/**
 * Algorithmic reverb. JSON: `{"type":"reverb","preset":"plate","decayS":1.8,"predelayMs":20,"mix":0.2}`.
 * Output is stereo (mono input is reverberated to stereo); with more than two input channels only the first
 * two are reverberated, the rest pass at the dry share (1 − mix). No latency. Deterministic (the plate's
 * modulation is a fixed sine). Tails decay to exact zero (every recirculating value below 1e-25 is flushed).
 */
export class Reverb extends Processor<ReverbParams> {
  readonly type = "reverb";
  private tank: Tank;
  private readonly pre: DelayLine[];
  private preNow = 0;
  private preTarget = 0;
  private readonly preK: number;
  private readonly mixS: Smoother;
  private readonly widthS: Smoother;
  private inL = new Float64Array(0);
  private inR = new Float64Array(0);
  private wetL = new Float64Array(0);
  private wetR = new Float64Array(0);

  constructor(ctx: ProcessorContext, params: Partial<ReverbParams> = {}) {
    super(ctx, REVERB_SPECS, params, "reverb");
    const ins = Math.min(2, ctx.channels);
    this.pre = Array.from({ length: ins }, () => new DelayLine(0.5 * ctx.sampleRate + 4));
    this.preK = 1 - Math.exp(-1 / ((PREDELAY_GLIDE_MS / 1000) * ctx.sampleRate));
    this.mixS = new Smoother(ctx.sampleRate, 20, this.params.mix);
    this.widthS = new Smoother(ctx.sampleRate, 20, this.params.width);
    this.presetFadeLength = Math.round(PRESET_FADE_S * ctx.sampleRate);
    this.tank = this.makeTank();
    this.paramsChanged();
    this.preNow = this.preTarget;
  }

  override get outputChannels(): number {
    return Math.max(2, this.channels);
  }

  private makeTank(): Tank {
    const { preset, size } = this.params;
    if (preset === "plate") return new PlateTank(this.sampleRate, size);
    return new FdnTank(this.sampleRate, preset === "room" ? ROOM_DESIGN : HALL_DESIGN, size);
  }

  private currentPreset: ReverbPreset | undefined;
  /** The previous engine during a preset change, faded out over `presetFadeLength` samples. */
  private oldTank: Tank | null = null;
  private presetFadeLeft = 0;
  private readonly presetFadeLength: number;
  private oldL = new Float64Array(0);
  private oldR = new Float64Array(0);

  protected override paramsChanged(): void {
    const p = this.params;
    if (this.currentPreset !== undefined && p.preset !== this.currentPreset) {
      // The old engine keeps ringing while it fades out; the new one fades in.
      this.oldTank = this.tank;
      this.presetFadeLeft = this.presetFadeLength;
      this.tank = this.makeTank();
    }
    this.currentPreset = p.preset;
    this.tank.setSize(p.size);
    this.tank.setDecay(p.decayS, p.decayS * (1 - 0.85 * p.damping));
    this.preTarget = (p.predelayMs / 1000) * this.sampleRate;
    this.mixS.setTarget(p.mix);
    this.widthS.setTarget(p.width);
  }

  protected resetState(): void {
    this.tank.clear();
    this.oldTank = null;
    this.presetFadeLeft = 0;
    for (const l of this.pre) l.clear();
    this.preNow = this.preTarget;
    this.mixS.snap(this.params.mix);
    this.widthS.snap(this.params.width);
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    if (this.inL.length < frames) {
      this.inL = new Float64Array(frames);
      this.inR = new Float64Array(frames);
      this.wetL = new Float64Array(frames);
      this.wetR = new Float64Array(frames);
    }
    const stereo = this.channels >= 2;
    const xl = input[0];
    const xr = stereo ? input[1] : input[0];
    const preL = this.pre[0];
    const preR = stereo ? this.pre[1] : this.pre[0];
    const inL = this.inL;
    const inR = this.inR;
    let d = this.preNow;
    const target = this.preTarget;
    if (d === target) {
      // Predelay settled (the usual case): whole runs, the same arithmetic as the per-sample path below.
      preL.writeReadBlock(d, xl, inL, frames);
      if (stereo) preR.writeReadBlock(d, xr, inR, frames);
      else inR.set(inL.subarray(0, frames));
    } else {
      for (let i = 0; i < frames; i++) {
        if (d !== target) {
          let step = (target - d) * this.preK;
          if (step > PREDELAY_MAX_RATE) step = PREDELAY_MAX_RATE;
          else if (step < -PREDELAY_MAX_RATE) step = -PREDELAY_MAX_RATE;
          d += step;
          if (Math.abs(target - d) < 1e-3) d = target;
        }
        preL.write(xl[i]);
        inL[i] = preL.readLinear(1 + d);
        if (stereo) {
          preR.write(xr[i]);
          inR[i] = preR.readLinear(1 + d);
        } else inR[i] = inL[i];
      }
    }
    this.preNow = d;
    const wetL = this.wetL;
    const wetR = this.wetR;
    this.tank.process(inL, inR, wetL, wetR, frames);
    if (this.oldTank) this.crossfade(inL, inR, wetL, wetR, frames);
    const outs = this.outputChannels;
    const o0 = output[0];
    const o1 = output[1];
    const mixS = this.mixS;
    const widthS = this.widthS;
    if (outs === 2 && mixS.value === this.params.mix && widthS.value === this.params.width) {
      // Both smoothers at rest: next() would return these constants every sample.
      const mix = mixS.value;
      const w = widthS.value;
      const dry = 1 - mix;
      for (let i = 0; i < frames; i++) {
        const mid = 0.5 * (wetL[i] + wetR[i]);
        const side = 0.5 * w * (wetL[i] - wetR[i]);
        // Read both inputs before writing (output may be the input arrays).
        const a = xl[i];
        const b = xr[i];
        o0[i] = dry * a + mix * (mid + side);
        o1[i] = dry * b + mix * (mid - side);
      }
    } else {
      for (let i = 0; i < frames; i++) {
        const mix = mixS.next();
        const w = widthS.next();
        const mid = 0.5 * (wetL[i] + wetR[i]);
        const side = 0.5 * w * (wetL[i] - wetR[i]);
        const dry = 1 - mix;
        const a = xl[i];
        const b = xr[i];
        o0[i] = dry * a + mix * (mid + side);
        o1[i] = dry * b + mix * (mid - side);
        for (let c = 2; c < outs; c++) output[c][i] = dry * input[c][i];
      }
    }
  }

  /** Equal-gain linear crossfade from the old engine to the new one after a preset change. */
  private crossfade(
    inL: Float64Array,
    inR: Float64Array,
    wetL: Float64Array,
    wetR: Float64Array,
    frames: number,
  ): void {
    const old = this.oldTank!;
    if (this.oldL.length < frames) {
      this.oldL = new Float64Array(frames);
      this.oldR = new Float64Array(frames);
    }
    old.process(inL, inR, this.oldL, this.oldR, frames);
    const len = this.presetFadeLength;
    let left = this.presetFadeLeft;
    for (let i = 0; i < frames; i++) {
      const t = left > 0 ? left / len : 0;
      wetL[i] = (1 - t) * wetL[i] + t * this.oldL[i];
      wetR[i] = (1 - t) * wetR[i] + t * this.oldR[i];
      if (left > 0) left--;
    }
    this.presetFadeLeft = left;
    if (left === 0) this.oldTank = null;
  }
}

export const REVERB_FACTORY: ProcessorFactory = {
  type: "reverb",
  description: "Algorithmic reverb: plate, room or hall, RT60 set in seconds",
  specs: REVERB_SPECS,
  create: (ctx, params) => new Reverb(ctx, params as Partial<ReverbParams>),
};
