import { ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import type { ProcessorFactory } from "../chain.ts";
import { DITHER_KINDS, Ditherer, type DitherKind } from "./ditherer.ts";

export interface DitherParams extends Record<string, unknown> {
  /** Target word length in bits (8 … 24). The output stays float, on the grid of this word length. */
  bits: number;
  /** `tpdf` (flat triangular dither), `shaped` (noise moved out of 1–5 kHz) or `none` (plain rounding). */
  kind: DitherKind;
  /** Noise seed (0 … 2³¹−1): the same seed renders identically. */
  seed: number;
}

export const DITHER_SPECS: ParamSpecs = {
  bits: { kind: "number", unit: "bits", min: 8, max: 24, default: 16, description: "Target word length" },
  kind: {
    kind: "choice",
    options: DITHER_KINDS,
    default: "tpdf",
    description: "tpdf (flat), shaped (noise out of 1–5 kHz) or none (rounding)",
  },
  seed: { kind: "number", unit: "", min: 0, max: 2147483647, default: 1, description: "Noise seed" },
};

/**
 * Word-length reduction as a chain step: `{"type":"dither","bits":16,"kind":"shaped"}`. Output samples are
 * exactly representable at `bits` bits (k / 2^(bits−1)), so a later writer at that depth stores them without
 * further rounding. Put it last in a chain. No latency.
 */
export class Dither extends Processor<DitherParams> {
  readonly type = "dither";
  private ditherers: Ditherer[] = [];
  private codes = new Float64Array(0);

  constructor(ctx: ProcessorContext, params: Partial<DitherParams> = {}) {
    checkWhole(params);
    super(ctx, DITHER_SPECS, params, "dither");
    this.paramsChanged();
  }

  override setParams(partial: Partial<DitherParams>): void {
    checkWhole(partial);
    super.setParams(partial);
  }

  protected override paramsChanged(): void {
    const { bits, kind, seed } = this.params;
    // A different seed per channel keeps the channels' noise uncorrelated (no phantom centre image).
    this.ditherers = Array.from(
      { length: this.channels },
      (_, c) => new Ditherer({ bits, kind, seed: (seed + c * 7919) >>> 0 }),
    );
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    if (this.codes.length < frames) this.codes = new Float64Array(frames);
    const inv = 1 / 2 ** (this.params.bits - 1);
    for (let c = 0; c < this.channels; c++) {
      this.ditherers[c].quantize(input[c], this.codes, frames);
      const o = output[c];
      for (let i = 0; i < frames; i++) o[i] = this.codes[i] * inv;
    }
  }

  protected resetState(): void {
    for (const d of this.ditherers) d.reset();
  }
}

/** Word length and seed are whole numbers; the generic range check does not say so. */
function checkWhole(p: Partial<DitherParams>): void {
  for (const k of ["bits", "seed"] as const) {
    const v = p[k];
    if (typeof v === "number" && !Number.isInteger(v)) {
      throw new ParamError(`dither.${k}`, `must be a whole number, got ${v}`);
    }
  }
}

export const DITHER_FACTORY: ProcessorFactory = {
  type: "dither",
  description: "Reduces word length (8–24 bits) with TPDF or noise-shaped dither",
  specs: DITHER_SPECS,
  create: (ctx, params) => new Dither(ctx, params as Partial<DitherParams>),
};
