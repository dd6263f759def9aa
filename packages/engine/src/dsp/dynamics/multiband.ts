import { checkNumber, ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { Crossover } from "../eq/crossover.ts";
import { COMPRESSOR_SPECS, DETECTION_MODES } from "./compressor.ts";
import {
  compressorReduction,
  DB_TO_LN,
  LN_POWER_TO_DB,
  smoothMeanSquare,
  timeCoefficient,
} from "./gain-computer.ts";

/** One band's compressor. Omitted fields take the defaults in `BAND_DEFAULTS`. */
export interface MultibandBand {
  /** Threshold in dBFS (−80 … 0). */
  thresholdDb?: number;
  /** Ratio (1 … 100); 1 = no compression. */
  ratio?: number;
  /** Attack time constant, ms (0 … 500). */
  attackMs?: number;
  /** Release time constant, ms (1 … 5000). */
  releaseMs?: number;
  /** Make-up gain, dB (−24 … 24). */
  makeupDb?: number;
  /** Soft-knee width, dB (0 … 30). */
  kneeDb?: number;
}

type Band = Required<MultibandBand>;

export const BAND_DEFAULTS: Readonly<Band> = Object.freeze({
  thresholdDb: -24,
  ratio: 2,
  attackMs: 10,
  releaseMs: 150,
  makeupDb: 0,
  kneeDb: 6,
});

/** Ranges of the band fields: [min, max, unit]. */
const BAND_RANGES: Record<keyof Band, [number, number, string]> = {
  thresholdDb: [-80, 0, "dB"],
  ratio: [1, 100, ""],
  attackMs: [0, 500, "ms"],
  releaseMs: [1, 5000, "ms"],
  makeupDb: [-24, 24, "dB"],
  kneeDb: [0, 30, "dB"],
};

export interface MultibandParams extends Record<string, unknown> {
  /** Crossover frequencies in Hz, 1 … 5 of them, strictly ascending, 20 … 20000 (and below 0.45 × sample rate). */
  crossovers: number[];
  /** One compressor per band, lowest first: exactly `crossovers.length + 1` entries. */
  bands: MultibandBand[];
  /** Output gain in dB (−24 … 24). */
  outputDb: number;
  /** Band level detectors: `peak` (|x|) or `rms` (mean square over `rmsMs`). */
  detection: "peak" | "rms";
  /** RMS averaging time constant, ms (0.1 … 1000), for `detection: "rms"`. */
  rmsMs: number;
}

function validateCrossovers(path: string, value: unknown): void {
  const v = value as unknown[];
  if (v.length < 1 || v.length > 5)
    throw new ParamError(path, `must list 1 … 5 frequencies, got ${v.length}`);
  v.forEach((f, i) => {
    checkNumber(`${path}[${i}]`, f, 20, 20000, "Hz");
    if (i > 0 && !((f as number) > (v[i - 1] as number))) {
      throw new ParamError(
        `${path}[${i}]`,
        `must be above the previous crossover (${v[i - 1]} Hz), got ${f}`,
      );
    }
  });
}

function validateBands(path: string, value: unknown): void {
  const v = value as unknown[];
  if (v.length < 2 || v.length > 6) throw new ParamError(path, `must list 2 … 6 bands, got ${v.length}`);
  v.forEach((b, i) => {
    const at = `${path}[${i}]`;
    if (b === null || typeof b !== "object" || Array.isArray(b)) {
      throw new ParamError(
        at,
        `must be an object like {"thresholdDb":-24,"ratio":2}, got ${JSON.stringify(b)}`,
      );
    }
    for (const [k, x] of Object.entries(b)) {
      const range = BAND_RANGES[k as keyof Band];
      if (!range)
        throw new ParamError(
          `${at}.${k}`,
          `unknown band field (known: ${Object.keys(BAND_RANGES).join(", ")})`,
        );
      checkNumber(`${at}.${k}`, x, range[0], range[1], range[2]);
    }
  });
}

export const MULTIBAND_SPECS: ParamSpecs = {
  crossovers: {
    kind: "list",
    default: [120, 2000, 8000],
    description: "Crossover frequencies in Hz (ascending, 1 … 5), Linkwitz-Riley 24 dB/oct",
    validate: validateCrossovers,
  },
  bands: {
    kind: "list",
    default: [{}, {}, {}, {}],
    description: "Per band {thresholdDb, ratio, attackMs, releaseMs, makeupDb, kneeDb}, lowest first",
    validate: validateBands,
  },
  outputDb: { kind: "number", unit: "dB", min: -24, max: 24, default: 0, description: "Output gain" },
  detection: {
    kind: "choice",
    options: DETECTION_MODES,
    default: "peak",
    description: "Band level detector",
  },
  // The same RMS detector as the compressor's (`smoothMeanSquare`).
  rmsMs: COMPRESSOR_SPECS.rmsMs,
};

const PARAM_MS = 20;
const GR_FLOOR_DB = 1e-9;

/**
 * Multiband compressor: Linkwitz-Riley 4th-order crossovers with all-pass compensation (`Crossover`), a
 * peak- or RMS-detecting soft-knee compressor per band (all channels linked within a band), bands summed back.
 * With no band compressing, the output is the input through an all-pass: flat magnitude. No latency. JSON:
 * `{"type":"multiband","crossovers":[120,2000,8000],"bands":[{"thresholdDb":-20,"ratio":3},{},{},{}]}`.
 */
export class Multiband extends Processor<MultibandParams> {
  readonly type = "multiband";
  private crossover: Crossover | null = null;
  private bandsNow: Band[] = [];
  private thr: Smoother[] = [];
  private slope: Smoother[] = [];
  private knee: Smoother[] = [];
  private makeup: Smoother[] = [];
  private readonly out: Smoother;
  private attack: number[] = [];
  private release: number[] = [];
  /** Smoothed gain reduction per band, dB; mean square per band (rms detection). */
  private reduction = new Float64Array(0);
  private meanSquare = new Float64Array(0);
  private rmsCoeff = 0;
  /** Band signals [channel][band], the same arrays by [band][channel], and the output sum [channel]. */
  private bandBuf: Float64Array[][] = [];
  private byBand: Float64Array[][] = [];
  private sum: Float64Array[] = [];

  constructor(ctx: ProcessorContext, params: Partial<MultibandParams> = {}) {
    super(ctx, MULTIBAND_SPECS, params, "multiband");
    checkShape(this.params, ctx.sampleRate);
    this.out = new Smoother(ctx.sampleRate, PARAM_MS, 10 ** (this.params.outputDb / 20));
    this.paramsChanged();
  }

  override setParams(partial: Partial<MultibandParams>): void {
    checkShape({ ...this.params, ...partial } as MultibandParams, this.sampleRate);
    super.setParams(partial);
  }

  /** Gain reduction now per band, dB (≥ 0), lowest band first: for meters. */
  get gainReductionDb(): number[] {
    return [...this.reduction];
  }

  protected override paramsChanged(): void {
    const p = this.params;
    const fs = this.sampleRate;
    const nb = p.crossovers.length + 1;
    this.bandsNow = p.bands.map((b) => ({ ...BAND_DEFAULTS, ...b }));
    if (this.crossover === null || this.crossover.bands !== nb) {
      this.crossover = new Crossover({ sampleRate: fs, channels: this.channels }, p.crossovers, 24);
      const mk = (f: (b: Band) => number) => this.bandsNow.map((b) => new Smoother(fs, PARAM_MS, f(b)));
      this.thr = mk((b) => b.thresholdDb);
      this.slope = mk((b) => 1 - 1 / b.ratio);
      this.knee = mk((b) => b.kneeDb);
      this.makeup = mk((b) => b.makeupDb);
      this.reduction = new Float64Array(nb);
      this.meanSquare = new Float64Array(nb);
      this.bandBuf = [];
    } else {
      this.crossover.setFrequencies(p.crossovers, true);
    }
    this.bandsNow.forEach((b, k) => {
      this.thr[k].setTarget(b.thresholdDb);
      this.slope[k].setTarget(1 - 1 / b.ratio);
      this.knee[k].setTarget(b.kneeDb);
      this.makeup[k].setTarget(b.makeupDb);
    });
    this.attack = this.bandsNow.map((b) => timeCoefficient(b.attackMs, fs));
    this.release = this.bandsNow.map((b) => timeCoefficient(b.releaseMs, fs));
    this.out.setTarget(10 ** (p.outputDb / 20));
    this.rmsCoeff = timeCoefficient(p.rmsMs, fs);
  }

  protected resetState(): void {
    this.crossover?.reset();
    this.bandsNow.forEach((b, k) => {
      this.thr[k].snap(b.thresholdDb);
      this.slope[k].snap(1 - 1 / b.ratio);
      this.knee[k].snap(b.kneeDb);
      this.makeup[k].snap(b.makeupDb);
    });
    this.out.snap(10 ** (this.params.outputDb / 20));
    this.reduction.fill(0);
    this.meanSquare.fill(0);
  }

  private detBuf = new Float64Array(0);
  private det(frames: number): Float64Array {
    if (this.detBuf.length < frames) this.detBuf = new Float64Array(frames);
    return this.detBuf;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const n = this.channels;
    const nb = this.bandsNow.length;
    if (this.bandBuf.length !== n || this.bandBuf[0].length !== nb || this.bandBuf[0][0].length < frames) {
      this.bandBuf = Array.from({ length: n }, () =>
        Array.from({ length: nb }, () => new Float64Array(frames)),
      );
      this.byBand = Array.from({ length: nb }, (_, k) => this.bandBuf.map((ch) => ch[k]));
      this.sum = Array.from({ length: n }, () => new Float64Array(frames));
    }
    this.crossover?.process(input, this.byBand, frames);
    for (let c = 0; c < n; c++) this.sum[c].fill(0, 0, frames);
    // Module imports as locals: the hot loop then reads plain variables, not import bindings.
    const reduce = compressorReduction;
    const kP = LN_POWER_TO_DB;
    const kG = DB_TO_LN;
    const rms = this.params.detection === "rms";
    const aM = this.rmsCoeff;
    const det = this.det(frames);
    for (let k = 0; k < nb; k++) {
      const thr = this.thr[k];
      const slope = this.slope[k];
      const knee = this.knee[k];
      const makeup = this.makeup[k];
      const aA = this.attack[k];
      const aR = this.release[k];
      // Channels are linked within a band: the loudest drives the gain.
      const b0 = this.bandBuf[0][k];
      for (let i = 0; i < frames; i++) det[i] = b0[i] * b0[i];
      for (let c = 1; c < n; c++) {
        const b = this.bandBuf[c][k];
        for (let i = 0; i < frames; i++) if (b[i] * b[i] > det[i]) det[i] = b[i] * b[i];
      }
      if (rms) this.meanSquare[k] = smoothMeanSquare(det, frames, aM, this.meanSquare[k]);
      const moving = thr.moving || slope.moving || knee.moving || makeup.moving;
      let T = thr.value;
      let S = slope.value;
      let W = knee.value;
      let m = makeup.value;
      // Below the knee's start (as a power) there is nothing to compute, and no logarithm of silence.
      let kneeStart = Math.exp((T - W / 2) / kP);
      let mGain = Math.exp(m * kG);
      let y = this.reduction[k];
      for (let i = 0; i < frames; i++) {
        if (moving) {
          T = thr.next();
          S = slope.next();
          W = knee.next();
          m = makeup.next();
          kneeStart = Math.exp((T - W / 2) / kP);
          mGain = Math.exp(m * kG);
        }
        const v = det[i];
        const target = S > 0 && v > kneeStart ? reduce(Math.log(v) * kP, T, S, W) : 0;
        y = target > y ? aA * y + (1 - aA) * target : aR * y + (1 - aR) * target;
        if (y < GR_FLOOR_DB) y = 0;
        det[i] = y === 0 ? mGain : Math.exp((m - y) * kG);
      }
      this.reduction[k] = y;
      for (let c = 0; c < n; c++) {
        const b = this.bandBuf[c][k];
        const sum = this.sum[c];
        for (let i = 0; i < frames; i++) sum[i] += b[i] * det[i];
      }
    }
    if (this.out.moving) {
      for (let i = 0; i < frames; i++) {
        const g = this.out.next();
        for (let c = 0; c < n; c++) output[c][i] = this.sum[c][i] * g;
      }
    } else {
      const g = this.out.value;
      for (let c = 0; c < n; c++) for (let i = 0; i < frames; i++) output[c][i] = this.sum[c][i] * g;
    }
  }
}

/** Cross-field checks: band count matches the crossovers, crossovers below 0.45 × the sample rate. */
function checkShape(p: MultibandParams, sampleRate: number): void {
  if (p.bands.length !== p.crossovers.length + 1) {
    throw new ParamError(
      "multiband.bands",
      `needs ${p.crossovers.length + 1} bands for ${p.crossovers.length} crossovers, got ${p.bands.length}`,
    );
  }
  const top = 0.45 * sampleRate;
  p.crossovers.forEach((f, i) => {
    if (f >= top) {
      throw new ParamError(
        `multiband.crossovers[${i}]`,
        `must be below ${top} Hz at ${sampleRate} Hz, got ${f}`,
      );
    }
  });
}

export const MULTIBAND_FACTORY: ProcessorFactory = {
  type: "multiband",
  description: "Multiband compressor on Linkwitz-Riley crossovers (bands sum flat)",
  specs: MULTIBAND_SPECS,
  create: (ctx, params) => new Multiband(ctx, params as Partial<MultibandParams>),
};
