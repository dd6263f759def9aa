import { designBiquad } from "../../core/biquad.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { compressorReduction, DB_TO_LN, LN_POWER_TO_DB, timeCoefficient } from "./gain-computer.ts";

/** Level detection: instantaneous peak, or RMS over `rmsMs`. */
export const DETECTION_MODES = ["peak", "rms"] as const;
export type DetectionMode = (typeof DETECTION_MODES)[number];
/** Attack/release smoothing of the gain reduction (Giannoulis et al. 2012, §3.2 "smooth" detectors). */
export const BALLISTICS = ["branching", "decoupled"] as const;
export type Ballistics = (typeof BALLISTICS)[number];

export interface CompressorParams extends Record<string, unknown> {
  /** Threshold T in dBFS (−80 … 0): levels above it are compressed. */
  thresholdDb: number;
  /** Ratio R (1 … 100): above the threshold the output rises 1 dB per R dB of input. */
  ratio: number;
  /** Attack time constant in ms (0 … 500): the gain reduction covers 63% of a step in this time. 0 = instant. */
  attackMs: number;
  /** Release time constant in ms (1 … 5000): 63% of the way back in this time. */
  releaseMs: number;
  /** Soft-knee width W in dB (0 … 30), centred on the threshold; 0 = hard knee. */
  kneeDb: number;
  /** Make-up gain in dB (−24 … 40) applied after compression. */
  makeupDb: number;
  /** Level detector: `peak` (|x|) or `rms` (mean square averaged over `rmsMs`). */
  detection: DetectionMode;
  /** RMS averaging time constant in ms (0.1 … 1000); only for `detection: "rms"`. */
  rmsMs: number;
  /**
   * Stereo link 0 … 1: 0 = every channel compresses on its own level, 1 = all channels follow the loudest
   * (same gain everywhere, no image shift); in between blends the two detector levels.
   */
  stereoLink: number;
  /** Lookahead in ms (0 … 20): the audio is delayed so the gain reacts before the peak. Adds this latency. */
  lookaheadMs: number;
  /** High-pass on the detector in Hz (0 … 1000; 0 = off), 12 dB/oct: bass no longer pumps the gain. */
  sidechainHpfHz: number;
  /** `branching` (attack/release switch on the gain reduction) or `decoupled` (release then attack). */
  ballistics: Ballistics;
  /** Wet share 0 … 1 (parallel compression): out = (1−mix)·dry + mix·compressed. */
  mix: number;
}

export const COMPRESSOR_SPECS: ParamSpecs = {
  thresholdDb: { kind: "number", unit: "dB", min: -80, max: 0, default: -18, description: "Threshold" },
  ratio: { kind: "number", unit: "", min: 1, max: 100, default: 4, description: "Compression ratio" },
  attackMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 500,
    default: 10,
    description: "Attack time constant (63%)",
  },
  releaseMs: {
    kind: "number",
    unit: "ms",
    min: 1,
    max: 5000,
    default: 100,
    description: "Release time constant (63%)",
  },
  kneeDb: { kind: "number", unit: "dB", min: 0, max: 30, default: 0, description: "Soft-knee width" },
  makeupDb: { kind: "number", unit: "dB", min: -24, max: 40, default: 0, description: "Make-up gain" },
  detection: { kind: "choice", options: DETECTION_MODES, default: "peak", description: "Level detector" },
  rmsMs: {
    kind: "number",
    unit: "ms",
    min: 0.1,
    max: 1000,
    default: 10,
    description: "RMS averaging time (rms detection)",
  },
  stereoLink: {
    kind: "number",
    unit: "",
    min: 0,
    max: 1,
    default: 1,
    description: "0 = channels independent, 1 = fully linked",
  },
  lookaheadMs: {
    kind: "number",
    unit: "ms",
    min: 0,
    max: 20,
    default: 0,
    description: "Lookahead (latency)",
  },
  sidechainHpfHz: {
    kind: "number",
    unit: "Hz",
    min: 0,
    max: 1000,
    default: 0,
    description: "Detector high-pass (0 = off)",
  },
  ballistics: {
    kind: "choice",
    options: BALLISTICS,
    default: "branching",
    description: "Attack/release smoothing topology",
  },
  mix: { kind: "number", unit: "", min: 0, max: 1, default: 1, description: "Wet share (parallel)" },
};

/** Parameter smoothing time constant, ms: fast enough to follow a fader, slow enough not to zipper. */
const PARAM_MS = 20;
/** Gain reductions below this (dB) are zero: ends the release tail exactly instead of denormals. */
const GR_FLOOR_DB = 1e-9;

