import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { DB_TO_LN, timeCoefficient } from "./gain-computer.ts";

export interface TransientParams extends Record<string, unknown> {
  /** Gain on attacks, dB (−24 … 24): + makes hits snappier, − softens them. */
  attackDb: number;
  /** Gain on sustains/decays, dB (−24 … 24): + brings up ring and room, − dries the tail. */
  sustainDb: number;
}

export const TRANSIENT_SPECS: ParamSpecs = {
  attackDb: { kind: "number", unit: "dB", min: -24, max: 24, default: 0, description: "Gain on attacks" },
  sustainDb: { kind: "number", unit: "dB", min: -24, max: 24, default: 0, description: "Gain on sustains" },
};

/** Window of the sliding peak level, ms: longer than the period of 100 Hz, so steady tones give a flat level. */
const WINDOW_MS = 10;
/** Fast envelope time constant (both directions), ms. */
const FAST_MS = 1;
/** The attack envelope rises this slowly (falls at FAST_MS): the gap to the fast one marks an attack. */
const ATTACK_SLOW_MS = 20;
/** The sustain envelope falls this slowly (and is at least the fast one): the gap marks a decaying tail. */
const SUSTAIN_SLOW_MS = 200;
/** Envelope gap in dB at which the full attackDb / sustainDb applies. */
const FULL_EFFECT_DB = 6;
const PARAM_MS = 20;
/** Below this level (−180 dB) envelopes count as silent: keeps the ratio of two silences at 1. */
const EPS = 1e-9;

/**
 * Transient shaper, envelope-difference design (level-independent, no threshold). The level is the sliding
 * peak |x| of the loudest channel over 10 ms (flat for any steady tone above 100 Hz). Three envelopes
 * follow it: fast (1 ms), slow-rising (20 ms up, 1 ms down) and slow-falling (200 ms down, never below the fast one).
 * On an attack the fast envelope runs ahead of the slow-rising one; in a decay the slow-falling one stays
 * above the fast one. Gain (dB) = attackDb · min(1, attack gap / 6 dB) + sustainDb · min(1, sustain gap / 6 dB).
 * Steady signals get exactly 0 dB; with both amounts 0 the output is the input, bit for bit. No latency.
 * JSON: `{"type":"transient","attackDb":4,"sustainDb":-3}`.
 */
export class TransientShaper extends Processor<TransientParams> {
  readonly type = "transient";
  private readonly attackAmt: Smoother;
  private readonly sustainAmt: Smoother;
  private readonly fastCoeff: number;
  private readonly attackSlowCoeff: number;
  private readonly sustainSlowCoeff: number;
  private readonly window: number;
  /** Sliding maximum: monotonic deque in rings. */
  private readonly dqVal: Float64Array;
  private readonly dqIdx: Float64Array;
  private head = 0;
  private len = 0;
  private index = 0;
  private fast = 0;
  private attackEnv = 0;
  private sustainEnv = 0;
  private lastGainDb = 0;

  constructor(ctx: ProcessorContext, params: Partial<TransientParams> = {}) {
    super(ctx, TRANSIENT_SPECS, params, "transient");
    const fs = ctx.sampleRate;
    this.attackAmt = new Smoother(fs, PARAM_MS, this.params.attackDb);
    this.sustainAmt = new Smoother(fs, PARAM_MS, this.params.sustainDb);
    this.fastCoeff = timeCoefficient(FAST_MS, fs);
    this.attackSlowCoeff = timeCoefficient(ATTACK_SLOW_MS, fs);
    this.sustainSlowCoeff = timeCoefficient(SUSTAIN_SLOW_MS, fs);
    this.window = Math.max(1, Math.round((WINDOW_MS / 1000) * fs));
    this.dqVal = new Float64Array(this.window + 1);
    this.dqIdx = new Float64Array(this.window + 1);
  }

  /** The gain applied to the last sample, dB: for a meter. */
  get gainDb(): number {
    return this.lastGainDb;
  }

  protected override paramsChanged(): void {
    this.attackAmt.setTarget(this.params.attackDb);
    this.sustainAmt.setTarget(this.params.sustainDb);
  }

  protected resetState(): void {
    this.attackAmt.snap(this.params.attackDb);
    this.sustainAmt.snap(this.params.sustainDb);
    this.head = 0;
    this.len = 0;
    this.index = 0;
    this.fast = 0;
    this.attackEnv = 0;
    this.sustainEnv = 0;
    this.lastGainDb = 0;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    const W = this.window;
    const cap = W + 1;
    const dqVal = this.dqVal;
    const dqIdx = this.dqIdx;
    const kF = this.fastCoeff;
    const kA = this.attackSlowCoeff;
    const kS = this.sustainSlowCoeff;
    let head = this.head;
    let len = this.len;
    let idx = this.index;
    let fast = this.fast;
    let att = this.attackEnv;
    let sus = this.sustainEnv;
    let gDb = this.lastGainDb;
    const kG = DB_TO_LN;
    for (let i = 0; i < frames; i++) {
      let level = 0;
      for (let c = 0; c < n; c++) {
        const x = input[c][i];
        const a = x < 0 ? -x : x;
        if (a > level) level = a;
      }
      // Sliding maximum over the last W samples.
      while (len > 0 && dqVal[(head + len - 1) % cap] <= level) len--;
      const tail = (head + len) % cap;
      dqVal[tail] = level;
      dqIdx[tail] = idx;
      len++;
      if (dqIdx[head] <= idx - W) {
        head = head + 1 === cap ? 0 : head + 1;
        len--;
      }
      idx++;
      const peak = dqVal[head];
      fast = peak + kF * (fast - peak);
      att = peak + (peak > att ? kA : kF) * (att - peak);
      // The sustain envelope never sits below the fast one: after an old tail, a new onset starts level.
      sus = peak + kS * (sus - peak);
      if (sus < fast) sus = fast;
      if (fast < 1e-25) fast = 0;
      if (att < 1e-25) att = 0;
      if (sus < 1e-25) sus = 0;
      const aDb = this.attackAmt.next();
      const sDb = this.sustainAmt.next();
      gDb = 0;
      if (aDb !== 0 || sDb !== 0) {
        // Gaps in dB (≥ 0), each a single logarithm of a ratio.
        const attackGap = fast > att ? 20 * Math.log10((fast + EPS) / (att + EPS)) : 0;
        const sustainGap = sus > fast ? 20 * Math.log10((sus + EPS) / (fast + EPS)) : 0;
        gDb = aDb * Math.min(1, attackGap / FULL_EFFECT_DB) + sDb * Math.min(1, sustainGap / FULL_EFFECT_DB);
      }
      if (gDb === 0) for (let c = 0; c < n; c++) output[c][i] = input[c][i];
      else {
        const g = Math.exp(gDb * kG);
        for (let c = 0; c < n; c++) output[c][i] = input[c][i] * g;
      }
    }
    this.head = head;
    this.len = len;
    this.index = idx;
    this.fast = fast;
    this.attackEnv = att;
    this.sustainEnv = sus;
    this.lastGainDb = gDb;
  }
}

export const TRANSIENT_FACTORY: ProcessorFactory = {
  type: "transient",
  description: "Transient shaper: more or less attack and sustain, level-independent",
  specs: TRANSIENT_SPECS,
  create: (ctx, params) => new TransientShaper(ctx, params as Partial<TransientParams>),
};
