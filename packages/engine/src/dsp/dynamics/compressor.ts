import { designBiquad } from "../../core/biquad.ts";
import { fastExp, fastLogAbsF32Bits, fastLogBits } from "../../core/fast-math.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { isPlusZero } from "../../core/silence.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { CompressorKernel } from "./compressor-kernel.ts";
import {
  compressorReduction,
  DB_TO_LN,
  LN_POWER_TO_DB,
  smoothMeanSquare,
  timeCoefficient,
} from "./gain-computer.ts";

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
  private delay: Float32Array[] = [];
  private delayPos = 0;
  private sidechain: readonly Float32Array[] | null = null;
  /** The peak fast path's WebAssembly kernel (shared per thread), or null: the TypeScript loops run it. */
  private readonly kernel: CompressorKernel | null;

  /**
   * @param useKernel false keeps the peak fast path in TypeScript (the reference the WebAssembly kernel is
   * tested against); the output is the same either way.
   */
  constructor(ctx: ProcessorContext, params: Partial<CompressorParams> = {}, useKernel = true) {
    super(ctx, COMPRESSOR_SPECS, params, "compressor");
    this.kernel = useKernel && ctx.channels <= 2 ? CompressorKernel.get(ctx.channels === 2 ? 2 : 1) : null;
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

  /** True while any parameter is still gliding to a new value. */
  private get gliding(): boolean {
    return this.thr.moving || this.slope.moving || this.knee.moving || this.makeup.moving || this.wet.moving;
  }

  protected override idle(): boolean {
    if (this.gliding) return false;
    // Silence gives no reduction, so y stays 0 and the gain stays the make-up: 0 · gain = +0.
    for (let c = 0; c < this.channels; c++) {
      if (this.reduction[c] !== 0 || this.held[c] !== 0 || this.meanSquare[c] !== 0) return false;
      if (this.hpfState[2 * c] !== 0 || this.hpfState[2 * c + 1] !== 0) return false;
    }
    if (this.lookahead > 0)
      for (const d of this.delay) for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
    return !this.sidechain;
  }

  protected override skipIdle(frames: number): void {
    if (this.lookahead > 0) this.delayPos = (this.delayPos + frames) % this.lookahead;
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

  /** Block scratch: detector power per channel, then gain per channel (linked: row 0 only). */
  private det: Float64Array[] = [];
  /** The lookahead-delayed input of the fast path. */
  private delayed: Float32Array[] = [];
  /** `det` as 32-bit words, for fastLogBits. */
  private detBits: Int32Array[] = [];
  private gains: Float64Array[] = [];

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    const p = this.params;
    if (this.det.length === 0 || this.det[0].length < frames) {
      const len = Math.max(frames, 128);
      this.det = Array.from({ length: n }, () => new Float64Array(len));
      this.detBits = this.det.map((d) => new Int32Array(d.buffer));
      this.gains = Array.from({ length: n }, () => new Float64Array(len));
    }
    const perChannel = n > 1 && p.stereoLink < 1;
    if (!perChannel && this.peakFastPath(input, output, frames)) return;
    this.detect(input, frames);
    if (perChannel) {
      const link = p.stereoLink;
      const det = this.det;
      // Blend each channel's power towards the loudest: (1 − link)·own + link·max.
      for (let i = 0; i < frames; i++) {
        let m = 0;
        for (let c = 0; c < n; c++) if (det[c][i] > m) m = det[c][i];
        for (let c = 0; c < n; c++) det[c][i] += link * (m - det[c][i]);
      }
      const th = this.thr.value;
      const sl = this.slope.value;
      const kn = this.knee.value;
      const mk = this.makeup.value;
      const mx = this.wet.value;
      for (let c = 0; c < n; c++) {
        // Every channel replays the same parameter glide: smoothers restart from the block's start values.
        if (c > 0) this.restoreSmoothers(th, sl, kn, mk, mx);
        this.computeGains(det[c], this.detBits[c], this.gains[c], c, frames);
      }
    } else {
      const d0 = this.det[0];
      for (let c = 1; c < n; c++) {
        const d = this.det[c];
        for (let i = 0; i < frames; i++) if (d[i] > d0[i]) d0[i] = d[i];
      }
      this.computeGains(d0, this.detBits[0], this.gains[0], 0, frames);
    }
    // Apply to the (lookahead-delayed) audio.
    const la = this.lookahead;
    let pos = this.delayPos;
    for (let c = 0; c < n; c++) {
      const x = input[c];
      const y = output[c];
      const g = this.gains[perChannel ? c : 0];
      if (la === 0) {
        for (let i = 0; i < frames; i++) y[i] = x[i] * g[i];
        continue;
      }
      const line = this.delay[c];
      pos = this.delayPos;
      for (let i = 0; i < frames; i++) {
        const d = line[pos];
        line[pos] = x[i];
        y[i] = d * g[i];
        if (++pos === la) pos = 0;
      }
    }
    this.delayPos = pos;
  }

  /**
   * The commonest setting — peak detection of the input itself (no sidechain, no detector filter), channels
   * linked, hard knee, branching ballistics, fully wet, parameters at rest — reads levels straight from the
   * float32 bits of the input (20·log10|x| = 2·ln|x|·10/ln 10), with no detector buffer and no squaring.
   * Returns false when the setting is not that one.
   */
  private peakFastPath(input: readonly Float32Array[], output: Float32Array[], frames: number): boolean {
    const p = this.params;
    if (this.sidechain || this.hpfOn || p.detection !== "peak" || p.ballistics !== "branching") return false;
    if (this.gliding || this.knee.value !== 0 || this.wet.value !== 1 || this.channels > 2) return false;
    // The fast loops take the larger of the attack and release moves, which is right when attack is no slower.
    if (this.attackCoeff > this.releaseCoeff) return false;
    const T = this.thr.value;
    // |x| above this (as float32 bits, which order like the values for positive floats) is above the threshold.
    BITS_F32[0] = 10 ** (T / 20);
    const thresholdBits = BITS_I32[0];
    const b0 = new Int32Array(input[0].buffer, input[0].byteOffset, frames);
    const b1 = this.channels === 2 ? new Int32Array(input[1].buffer, input[1].byteOffset, frames) : b0;
    if (this.lookahead === 0 && isPlusZero(b0, frames) && isPlusZero(b1, frames)) {
      // Silence (+0) while the gain recovers: the target is 0, so only the release runs (the same arithmetic
      // as below with target 0), and 0 · gain is +0 — no logs, no exponentials.
      this.reduction[0] = releaseOnly(this.reduction[0], frames, this.attackCoeff, this.releaseCoeff);
      for (let c = 0; c < this.channels; c++) output[c].fill(0, 0, frames);
      return true;
    }
    // The gain is applied as it is computed (no gain buffer to write and read back), to the input or, with
    // lookahead, to the input delayed through the lookahead line first.
    const la = this.lookahead;
    let audio = input;
    if (la > 0) {
      if (this.delayed.length !== this.channels || this.delayed[0].length < frames) {
        this.delayed = Array.from({ length: this.channels }, () => new Float32Array(Math.max(frames, 128)));
      }
      let pos = this.delayPos;
      for (let c = 0; c < this.channels; c++) {
        const x = input[c];
        const d = this.delayed[c];
        const line = this.delay[c];
        pos = this.delayPos;
        for (let i = 0; i < frames; i++) {
          d[i] = line[pos];
          line[pos] = x[i];
          if (++pos === la) pos = 0;
        }
      }
      this.delayPos = pos;
      audio = this.delayed;
    }
    if (this.kernel) {
      this.reduction[0] = this.kernel.apply(
        input,
        audio,
        output,
        frames,
        this.reduction[0],
        thresholdBits,
        T,
        this.slope.value,
        this.makeup.value,
        this.attackCoeff,
        this.releaseCoeff,
      );
      return true;
    }
    if (this.channels === 1) {
      this.reduction[0] = peakHardKneeApplyMono(
        b0,
        audio[0],
        output[0],
        frames,
        this.reduction[0],
        thresholdBits,
        T,
        this.slope.value,
        this.makeup.value,
        this.attackCoeff,
        this.releaseCoeff,
      );
      return true;
    }
    const last = this.channels - 1;
    this.reduction[0] = peakHardKneeApply(
      b0,
      b1,
      audio[0],
      audio[last],
      output[0],
      output[last],
      frames,
      this.reduction[0],
      thresholdBits,
      T,
      this.slope.value,
      this.makeup.value,
      this.attackCoeff,
      this.releaseCoeff,
    );
    return true;
  }

  private restoreSmoothers(th: number, sl: number, kn: number, mk: number, mx: number): void {
    const p = this.params;
    this.thr.snap(th);
    this.thr.setTarget(p.thresholdDb);
    this.slope.snap(sl);
    this.slope.setTarget(1 - 1 / p.ratio);
    this.knee.snap(kn);
    this.knee.setTarget(p.kneeDb);
    this.makeup.snap(mk);
    this.makeup.setTarget(p.makeupDb);
    this.wet.snap(mx);
    this.wet.setTarget(p.mix);
  }

  /** Detector power per channel into `det`: key (input or sidechain) → optional high-pass → x² or mean square. */
  private detect(input: readonly Float32Array[], frames: number): void {
    const key = this.sidechain ?? input;
    const keyLast = key.length - 1;
    if (this.sidechain) {
      for (const [c, k] of this.sidechain.entries()) {
        if (!(k.length >= frames)) {
          throw new RangeError(`sidechain: channel ${c} holds ${k.length} frames, the block needs ${frames}`);
        }
      }
    }
    const rms = this.params.detection === "rms";
    const aM = this.rmsCoeff;
    const { hpfOn, hb0, hb1, hb2, ha1, ha2 } = this;
    const hs = this.hpfState;
    for (let c = 0; c < this.channels; c++) {
      const x = key[Math.min(c, keyLast)];
      const d = this.det[c];
      if (hpfOn) {
        let s1 = hs[2 * c];
        let s2 = hs[2 * c + 1];
        for (let i = 0; i < frames; i++) {
          const xi = x[i];
          const y = hb0 * xi + s1;
          s1 = hb1 * xi - ha1 * y + s2;
          s2 = hb2 * xi - ha2 * y;
          // Flushed per sample (not per block) so results never depend on block size.
          if (s1 > -1e-25 && s1 < 1e-25) s1 = 0;
          if (s2 > -1e-25 && s2 < 1e-25) s2 = 0;
          d[i] = y * y;
        }
        hs[2 * c] = s1;
        hs[2 * c + 1] = s2;
      } else {
        for (let i = 0; i < frames; i++) d[i] = x[i] * x[i];
      }
      if (rms) this.meanSquare[c] = smoothMeanSquare(d, frames, aM, this.meanSquare[c]);
    }
  }

  /**
   * Gain computer, ballistics and make-up for one detector row: power `det` → linear gain `out`, using and
   * updating the smoothing state of slot `c`. Logarithms only above the knee, exponentials only while
   * there is gain reduction (or the make-up moves); both table-based (core/fast-math.ts), which made this
   * loop about twice as fast as with Math.log/Math.exp. `bits` is `det` seen as 32-bit words.
   */
  private computeGains(
    det: Float64Array,
    bits: Int32Array,
    out: Float64Array,
    c: number,
    frames: number,
  ): void {
    // Module imports as locals: the hot loop then reads plain variables, not import bindings.
    const reduce = compressorReduction;
    const exp = fastExp;
    const log = fastLogBits;
    const kP = LN_POWER_TO_DB;
    const kG = DB_TO_LN;
    const aA = this.attackCoeff;
    const aR = this.releaseCoeff;
    const decoupled = this.params.ballistics === "decoupled";
    let y = this.reduction[c];
    let h = this.held[c];
    const moving = this.gliding;
    let T = this.thr.value;
    let S = this.slope.value;
    let W = this.knee.value;
    let makeup = this.makeup.value;
    let mix = this.wet.value;
    // The knee starts at T − W/2; below it (in power) there is nothing to compute.
    let kneeStart = exp((T - W / 2) / kP);
    let makeupGain = exp(makeup * kG);
    if (!moving && !decoupled && W === 0 && mix === 1 && aA <= aR) {
      y = hardKneeGains(det, bits, out, frames, y, kneeStart, T, S, makeup, makeupGain, aA, aR);
      this.reduction[c] = y;
      return;
    }
    for (let i = 0; i < frames; i++) {
      if (moving) {
        T = this.thr.next();
        S = this.slope.next();
        W = this.knee.next();
        makeup = this.makeup.next();
        mix = this.wet.next();
        kneeStart = exp((T - W / 2) / kP);
        makeupGain = exp(makeup * kG);
      }
      const v = det[i];
      // Above the knee v is a normal positive double (kneeStart > 1e-10), as fastLogBits needs; only +Infinity
      // (an infinite input) goes to Math.log.
      const target =
        v > kneeStart ? reduce((v < Infinity ? log(v, bits[2 * i + 1]) : Math.log(v)) * kP, T, S, W) : 0;
      if (decoupled) {
        h = aR * h + (1 - aR) * target;
        if (target > h) h = target;
        if (h < GR_FLOOR_DB) h = 0;
        y = aA * y + (1 - aA) * h;
      } else if (target > y) y = aA * y + (1 - aA) * target;
      else y = aR * y + (1 - aR) * target;
      if (y < GR_FLOOR_DB) y = 0;
      const g = y === 0 ? makeupGain : exp((makeup - y) * kG);
      out[i] = mix === 1 ? g : 1 + mix * (g - 1);
    }
    this.reduction[c] = y;
    this.held[c] = h;
  }
}

