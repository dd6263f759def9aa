import type { BiquadCoefficients } from "../../core/biquad.ts";
import { IDENTITY } from "../../core/biquad.ts";
import { nextPowerOfTwo } from "../../core/fft.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import type { ProcessorFactory } from "../chain.ts";
import { type EqBand, validateBands } from "./band.ts";
import { bandSections, cascadeResponse, MAX_SECTIONS_PER_BAND } from "./design.ts";
import { FirConvolver } from "./fir-convolver.ts";
import { designLinearPhase, linearPhaseTaps } from "./linear-phase.ts";
import { SectionChain } from "./section-chain.ts";

export const EQ_MODES = ["minimum", "linear"] as const;
export type EqMode = (typeof EQ_MODES)[number];

export interface EqParams extends Record<string, unknown> {
  /** The bands, applied in series (any number; see `EqBand` for each band's fields). */
  bands: EqBand[];
  /**
   * `minimum`: the biquad cascade itself (minimum phase, no latency). `linear`: an FIR with the cascade's
   * magnitude and no phase shift (for mastering), ±0.1 dB of it above ~30 Hz; latency ~0.38 s (reported:
   * 18431 samples at 44.1/48 kHz, 36863 at 96 kHz).
   */
  mode: EqMode;
}

export const EQ_SPECS: ParamSpecs = {
  bands: {
    kind: "list",
    default: [],
    description:
      "Bands in series: {kind: peak|lowshelf|highshelf|highpass|lowpass|bandpass|notch|allpass, freq Hz, gainDb, q, slope, response}",
    validate: (path, value) => {
      validateBands(path, value);
    },
  },
  mode: {
    kind: "choice",
    options: EQ_MODES,
    default: "minimum",
    description: "minimum: biquads, no latency; linear: linear-phase FIR (latency reported)",
  },
};

/** Samples processed per pass through the 64-bit work buffers. */
const CHUNK = 1024;
/** Length of the handover when `mode` changes, seconds. */
const MODE_FADE_SECONDS = 0.01;

/** All sections of a band list, each band in its own MAX_SECTIONS_PER_BAND slots (unused slots identity). */
export function eqSections(bands: readonly EqBand[], sampleRate: number): BiquadCoefficients[] {
  const out: BiquadCoefficients[] = [];
  for (const b of bands) {
    const s = bandSections(b, sampleRate);
    for (let k = 0; k < MAX_SECTIONS_PER_BAND; k++) out.push(s[k] ?? IDENTITY);
  }
  return out;
}

/** The EQ curve at `freq` Hz (the minimum-phase design): magnitude in dB and phase in radians. For drawing. */
export function eqResponse(
  bands: readonly EqBand[],
  freq: number,
  sampleRate: number,
): { db: number; phase: number } {
  const r = cascadeResponse(
    bands.flatMap((b) => bandSections(b, sampleRate)),
    freq,
    sampleRate,
  );
  return { db: 20 * Math.log10(r.magnitude), phase: r.phase };
}

/**
 * Parametric EQ. JSON:
 * `{"type":"eq","bands":[{"kind":"highpass","freq":80,"slope":24},{"kind":"peak","freq":3000,"gainDb":3,"q":1}]}`.
 * Minimum-phase mode runs RBJ-cookbook biquads (Butterworth / Linkwitz-Riley cascades for highpass and
 * lowpass) in 64-bit transposed direct form II; parameter changes glide the coefficients over 20 ms.
 * Linear-phase mode convolves with an FIR of the same magnitude (frequency sampling + tapered window,
 * partitioned FFT overlap-save); a change crossfades old and new filter over one partition.
 */
export class Eq extends Processor<EqParams> {
  readonly type = "eq";
  private readonly chain: SectionChain;
  private readonly taps: number;
  private fir: FirConvolver | null = null;
  private readonly workA: Float64Array[];
  private readonly workB: Float64Array[];
  /** During a mode change: the mode being left and the handover samples left. */
  private leaving: EqMode | null = null;
  private handoverLeft = 0;
  private readonly handoverLength: number;
  /** The mode the output is (becoming) in. */
  private currentMode: EqMode;

  constructor(ctx: ProcessorContext, params: Partial<EqParams> = {}) {
    super(ctx, EQ_SPECS, params, "eq");
    this.params.bands = copyBands(this.params.bands);
    this.chain = new SectionChain(
      ctx.channels,
      MAX_SECTIONS_PER_BAND * Math.max(1, this.params.bands.length),
      ctx.sampleRate,
    );
    this.taps = linearPhaseTaps(ctx.sampleRate);
    this.workA = Array.from({ length: ctx.channels }, () => new Float64Array(CHUNK));
    this.workB = Array.from({ length: ctx.channels }, () => new Float64Array(CHUNK));
    this.handoverLength = Math.max(1, Math.round(MODE_FADE_SECONDS * ctx.sampleRate));
    this.currentMode = this.params.mode;
    this.chain.setSections(eqSections(this.params.bands, ctx.sampleRate), true);
    if (this.params.mode === "linear") this.linear().setFilter(this.designFir(), true);
  }

