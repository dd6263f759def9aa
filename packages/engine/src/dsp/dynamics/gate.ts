import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { expanderReduction, LN_POWER_TO_DB, timeCoefficient } from "./gain-computer.ts";

export interface GateParams extends Record<string, unknown> {
  /** Opening threshold in dBFS (−100 … 0): the gate opens when the peak level reaches it. */
  thresholdDb: number;
  /** Gain when closed, dB (−120 … 0): −120 is practically silent, −10 only ducks. */
  rangeDb: number;
  /** Opening time constant, ms (0 … 500): the gain covers 63% of the way up (in amplitude) in this time. */
  attackMs: number;
  /** Hold, ms (0 … 2000): stays open this long after the level falls below the closing threshold. */
  holdMs: number;
  /** Closing time constant, ms (1 … 5000): 63% of the way down (in amplitude). */
  releaseMs: number;
  /** Hysteresis, dB (0 … 30): closes only below thresholdDb − hysteresisDb, so it does not chatter. */
  hysteresisDb: number;
  /**
   * Expansion ratio (1 … 100). 100 = a gate (closed means `rangeDb`); below 100 a downward expander: when
   * closed, each dB of level under the threshold loses `ratio − 1` more dB, down to `rangeDb`.
   */
  ratio: number;
  /** Lookahead, ms (0 … 10): the gate opens this much before a transient arrives. Adds this latency. */
  lookaheadMs: number;
}

export const GATE_SPECS: ParamSpecs = {
  thresholdDb: {
    kind: "number",
    unit: "dB",
    min: -100,
    max: 0,
    default: -50,
    description: "Opening threshold",
  },
  rangeDb: { kind: "number", unit: "dB", min: -120, max: 0, default: -80, description: "Gain when closed" },
  attackMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 500,
    default: 1,
    description: "Opening time constant",
  },
  holdMs: { kind: "number", unit: "ms", min: 0, max: 2000, default: 20, description: "Hold time" },
  releaseMs: {
    kind: "number",
    unit: "ms",
    min: 1,
    max: 5000,
    default: 100,
    description: "Closing time constant",
  },
  hysteresisDb: { kind: "number", unit: "dB", min: 0, max: 30, default: 4, description: "Hysteresis" },
  ratio: {
    kind: "number",
    unit: "",
    min: 1,
    max: 100,
    default: 100,
    description: "100 = gate, else expander ratio",
  },
  lookaheadMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 10,
    default: 0,
    description: "Lookahead (latency)",
  },
};

/** The gate ratio: at this value the processor is a gate rather than an expander. */
export const GATE_RATIO = 100;
const PARAM_MS = 20;

/**
 * Noise gate / downward expander, all channels linked. The detector is the peak |x| of the loudest channel:
 * the gate opens at `thresholdDb`, stays open while the level is above `thresholdDb − hysteresisDb` and for
 * `holdMs` after it last was, then closes. The gain moves in amplitude with one-pole `attackMs` (opening) and
 * `releaseMs` (closing) time constants, so a close is a straight-line fade in dB. A hold of at least half
 * the period of the lowest note keeps zero crossings from closing it. JSON:
 * `{"type":"gate","thresholdDb":-50,"rangeDb":-80,"holdMs":20,"hysteresisDb":4}`.
 */
export class Gate extends Processor<GateParams> {
  readonly type = "gate";
  private readonly openLevel: Smoother;
  private readonly range: Smoother;
  private attackCoeff = 0;
  private releaseCoeff = 0;
  private holdSamples = 0;
  private lookahead = 0;
  private open = false;
  private holdLeft = 0;
  private gain = 0;
  /** Peak envelope for the expander (instant attack, release = releaseMs). */
  private env = 0;
  private delay: Float32Array[] = [];
  private delayPos = 0;
  private readonly xs: Float64Array;

  constructor(ctx: ProcessorContext, params: Partial<GateParams> = {}) {
    super(ctx, GATE_SPECS, params, "gate");
    this.openLevel = new Smoother(ctx.sampleRate, PARAM_MS, this.params.thresholdDb);
    this.range = new Smoother(ctx.sampleRate, PARAM_MS, this.params.rangeDb);
    this.xs = new Float64Array(ctx.channels);
    this.paramsChanged();
    this.gain = 10 ** (this.params.rangeDb / 20);
  }