/**
 * Feed-forward compressor: detector (optional high-pass, peak or RMS, stereo link) → log-domain gain
 * computer with the Giannoulis/Massberg/Reiss soft knee → attack/release smoothing of the gain reduction
 * in dB → make-up. JSON: `{"type":"compressor","thresholdDb":-18,"ratio":4,"attackMs":10,"releaseMs":100}`.
 *
 * External sidechain: `setSidechain(channels)` makes the detector listen to other audio (a ducking key);
 * `processWithSidechain` does it for one block. Latency = `lookaheadMs`.
 */
export class Compressor extends Processor<CompressorParams> {
  readonly type = "compressor";
  private readonly thr: Smoother;
  private readonly slope: Smoother;
  private readonly knee: Smoother;
  private readonly makeup: Smoother;
  private readonly wet: Smoother;
  private attackCoeff = 0;
  private releaseCoeff = 0;
  private rmsCoeff = 0;
  private lookahead = 0;
  private hpfOn = false;
  private hb0 = 1;
  private hb1 = 0;
  private hb2 = 0;
  private ha1 = 0;
  private ha2 = 0;
  /** Per channel: detector high-pass states (2 each), mean square, smoothed reduction, decoupled stage. */
  private readonly hpfState: Float64Array;
  private readonly meanSquare: Float64Array;
  private readonly reduction: Float64Array;
  private readonly held: Float64Array;
  /** Per-sample detector powers across channels (scratch). */
  private readonly power: Float64Array;
  private readonly xs: Float64Array;
  private delay: Float32Array[] = [];
  private delayPos = 0;
  private sidechain: readonly Float32Array[] | null = null;

  constructor(ctx: ProcessorContext, params: Partial<CompressorParams> = {}) {
    super(ctx, COMPRESSOR_SPECS, params, "compressor");
    const fs = ctx.sampleRate;
    const p = this.params;
    this.thr = new Smoother(fs, PARAM_MS, p.thresholdDb);
    this.slope = new Smoother(fs, PARAM_MS, 1 - 1 / p.ratio);
    this.knee = new Smoother(fs, PARAM_MS, p.kneeDb);
    this.makeup = new Smoother(fs, PARAM_MS, p.makeupDb);
    this.wet = new Smoother(fs, PARAM_MS, p.mix);
    const n = ctx.channels;
    this.hpfState = new Float64Array(2 * n);
    this.meanSquare = new Float64Array(n);
    this.reduction = new Float64Array(n);
    this.held = new Float64Array(n);
    this.power = new Float64Array(n);
    this.xs = new Float64Array(n);
    this.paramsChanged();
  }

  override get latency(): number {
    return this.lookahead;
  }

  /** The gain reduction now, in dB (≥ 0), the largest over the channels: for a meter. */
  get gainReductionDb(): number {
    let m = 0;
    for (const r of this.reduction) if (r > m) m = r;
    return m;
  }

  /**
   * Makes the detector listen to `channels` instead of the input (external key), or to the input again
   * (`null`). The arrays must hold at least as many frames as each following `process` call and be
   * refilled by the caller before each call; channel c keys from `channels[min(c, length − 1)]`.
   */
  setSidechain(channels: readonly Float32Array[] | null): void {
    if (channels && channels.length === 0) throw new RangeError("sidechain: needs at least one channel");
    this.sidechain = channels;
  }

  /** Processes one block keyed by `sidechain` (see `setSidechain`), then returns to self-keying. */
  processWithSidechain(
    input: readonly Float32Array[],
    sidechain: readonly Float32Array[],
    output: Float32Array[],
    frames: number = input[0]?.length ?? 0,
  ): void {
    this.setSidechain(sidechain);
    try {
      this.process(input, output, frames);
    } finally {
      this.sidechain = null;
    }
  }

  protected override paramsChanged(): void {
    const p = this.params;
    const fs = this.sampleRate;
    this.thr.setTarget(p.thresholdDb);
    this.slope.setTarget(1 - 1 / p.ratio);
    this.knee.setTarget(p.kneeDb);
    this.makeup.setTarget(p.makeupDb);
    this.wet.setTarget(p.mix);
    this.attackCoeff = timeCoefficient(p.attackMs, fs);
    this.releaseCoeff = timeCoefficient(p.releaseMs, fs);
    this.rmsCoeff = timeCoefficient(p.rmsMs, fs);
    this.hpfOn = p.sidechainHpfHz > 0;
    if (this.hpfOn) {
      const c = designBiquad("highpass", fs, Math.min(p.sidechainHpfHz, 0.45 * fs), Math.SQRT1_2);
      this.hb0 = c.b0;
      this.hb1 = c.b1;
      this.hb2 = c.b2;
      this.ha1 = c.a1;
      this.ha2 = c.a2;
    }
    const la = Math.round((p.lookaheadMs / 1000) * fs);
    if (la !== this.lookahead || this.delay.length === 0) {
      this.lookahead = la;
      this.delay = Array.from({ length: this.channels }, () => new Float32Array(Math.max(1, la)));
      this.delayPos = 0;
    }
  }