  /** Latency in samples: 0 in minimum-phase mode; partition + (taps − 1)/2 in linear-phase mode. */
  override get latency(): number {
    return this.params.mode === "linear" ? this.linearLatency : 0;
  }

  /** The latency linear-phase mode has at this sample rate, samples. */
  get linearLatency(): number {
    return partitionFor(this.taps) + (this.taps - 1) / 2;
  }

  /** The linear-phase FIR for the current bands (symmetric, `taps` long). */
  designFir(): Float64Array {
    return designLinearPhase(eqSections(this.params.bands, this.sampleRate), this.taps);
  }

  private linear(): FirConvolver {
    if (!this.fir) this.fir = new FirConvolver(this.channels, partitionFor(this.taps), this.taps);
    return this.fir;
  }

  protected override paramsChanged(): void {
    const prevMode = this.currentMode;
    this.params.bands = copyBands(this.params.bands);
    this.chain.setSections(eqSections(this.params.bands, this.sampleRate));
    const mode = this.params.mode;
    if (mode === "linear" || this.leaving === "linear") {
      this.linear().setFilter(this.designFir(), mode !== prevMode);
    }
    if (mode !== prevMode) {
      // Hand over: the new path starts clean with its input faded in; the old one fades out.
      this.leaving = prevMode;
      this.handoverLeft = this.handoverLength;
      if (mode === "linear") this.linear().reset();
      else this.chain.reset();
    }
    this.currentMode = mode;
  }

  protected override idle(): boolean {
    return this.leaving === null && this.params.mode !== "linear" && this.chain.atRest;
  }

  protected override skipIdle(frames: number): void {
    this.chain.advance(frames);
  }

  protected resetState(): void {
    this.chain.reset();
    this.fir?.reset();
    this.leaving = null;
    this.handoverLeft = 0;
    this.currentMode = this.params.mode;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    // Minimum phase at rest with up to two sections (a typical channel EQ): no float64 copies needed.
    if (
      this.leaving === null &&
      this.params.mode !== "linear" &&
      this.chain.runFloat32(input, output, frames)
    )
      return;
    const C = this.channels;
    for (let pos = 0; pos < frames; pos += CHUNK) {
      const n = Math.min(CHUNK, frames - pos);
      const a = this.workA;
      for (let c = 0; c < C; c++) {
        const x = input[c];
        const w = a[c];
        for (let i = 0; i < n; i++) w[i] = x[pos + i];
      }
      if (this.leaving !== null) this.handover(n);
      else if (this.params.mode === "linear") this.fir!.process(a, a, 0, n);
      else this.chain.run(a, n);
      for (let c = 0; c < C; c++) {
        const y = output[c];
        const w = a[c];
        for (let i = 0; i < n; i++) y[pos + i] = w[i];
      }
    }
  }

  /** n samples of a mode change: old path (in workA) fading out, plus new path on faded-in input. */
  private handover(n: number): void {
    const a = this.workA;
    const b = this.workB;
    const L = this.handoverLength;
    const left = this.handoverLeft;
    for (let c = 0; c < this.channels; c++) {
      const wa = a[c];
      const wb = b[c];
      let k = left;
      for (let i = 0; i < n; i++, k--) wb[i] = k > 0 ? wa[i] * (1 - k / L) : wa[i];
    }
    const toLinear = this.params.mode === "linear";
    if (toLinear) {
      this.chain.run(a, n);
      this.fir!.process(b, b, 0, n);
    } else {
      this.fir!.process(a, a, 0, n);
      this.chain.run(b, n);
    }
    for (let c = 0; c < this.channels; c++) {
      const wa = a[c];
      const wb = b[c];
      let k = left;
      for (let i = 0; i < n; i++, k--) wa[i] = wb[i] + (k > 0 ? wa[i] * (k / L) : 0);
    }
    this.handoverLeft = Math.max(0, left - n);
    if (this.handoverLeft === 0) {
      if (this.leaving === "linear") this.fir!.reset();
      else this.chain.reset();
      this.leaving = null;
    }
  }
}

/** Partition size of the linear-phase convolution for a filter length: ≥ 1024, ~1/16 of the filter. */
function partitionFor(taps: number): number {
  return Math.max(1024, nextPowerOfTwo(Math.ceil(taps / 16)));
}

function copyBands(bands: readonly EqBand[]): EqBand[] {
  return bands.map((b) => ({ ...b }));
}

export const EQ_FACTORY: ProcessorFactory = {
  type: "eq",
  description:
    "Parametric EQ: peak, shelves, highpass/lowpass 6-48 dB/oct, bandpass, notch, allpass; minimum or linear phase",
  specs: EQ_SPECS,
  create: (ctx, params) => new Eq(ctx, params as Partial<EqParams>),
};