/**
 * computeGains for the common case — hard knee, branching ballistics, fully wet, parameters at rest — with
 * fewer branches: attack or release is picked with Math.max/min (the faster coefficient moves further towards
 * the target, whichever side it is on), not with a comparison the CPU cannot predict on audio that hovers
 * around the threshold. Returns the smoothed reduction after the last sample.
 */
function hardKneeGains(
  det: Float64Array,
  bits: Int32Array,
  out: Float64Array,
  frames: number,
  reduction: number,
  thresholdPower: number,
  T: number,
  S: number,
  makeup: number,
  makeupGain: number,
  aA: number,
  aR: number,
): number {
  const exp = fastExp;
  const log = fastLogBits;
  const kP = LN_POWER_TO_DB;
  const kG = DB_TO_LN;
  const bA = 1 - aA;
  const bR = 1 - aR;
  // Attack no slower than release (aA ≤ aR, checked by the caller): the wanted move is always the larger of the
  // two — above the level, attack climbs further; below it, release falls less far. (One form only: a choice
  // between Math.max and Math.min here made V8 box y on every sample.)
  let y = reduction;
  for (let i = 0; i < frames; i++) {
    const v = det[i];
    const over = v > thresholdPower ? (v < Infinity ? log(v, bits[2 * i + 1]) : Math.log(v)) * kP - T : 0;
    const target = S * Math.max(over, 0);
    const ya = aA * y + bA * target;
    const yr = aR * y + bR * target;
    y = Math.max(ya, yr);
    if (y < GR_FLOOR_DB) y = 0;
    out[i] = y === 0 ? makeupGain : exp((makeup - y) * kG);
  }
  return y;
}