  override get latency(): number {
    return this.lookahead;
  }

  /** Whether the gate is open now (for a meter). */
  get isOpen(): boolean {
    return this.open;
  }

  protected override paramsChanged(): void {
    const p = this.params;
    const fs = this.sampleRate;
    this.openLevel.setTarget(p.thresholdDb);
    this.range.setTarget(p.rangeDb);
    this.attackCoeff = timeCoefficient(p.attackMs, fs);
    this.releaseCoeff = timeCoefficient(p.releaseMs, fs);
    this.holdSamples = Math.round((p.holdMs / 1000) * fs);
    const la = Math.round((p.lookaheadMs / 1000) * fs);
    if (la !== this.lookahead || this.delay.length === 0) {
      this.lookahead = la;
      this.delay = Array.from({ length: this.channels }, () => new Float32Array(Math.max(1, la)));
      this.delayPos = 0;
    }
  }

  protected resetState(): void {
    this.openLevel.snap(this.params.thresholdDb);
    this.range.snap(this.params.rangeDb);
    this.open = false;
    this.holdLeft = 0;
    this.gain = 10 ** (this.params.rangeDb / 20);
    this.env = 0;
    for (const d of this.delay) d.fill(0);
    this.delayPos = 0;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    const p = this.params;
    const expander = p.ratio < GATE_RATIO;
    const hyst = p.hysteresisDb;
    const aA = this.attackCoeff;
    const aR = this.releaseCoeff;
    const xs = this.xs;
    const la = this.lookahead;
    let pos = this.delayPos;
    let open = this.open;
    let holdLeft = this.holdLeft;
    let g = this.gain;
    let env = this.env;
    // Thresholds as linear amplitudes, recomputed only while their smoothers move.
    let lastT = Number.NaN;
    let lastR = Number.NaN;
    let openAmp = 0;
    let closeAmp = 0;
    let floor = 0;
    for (let i = 0; i < frames; i++) {
      const T = this.openLevel.next();
      const R = this.range.next();
      if (T !== lastT || R !== lastR) {
        lastT = T;
        lastR = R;
        openAmp = 10 ** (T / 20);
        closeAmp = 10 ** ((T - hyst) / 20);
        floor = 10 ** (R / 20);
      }
      let level = 0;
      for (let c = 0; c < n; c++) {
        const x = input[c][i];
        xs[c] = x;
        const a = x < 0 ? -x : x;
        if (a > level) level = a;
      }
      if (level >= openAmp) {
        open = true;
        holdLeft = this.holdSamples;
      } else if (open) {
        if (level >= closeAmp) holdLeft = this.holdSamples;
        else if (holdLeft > 0) holdLeft--;
        else open = false;
      }
      let target = 1;
      if (!open) {
        if (expander) {
          env = level > env ? level : env * aR;
          if (env < 1e-30) env = 0;
          const envDb = env > 0 ? Math.log(env * env) * LN_POWER_TO_DB : -1000;
          target = 10 ** (-expanderReduction(envDb, T, p.ratio, -R) / 20);
        } else target = floor;
      } else if (expander) env = level > env ? level : env * aR;
      g = target > g ? target + aA * (g - target) : target + aR * (g - target);
      for (let c = 0; c < n; c++) {
        let x = xs[c];
        if (la > 0) {
          const line = this.delay[c];
          const d = line[pos];
          line[pos] = x;
          x = d;
        }
        output[c][i] = x * g;
      }
      if (la > 0 && ++pos === la) pos = 0;
    }
    this.delayPos = pos;
    this.open = open;
    this.holdLeft = holdLeft;
    this.gain = g;
    this.env = env;
  }
}

export const GATE_FACTORY: ProcessorFactory = {
  type: "gate",
  description: "Noise gate / downward expander with hold, hysteresis and lookahead",
  specs: GATE_SPECS,
  create: (ctx, params) => new Gate(ctx, params as Partial<GateParams>),
};