  protected resetState(): void {
    const p = this.params;
    this.thr.snap(p.thresholdDb);
    this.slope.snap(1 - 1 / p.ratio);
    this.knee.snap(p.kneeDb);
    this.makeup.snap(p.makeupDb);
    this.wet.snap(p.mix);
    this.hpfState.fill(0);
    this.meanSquare.fill(0);
    this.reduction.fill(0);
    this.held.fill(0);
    for (const d of this.delay) d.fill(0);
    this.delayPos = 0;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    const p = this.params;
    const key = this.sidechain ?? input;
    const keyLast = key.length - 1;
    const rms = p.detection === "rms";
    const decoupled = p.ballistics === "decoupled";
    const link = n === 1 ? 1 : p.stereoLink;
    const aA = this.attackCoeff;
    const aR = this.releaseCoeff;
    const aM = this.rmsCoeff;
    const { hpfOn, hb0, hb1, hb2, ha1, ha2 } = this;
    const hs = this.hpfState;
    const ms = this.meanSquare;
    const red = this.reduction;
    const held = this.held;
    const pw = this.power;
    const xs = this.xs;
    const la = this.lookahead;
    const delay = this.delay;
    let pos = this.delayPos;
    // The knee starts at T − W/2; below it (in power) nothing is computed: silence costs no logarithm.
    let lastT = Number.NaN;
    let lastW = Number.NaN;
    let kneeStart = 0;
    for (let i = 0; i < frames; i++) {
      const T = this.thr.next();
      const S = this.slope.next();
      const W = this.knee.next();
      const makeup = this.makeup.next();
      const mix = this.wet.next();
      if (T !== lastT || W !== lastW) {
        lastT = T;
        lastW = W;
        kneeStart = Math.exp((T - W / 2) / LN_POWER_TO_DB);
      }
      // Detector powers.
      let peak = 0;
      for (let c = 0; c < n; c++) {
        xs[c] = input[c][i];
        let s = key[Math.min(c, keyLast)][i];
        if (hpfOn) {
          const k = 2 * c;
          const y = hb0 * s + hs[k];
          const s1 = hb1 * s - ha1 * y + hs[k + 1];
          const s2 = hb2 * s - ha2 * y;
          // Flushed per sample (not per block) so results never depend on block size.
          hs[k] = s1 > -1e-25 && s1 < 1e-25 ? 0 : s1;
          hs[k + 1] = s2 > -1e-25 && s2 < 1e-25 ? 0 : s2;
          s = y;
        }
        let v = s * s;
        if (rms) {
          const m = v + aM * (ms[c] - v);
          v = ms[c] = m < 1e-30 ? 0 : m;
        }
        pw[c] = v;
        if (v > peak) peak = v;
      }
      // Gain computer and ballistics: once when fully linked, else per channel.
      const perChannel = link < 1;
      const count = perChannel ? n : 1;
      let g0 = 1;
      for (let c = 0; c < count; c++) {
        const v = perChannel ? pw[c] + link * (peak - pw[c]) : peak;
        const target = v > kneeStart ? compressorReduction(Math.log(v) * LN_POWER_TO_DB, T, S, W) : 0;
        let y = red[c];
        if (decoupled) {
          const r = aR * held[c] + (1 - aR) * target;
          const h = Math.max(target, r);
          held[c] = h < GR_FLOOR_DB ? 0 : h;
          y = aA * y + (1 - aA) * held[c];
        } else {
          y = target > y ? aA * y + (1 - aA) * target : aR * y + (1 - aR) * target;
        }
        if (y < GR_FLOOR_DB) y = 0;
        red[c] = y;
        const gdb = makeup - y;
        const g = gdb === 0 ? 1 : Math.exp(gdb * DB_TO_LN);
        const gm = mix === 1 ? g : 1 + mix * (g - 1);
        if (perChannel) pw[c] = gm;
        else g0 = gm;
      }
      // Apply to the (lookahead-delayed) audio.
      for (let c = 0; c < n; c++) {
        let x = xs[c];
        if (la > 0) {
          const line = delay[c];
          const d = line[pos];
          line[pos] = x;
          x = d;
        }
        output[c][i] = x * (perChannel ? pw[c] : g0);
      }
      if (la > 0 && ++pos === la) pos = 0;
    }
    this.delayPos = pos;
  }
}

export const COMPRESSOR_FACTORY: ProcessorFactory = {
  type: "compressor",
  description: "Feed-forward compressor: soft knee, peak/RMS, stereo link, lookahead, sidechain",
  specs: COMPRESSOR_SPECS,
  create: (ctx, params) => new Compressor(ctx, params as Partial<CompressorParams>),
};