/** The reduction after `frames` samples of target 0 from `reduction`, step by step as peakHardKneeGains does it. */
function releaseOnly(reduction: number, frames: number, aA: number, aR: number): number {
  let y = reduction;
  for (let i = 0; i < frames && y !== 0; i++) {
    // With target 0 the two moves are aA·y + 0 and aR·y + 0, exactly aA·y and aR·y.
    const ya = aA * y;
    const yr = aR * y;
    y = Math.max(ya, yr);
    if (y < GR_FLOOR_DB) y = 0;
  }
  return y;
}

const BITS_F32 = new Float32Array(1);
const BITS_I32 = new Int32Array(BITS_F32.buffer);

/**
 * hardKneeGains reading the level from float32 bits — the louder of two channels by comparing their
 * magnitudes' bits, the log from the bits — and applying each gain as it is computed: y = x · gain. Mono passes
 * the same arrays twice. (One loop with no branch left unused: V8 boxed a number on every sample when a loop
 * held code that never ran.)
 */
function peakHardKneeApply(
  b0: Int32Array,
  b1: Int32Array,
  x0: Float32Array,
  x1: Float32Array,
  y0: Float32Array,
  y1: Float32Array,
  frames: number,
  reduction: number,
  thresholdBits: number,
  T: number,
  S: number,
  makeup: number,
  aA: number,
  aR: number,
): number {
  const exp = fastExp;
  const log = fastLogAbsF32Bits;
  // 20·log10|x| = ln|x| · 20/ln 10.
  const kA = 2 * LN_POWER_TO_DB;
  const kG = DB_TO_LN;
  const makeupGain = exp(makeup * kG);
  const bA = 1 - aA;
  const bR = 1 - aR;
  let y = reduction;
  for (let i = 0; i < frames; i++) {
    const m0 = b0[i] & 0x7fffffff;
    const m1 = b1[i] & 0x7fffffff;
    const m = Math.max(m0, m1);
    // Finite levels as they are; ±Infinity and NaN as the largest float32 (a reduction that silences what
    // follows until it recovers; the NaN itself stays NaN). Math.min, not a ternary: choosing between these
    // constants (not small integers to V8) made it box a number on every sample.
    const f = Math.min(m, 0x7f7fffff);
    const over = f > thresholdBits ? log(f) * kA - T : 0;
    const target = S * Math.max(over, 0);
    const ya = aA * y + bA * target;
    const yr = aR * y + bR * target;
    y = Math.max(ya, yr);
    if (y < GR_FLOOR_DB) y = 0;
    const g = y === 0 ? makeupGain : exp((makeup - y) * kG);
    // Both read before either is written: in place, mono's x1 is x0 and y0.
    const v0 = x0[i];
    const v1 = x1[i];
    y0[i] = v0 * g;
    y1[i] = v1 * g;
  }
  return y;
}

