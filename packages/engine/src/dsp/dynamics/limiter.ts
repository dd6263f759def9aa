import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { timeCoefficient } from "./gain-computer.ts";
import { LookaheadGain } from "./lookahead-gain.ts";

export interface LimiterParams extends Record<string, unknown> {
  /** Ceiling in dBFS (−24 … 0): the output never exceeds it (in true peak when `truePeak`). */
  ceilingDb: number;
  /** Release time constant in ms (1 … 2000): how fast the gain recovers after a peak has passed. */
  releaseMs: number;
  /**
   * Lookahead in ms (0.5 … 20) = the latency. The gain glides down over (most of) this time so it has
   * reached the needed reduction when the peak arrives; longer is smoother, shorter is punchier. At low
   * sample rates it is at least the true-peak detector's span (65 samples: 1.35 ms at 48 kHz). Changing it
   * restarts the limiter (the latency changes).
   */
  lookaheadMs: number;
  /** Hold the ceiling in true peak (inter-sample peaks, 4× oversampled detection) rather than sample peak. */
  truePeak: boolean;
  /** Input gain (drive) in dB (−24 … 24) before limiting. */
  gainDb: number;
}

export const LIMITER_SPECS: ParamSpecs = {
  ceilingDb: { kind: "number", unit: "dB", min: -24, max: 0, default: -1, description: "Output ceiling" },
  releaseMs: {
    kind: "number",
    unit: "ms",
    min: 1,
    max: 2000,
    default: 50,
    description: "Release time constant",
  },
  lookaheadMs: {
    kind: "number",
    unit: "ms",
    min: 0.5,
    max: 20,
    default: 3,
    description: "Lookahead (= latency)",
  },
  truePeak: { kind: "boolean", default: true, description: "Limit inter-sample (true) peaks" },
  gainDb: { kind: "number", unit: "dB", min: -24, max: 24, default: 0, description: "Input drive" },
};

const PARAM_MS = 20;

/**
 * Brickwall lookahead limiter: one gain for all channels, so the image never shifts. JSON:
 * `{"type":"limiter","ceilingDb":-1,"releaseMs":50,"lookaheadMs":3,"truePeak":true}`.
 *
 * The gain stage (`LookaheadGain`) detects the needed gain per sample — from the interpolated waveform
 * (`TruePeakDetector`) when `truePeak`, else from the samples — holds it over the interpolator's span around
 * the peak and glides to it over the lookahead, so the reduction is complete before the peak arrives.
 * Latency = `lookaheadMs` (at least the detector's span, 65 samples, in true-peak mode).
 */
export class Limiter extends Processor<LimiterParams> {
  readonly type = "limiter";
  private readonly drive: Smoother;
  private readonly ceiling: Smoother;
  private releaseCoeff = 0;
  private main: LookaheadGain | null = null;

  constructor(ctx: ProcessorContext, params: Partial<LimiterParams> = {}) {
    super(ctx, LIMITER_SPECS, params, "limiter");
    this.drive = new Smoother(ctx.sampleRate, PARAM_MS, dbToLin(this.params.gainDb));
    this.ceiling = new Smoother(ctx.sampleRate, PARAM_MS, dbToLin(this.params.ceilingDb));
    this.paramsChanged();
  }

  override get latency(): number {
    return this.main?.latency ?? 0;
  }

  /** The gain reduction now, in dB (≥ 0), for a meter. */
  get gainReductionDb(): number {
    const g = this.main?.gain ?? 1;
    return g >= 1 ? 0 : -20 * Math.log10(g);
  }

  protected override paramsChanged(): void {
    const p = this.params;
    const fs = this.sampleRate;
    this.drive.setTarget(dbToLin(p.gainDb));
    this.ceiling.setTarget(dbToLin(p.ceilingDb));
    this.releaseCoeff = timeCoefficient(p.releaseMs, fs);
    const want = Math.round((p.lookaheadMs / 1000) * fs);
    const tp = p.truePeak;
    const ramp = Math.max(1, want - LookaheadGain.minLatency(tp) + 1);
    if (!this.main || this.main.truePeak !== tp || this.main.ramp !== ramp) {
      this.main = new LookaheadGain(this.channels, tp, ramp);
    }
  }

  protected resetState(): void {
    this.drive.snap(dbToLin(this.params.gainDb));
    this.ceiling.snap(dbToLin(this.params.ceilingDb));
    this.main?.reset();
  }

  /** Block scratch: the driven signal per channel (float64) and the ceiling per sample. */
  private work: Float64Array[] = [];
  private ceil = new Float64Array(0);

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    if (this.ceil.length < frames) {
      this.ceil = new Float64Array(frames);
      this.work = Array.from({ length: n }, () => new Float64Array(frames));
    }
    const ceil = this.ceil;
    const work = this.work;
    for (let i = 0; i < frames; i++) ceil[i] = this.ceiling.next();
    if (this.drive.moving) {
      const d = this.driveScratch(frames);
      for (let i = 0; i < frames; i++) d[i] = this.drive.next();
      for (let c = 0; c < n; c++) for (let i = 0; i < frames; i++) work[c][i] = input[c][i] * d[i];
    } else {
      const g = this.drive.value;
      for (let c = 0; c < n; c++) for (let i = 0; i < frames; i++) work[c][i] = input[c][i] * g;
    }
    this.main!.process(work, ceil, frames, this.releaseCoeff);
    for (let c = 0; c < n; c++) for (let i = 0; i < frames; i++) output[c][i] = work[c][i];
  }

  private driveBuf = new Float64Array(0);
  private driveScratch(frames: number): Float64Array {
    if (this.driveBuf.length < frames) this.driveBuf = new Float64Array(frames);
    return this.driveBuf;
  }
}

function dbToLin(db: number): number {
  return 10 ** (db / 20);
}

export const LIMITER_FACTORY: ProcessorFactory = {
  type: "limiter",
  description: "Brickwall lookahead limiter holding a true-peak ceiling",
  specs: LIMITER_SPECS,
  create: (ctx, params) => new Limiter(ctx, params as Partial<LimiterParams>),
};
