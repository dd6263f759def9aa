/**
 * Linkwitz-Riley crossover: splits a signal into N bands that sum back to an allpass (flat magnitude).
 *
 * The splits run in a tree from low to high: band 0 is the lowpass at f1; the rest is high-passed at f1 and
 * split again at f2, and so on; the last band is what is left. Each lower band is then passed through the
 * allpass equivalents of all the splits above it, so every band carries the same phase as the path through
 * the higher splits, and lowpass + highpass of every split sum to that allpass: the bands sum to the product
 * of the splits' allpasses. With slope 12 (order 2) each split's highpass is inverted, as an order-2
 * Linkwitz-Riley pair needs to sum flat (the bands above the first are then of opposite polarity).
 *
 * The filters run in 64-bit; bands go out as 32-bit (the EQ) or 64-bit (the multiband compressor and the
 * de-esser, which sum them back and want the all-pass sum exact).
 */
import type { BiquadCoefficients } from "../../core/biquad.ts";
import { ParamError } from "../../core/params.ts";
import type { ProcessorContext } from "../../core/processor.ts";
import {
  cascadeResponse,
  linkwitzRileyAllpassSections,
  linkwitzRileySections,
  linkwitzRileySumSign,
} from "./design.ts";
import { SectionChain } from "./section-chain.ts";

export type CrossoverSlope = 12 | 24 | 48;

/** Most bands a crossover makes. */
export const MAX_CROSSOVER_BANDS = 16;
/** Crossover frequencies must lie in 10 Hz … this fraction of the sample rate. */
const MAX_FRACTION = 0.45;
const CHUNK = 1024;

/**
 * Checks crossover frequencies: 1 … 15 of them, strictly rising, each 10 Hz … 0.45 × sample rate. Errors are
 * ParamErrors at `path[i]`.
 */
export function checkCrossoverFrequencies(path: string, freqs: readonly number[], sampleRate: number): void {
  if (!Array.isArray(freqs) || freqs.length < 1 || freqs.length > MAX_CROSSOVER_BANDS - 1) {
    throw new ParamError(
      path,
      `must list 1 to ${MAX_CROSSOVER_BANDS - 1} frequencies in Hz, got ${JSON.stringify(freqs)}`,
    );
  }
  // The exact limit, so a frequency clamped to 0.45 × the sample rate (the de-esser's split) passes.
  const hi = MAX_FRACTION * sampleRate;
  freqs.forEach((f, i) => {
    if (typeof f !== "number" || !Number.isFinite(f) || f < 10 || f > hi) {
      throw new ParamError(`${path}[${i}]`, `must be between 10 and ${hi} Hz, got ${JSON.stringify(f)}`);
    }
    if (i > 0 && f <= freqs[i - 1]) {
      throw new ParamError(
        `${path}[${i}]`,
        `must be above the previous frequency ${freqs[i - 1]} Hz, got ${f}`,
      );
    }
  });
}

export class Crossover {
  readonly sampleRate: number;
  readonly channels: number;
  /** Number of bands (frequencies + 1). */
  readonly bands: number;
  readonly slope: CrossoverSlope;
  private freqs: number[];
  private readonly lows: SectionChain[];
  private readonly highs: SectionChain[];
  /** Per band below the top: the allpasses of the splits above it. */
  private readonly allpasses: SectionChain[];
  private readonly rest: Float64Array[];
  private readonly low: Float64Array[];

  /**
   * @param ctx sample rate and channels.
   * @param frequencies crossover points in Hz, rising (N − 1 of them for N bands, 2 … 16 bands).
   * @param slope Linkwitz-Riley slope, 12, 24 (default) or 48 dB/oct.
   */
  constructor(ctx: ProcessorContext, frequencies: readonly number[], slope: CrossoverSlope = 24) {
    if (slope !== 12 && slope !== 24 && slope !== 48) {
      throw new ParamError("crossover.slope", `must be 12, 24 or 48 dB/oct, got ${JSON.stringify(slope)}`);
    }
    checkCrossoverFrequencies("crossover.frequencies", frequencies, ctx.sampleRate);
    this.sampleRate = ctx.sampleRate;
    this.channels = ctx.channels;
    this.slope = slope;
    this.freqs = [...frequencies];
    this.bands = frequencies.length + 1;
    const splits = frequencies.length;
    const make = () => new SectionChain(ctx.channels, 4, ctx.sampleRate);
    this.lows = Array.from({ length: splits }, make);
    this.highs = Array.from({ length: splits }, make);
    this.allpasses = Array.from({ length: splits }, make);
    this.rest = Array.from({ length: ctx.channels }, () => new Float64Array(CHUNK));
    this.low = Array.from({ length: ctx.channels }, () => new Float64Array(CHUNK));
    this.design(true);
  }