/**
 * peakHardKneeApply for one channel: the same arithmetic without the second channel's reads, compare and
 * writes (most tracks are mono; passing the same arrays twice did all of it twice).
 */
function peakHardKneeApplyMono(
  b: Int32Array,
  x: Float32Array,
  out: Float32Array,
  frames: number,
  reduction: number,
  thresholdBits: number,
  T: number,
  S: number,
  makeup: number,
  aA: number,
  aR: number,
): number {
  const exp = fastExp;
  const log = fastLogAbsF32Bits;
  const kA = 2 * LN_POWER_TO_DB;
  const kG = DB_TO_LN;
  const makeupGain = exp(makeup * kG);
  const bA = 1 - aA;
  const bR = 1 - aR;
  let y = reduction;
  for (let i = 0; i < frames; i++) {
    // As in peakHardKneeApply (the louder of a channel and itself is the channel).
    const f = Math.min(b[i] & 0x7fffffff, 0x7f7fffff);
    const over = f > thresholdBits ? log(f) * kA - T : 0;
    const target = S * Math.max(over, 0);
    const ya = aA * y + bA * target;
    const yr = aR * y + bR * target;
    y = Math.max(ya, yr);
    if (y < GR_FLOOR_DB) y = 0;
    const g = y === 0 ? makeupGain : exp((makeup - y) * kG);
    out[i] = x[i] * g;
  }
  return y;
}

export const COMPRESSOR_FACTORY: ProcessorFactory = {
  type: "compressor",
  description: "Feed-forward compressor: soft knee, peak/RMS, stereo link, lookahead, sidechain",
  specs: COMPRESSOR_SPECS,
  create: (ctx, params) => new Compressor(ctx, params as Partial<CompressorParams>),
};
