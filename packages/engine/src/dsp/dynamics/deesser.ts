import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { Crossover } from "../eq/crossover.ts";
import { compressorReduction, DB_TO_LN, LN_POWER_TO_DB, timeCoefficient } from "./gain-computer.ts";

export const DEESSER_MODES = ["split", "wide"] as const;
export type DeesserMode = (typeof DEESSER_MODES)[number];

export interface DeesserParams extends Record<string, unknown> {
  /** Split frequency in Hz (1000 … 16000, and below 0.45 × sample rate): sibilance is detected above it. */
  freq: number;
  /** Threshold in dBFS (−60 … 0) for the level above `freq`. */
  thresholdDb: number;
  /** Most reduction, dB (0 … 24). */
  rangeDb: number;
  /** Ratio above the threshold (1 … 20). */
  ratio: number;
  /** `split`: only the band above `freq` is turned down; `wide`: the whole signal is. */
  mode: DeesserMode;
  /** Attack time constant, ms (0 … 50). */
  attackMs: number;
  /** Release time constant, ms (1 … 500). */
  releaseMs: number;
}

export const DEESSER_SPECS: ParamSpecs = {
  freq: { kind: "number", unit: "Hz", min: 1000, max: 16000, default: 6500, description: "Split frequency" },
  thresholdDb: { kind: "number", unit: "dB", min: -60, max: 0, default: -30, description: "Threshold" },
  rangeDb: { kind: "number", unit: "dB", min: 0, max: 24, default: 12, description: "Most reduction" },
  ratio: { kind: "number", unit: "", min: 1, max: 20, default: 4, description: "Ratio" },
  mode: {
    kind: "choice",
    options: DEESSER_MODES,
    default: "split",
    description: "split: reduce the top band only",
  },
  attackMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 50,
    default: 0.5,
    description: "Attack time constant",
  },
  releaseMs: {
    kind: "number",
    unit: "ms",
    min: 1,
    max: 500,
    default: 60,
    description: "Release time constant",
  },
};

const PARAM_MS = 20;
const GR_FLOOR_DB = 1e-9;

/**
 * De-esser. A Linkwitz-Riley 4th-order split at `freq` (`Crossover`) gives a low and a high band; the high
 * band's peak level (loudest channel) runs through a hard-knee compressor curve, limited to `rangeDb`.
 * `split` mode turns down only the high band: out = low + g·high. The LR4 bands are in phase, so this is a
 * clean cut above `freq` (no bump at the split), and with no reduction low + high is an all-pass: flat
 * magnitude, nothing below `freq` changes level. `wide` mode turns the whole (unfiltered) signal down by g.
 * Frequency changes take effect at once (filter states kept). No latency.
 * JSON: `{"type":"deesser","freq":6500,"thresholdDb":-30,"rangeDb":12,"mode":"split"}`.
 */
export class Deesser extends Processor<DeesserParams> {
  readonly type = "deesser";
  private readonly crossover: Crossover;
  /** Band signals [channel][low, high] and the same arrays by [band][channel]. */
  private bands: Float64Array[][] = [];
  private byBand: Float64Array[][] = [];
  private readonly thr: Smoother;
  private readonly slope: Smoother;
  private readonly range: Smoother;
  private attack = 0;
  private release = 0;
  private reduction = 0;

  constructor(ctx: ProcessorContext, params: Partial<DeesserParams> = {}) {
    super(ctx, DEESSER_SPECS, params, "deesser");
    const p = this.params;
    this.crossover = new Crossover(ctx, [this.split()], 24);
    this.thr = new Smoother(ctx.sampleRate, PARAM_MS, p.thresholdDb);
    this.slope = new Smoother(ctx.sampleRate, PARAM_MS, 1 - 1 / p.ratio);
    this.range = new Smoother(ctx.sampleRate, PARAM_MS, p.rangeDb);
    this.paramsChanged();
  }

  /** Reduction now, dB (≥ 0): for a meter. */
  get gainReductionDb(): number {
    return this.reduction;
  }

  /** The split frequency in use: `freq`, kept below 0.45 × the sample rate where the design degenerates. */
  private split(): number {
    return Math.min(this.params.freq, 0.45 * this.sampleRate);
  }

  protected override paramsChanged(): void {
    const p = this.params;
    const fs = this.sampleRate;
    this.crossover.setFrequencies([this.split()], true);
    this.thr.setTarget(p.thresholdDb);
    this.slope.setTarget(1 - 1 / p.ratio);
    this.range.setTarget(p.rangeDb);
    this.attack = timeCoefficient(p.attackMs, fs);
    this.release = timeCoefficient(p.releaseMs, fs);
  }

  protected resetState(): void {
    this.crossover.reset();
    this.thr.snap(this.params.thresholdDb);
    this.slope.snap(1 - 1 / this.params.ratio);
    this.range.snap(this.params.rangeDb);
    this.reduction = 0;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    if (this.bands.length !== n || this.bands[0][0].length < frames) {
      this.bands = Array.from({ length: n }, () => [new Float64Array(frames), new Float64Array(frames)]);
      this.byBand = [0, 1].map((k) => this.bands.map((ch) => ch[k]));
    }
    this.crossover.process(input, this.byBand, frames);
    const bands = this.bands;
    const wide = this.params.mode === "wide";
    // Module imports as locals: the hot loop then reads plain variables, not import bindings.
    const reduce = compressorReduction;
    const kP = LN_POWER_TO_DB;
    const kG = DB_TO_LN;
    const aA = this.attack;
    const aR = this.release;
    let y = this.reduction;
    for (let i = 0; i < frames; i++) {
      const T = this.thr.next();
      const S = this.slope.next();
      const range = this.range.next();
      let v = 0;
      for (let c = 0; c < n; c++) {
        const h = bands[c][1][i];
        if (h * h > v) v = h * h;
      }
      let target = v > 0 ? reduce(Math.log(v) * kP, T, S, 0) : 0;
      if (target > range) target = range;
      y = target > y ? aA * y + (1 - aA) * target : aR * y + (1 - aR) * target;
      if (y < GR_FLOOR_DB) y = 0;
      const g = y === 0 ? 1 : Math.exp(-y * kG);
      if (wide) for (let c = 0; c < n; c++) output[c][i] = input[c][i] * g;
      else for (let c = 0; c < n; c++) output[c][i] = bands[c][0][i] + g * bands[c][1][i];
    }
    this.reduction = y;
  }
}

export const DEESSER_FACTORY: ProcessorFactory = {
  type: "deesser",
  description: "De-esser: split-band or wide-band reduction of sibilance above a frequency",
  specs: DEESSER_SPECS,
  create: (ctx, params) => new Deesser(ctx, params as Partial<DeesserParams>),
};