  /** The crossover frequencies in Hz. */
  get frequencies(): number[] {
    return [...this.freqs];
  }

  /**
   * Moves the crossover points (same count); the filters glide over 20 ms, or with `immediate` switch at
   * once (filter states kept either way).
   */
  setFrequencies(frequencies: readonly number[], immediate = false): void {
    checkCrossoverFrequencies("crossover.frequencies", frequencies, this.sampleRate);
    if (frequencies.length !== this.freqs.length) {
      throw new ParamError(
        "crossover.frequencies",
        `must keep ${this.freqs.length} frequencies (make a new crossover for a different band count)`,
      );
    }
    this.freqs = [...frequencies];
    this.design(immediate);
  }

  /** Clears all filter state. */
  reset(): void {
    for (const c of [...this.lows, ...this.highs, ...this.allpasses]) c.reset();
  }

  /**
   * Splits `frames` samples of `input` (one array per channel) into `out[band][channel]` (bands low to high),
   * 32- or 64-bit. The input is not modified (it may not be one of the outputs).
   */
  process(input: readonly Float32Array[], out: (Float32Array | Float64Array)[][], frames: number): void {
    const C = this.channels;
    const splits = this.freqs.length;
    for (let pos = 0; pos < frames; pos += CHUNK) {
      const n = Math.min(CHUNK, frames - pos);
      for (let c = 0; c < C; c++) {
        const x = input[c];
        const r = this.rest[c];
        for (let i = 0; i < n; i++) r[i] = x[pos + i];
      }
      for (let k = 0; k < splits; k++) {
        for (let c = 0; c < C; c++) this.low[c].set(this.rest[c].subarray(0, n));
        this.lows[k].run(this.low, n);
        if (k < splits - 1) this.allpasses[k].run(this.low, n);
        this.highs[k].run(this.rest, n);
        write(this.low, out[k], pos, n);
      }
      write(this.rest, out[splits], pos, n);
    }
  }

  /**
   * The exact complex response of band `band` (0 … bands − 1) at `freq` Hz, as designed (frequencies at
   * their goal): magnitude (linear) and phase (radians, wrapped to −π … π).
   */
  bandResponse(band: number, freq: number): { magnitude: number; phase: number } {
    return cascadeResponse(this.bandSections(band), freq, this.sampleRate);
  }

  /** Band b: the highpasses of the splits below it, its own split's lowpass, the allpasses of those above. */
  private bandSections(band: number): BiquadCoefficients[] {
    const fs = this.sampleRate;
    const s = this.slope;
    const sign = linkwitzRileySumSign(s);
    const out: BiquadCoefficients[] = [];
    this.freqs.forEach((f, k) => {
      if (k < band) {
        const hp = linkwitzRileySections("highpass", s, fs, f);
        if (sign < 0) hp[0] = { ...hp[0], b0: -hp[0].b0, b1: -hp[0].b1, b2: -hp[0].b2 };
        out.push(...hp);
      } else if (k === band) out.push(...linkwitzRileySections("lowpass", s, fs, f));
      else out.push(...linkwitzRileyAllpassSections(s, fs, f));
    });
    return out;
  }

  private design(immediate: boolean): void {
    const fs = this.sampleRate;
    const s = this.slope;
    const sign = linkwitzRileySumSign(s);
    this.freqs.forEach((f, k) => {
      this.lows[k].setSections(linkwitzRileySections("lowpass", s, fs, f), immediate);
      const hp = linkwitzRileySections("highpass", s, fs, f);
      // The sign rides on the first section's numerator.
      if (sign < 0) hp[0] = { ...hp[0], b0: -hp[0].b0, b1: -hp[0].b1, b2: -hp[0].b2 };
      this.highs[k].setSections(hp, immediate);
      const ap = this.freqs.slice(k + 1).flatMap((g) => linkwitzRileyAllpassSections(s, fs, g));
      this.allpasses[k].setSections(ap, immediate);
    });
  }
}

function write(src: Float64Array[], dst: (Float32Array | Float64Array)[], pos: number, n: number): void {
  for (let c = 0; c < src.length; c++) {
    const s = src[c];
    const d = dst[c];
    for (let i = 0; i < n; i++) d[pos + i] = s[i];
  }
}
