/**
 * Mastering to a delivery target, the policy every host shares (the command line, the studio's master job
 * and the browser): resolve the target (preset, overrides, a reference's loudness), resample to the
 * preset's delivery rate first, match a reference record's tonal balance and width or move towards an
 * album's tone, run the drive search (`masterAudio`), and for a target with a correlation floor (vinyl)
 * narrow the image until the master clears it. Pure computation: the host injects how the limiter runs
 * (worker threads in Node, the page's worker in the browser) and how working buffers are allocated, so the
 * same target and input give the same master bit for bit wherever it runs.
 */
import { parseChain } from "../dsp/chain.ts";
import type { EqBand } from "../dsp/eq/band.ts";
import { resampleChannels } from "../dsp/resample/index.ts";
import {
  analyze,
  type LimiterRunner,
  type MasterResult,
  type MasterSettings,
  masterAudio,
  runChain,
  serialLimiter,
} from "./master.ts";
import { designMatchEq } from "./match-eq.ts";
import { type LongTermSpectrum, longTermSpectrum, sideToMidRatio, spectralDistanceDb } from "./spectrum.ts";
import { CD_DEFAULT_LUFS, type MasteringTarget, targetByName } from "./targets.ts";

/** What is asked for: a preset, explicit figures, or both (the figures override the preset's). */
export interface MasterTargetChoice {
  /** Preset name (see `TARGETS`). */
  target?: string;
  /** Integrated loudness, LUFS (−40 … −3); overrides the preset's. */
  lufs?: number;
  /** True-peak ceiling, dBTP (−12 … 0); overrides the preset's. */
  tp?: number;
}

/** What was asked for, resolved. */
export interface ResolvedTarget {
  /** The preset's name, or "custom". */
  name: string;
  /** Integrated loudness to land on, LUFS. */
  lufs: number;
  /** True-peak ceiling, dBTP. */
  ceilingDbtp: number;
  /** Where the figures come from (the preset's source, or how they were given). */
  source: string;
  /** The preset, when one was named: its delivery rate, mono bass, de-essing, correlation floor, limiting. */
  preset: MasteringTarget | null;
}

/**
 * Resolves a preset and/or explicit loudness and ceiling into one loudness and ceiling.
 * @param fallbackLufs loudness when neither the preset nor `lufs` gives one (a reference's loudness), LUFS.
 * @throws Error naming the options when nothing is asked for; RangeError for an unknown preset.
 */
export function resolveTarget(c: MasterTargetChoice, fallbackLufs?: number): ResolvedTarget {
  const preset = c.target ? targetByName(c.target) : null;
  const lufs =
    c.lufs ?? preset?.lufs ?? fallbackLufs ?? (preset?.name === "cd" ? CD_DEFAULT_LUFS : undefined);
  if (lufs === undefined) {
    throw new Error(
      "give a target: --target <preset>, or --lufs <LUFS> (with --tp <dBTP>), or --reference <file>",
    );
  }
  const ceilingDbtp = c.tp ?? preset?.ceilingDbtp ?? -1;
  const named = preset ? preset.name : "custom";
  const source = preset
    ? `${preset.source}${c.lufs !== undefined || c.tp !== undefined ? " (overridden on the command line)" : ""}`
    : fallbackLufs !== undefined && c.lufs === undefined
      ? "reference record's loudness"
      : "command line";
  return { name: named, lufs, ceilingDbtp, source, preset };
}

/** A reference record to match, decoded. */
export interface ReferenceAudio {
  /** Planar samples. */
  channels: Float32Array[];
  /** Its sample rate, Hz. */
  sampleRate: number;
  /** How the report names it (a path, a blob). */
  path: string;
}

/** A tonal balance to move towards when there is no reference record (album consistency). */
export interface TonalTarget {
  spectrum: LongTermSpectrum;
  /** Share of the difference corrected, 0 … 1. */
  strength: number;
  /** Largest correction per band, dB. */
  maxGainDb: number;
}

/** The reference record's measurements and what matching did. */
export interface ReferenceReport {
  path: string;
  lufs: number;
  truePeakDbtp: number;
  sideToMid: number | null;
  spectrum: LongTermSpectrum;
  /** Spectral distance (dB RMS, 40 Hz … 16 kHz) of the input and of the master to the reference. */
  distanceBeforeDb: number;
  distanceAfterDb: number;
  /** Width set to match the reference (1 = unchanged). */
  width: number;
  eqBands: { freq: number; gainDb: number; q: number }[];
}

/** How the host runs the limiter passes. Default: on the calling thread, plain Float32Arrays. */
export interface LimiterHost {
  /** A runner for one drive search over `frames` at `sampleRate`; closed (when it can be) after it. */
  runner(frames: number, sampleRate: number): LimiterRunner & { close?(): Promise<void> };
  /** Allocates the working buffers, `frames` samples each (shared memory for worker threads). */
  allocate?(frames: number): Float32Array;
}

/** The on-thread limiter host. */
export const serialLimiterHost: LimiterHost = { runner: () => serialLimiter };

export interface MasterPlanOptions {
  /** Most limiting accepted, dB (default: the preset's, else 6). */
  maxLimitingDb?: number;
  /** A reference record whose tonal balance and width to match. */
  reference?: ReferenceAudio;
  /** A tonal balance to move towards, used only without a reference. */
  tonalTarget?: TonalTarget;
  /** Called after each limiter pass: pass number (1-based, counted per drive search) and one line. */
  onPass?: (pass: number, message: string) => void;
  /** How the limiter runs (default: on this thread). */
  limiter?: LimiterHost;
}

export interface MasterPlanOutcome {
  /** The master at `sampleRate` and what made it. */
  result: MasterResult;
  /** Long-term spectra, measured when first read (reference matching and album tone read `before`). */
  spectra: { before: LongTermSpectrum; after: LongTermSpectrum; reference: LongTermSpectrum | null };
  reference: ReferenceReport | null;
  /** Rate of the master, Hz: the preset's delivery rate, else the input's. */
  sampleRate: number;
  /** Things the engineer should know (a mono reference, narrowed width, low correlation). */
  warnings: string[];
}

/**
 * The drive search's settings for a target: its loudness and ceiling, the preset's limiting allowance,
 * mono bass and de-essing, the tonal correction and width.
 * @param sampleRate of the programme as mastered, Hz.
 * @param eqBands tonal correction (reference or album tone), none when empty.
 * @param width stereo width (1 = unchanged).
 */
export function targetSettings(
  target: ResolvedTarget,
  sampleRate: number,
  opts: Pick<MasterPlanOptions, "maxLimitingDb" | "onPass">,
  eqBands: EqBand[],
  width: number,
): MasterSettings {
  const preset = target.preset;
  return {
    sampleRate,
    targetLufs: target.lufs,
    ceilingDbtp: target.ceilingDbtp,
    maxLimitingDb: opts.maxLimitingDb ?? preset?.maxLimitingDb ?? 6,
    eqBands: eqBands.length ? eqBands : undefined,
    width,
    monoBelowHz: preset?.monoBelowHz ?? 0,
    deEss: preset?.deEss ?? false,
    onPass: opts.onPass,
  };
}

/**
 * Masters at `width` (at most 1 for vinyl), and for a target with a correlation floor (vinyl) narrows the
 * image step by step until the measured master is above it (width scales the side, so correlation rises as
 * it narrows), saying so in `warnings`; a master still below the floor gets a warning too.
 * @param run masters the programme at a width and measures it.
 */
export async function masterWithCorrelationFloor<R extends { after: { correlation: number | null } }>(
  preset: MasteringTarget | null,
  width: number,
  run: (width: number) => Promise<R>,
  warnings: string[],
): Promise<R> {
  const minCorr = preset?.minCorrelation ?? null;
  let w = preset?.name === "vinyl" ? Math.min(width, 1) : width;
  let result = await run(w);
  const below = () => minCorr !== null && (result.after.correlation ?? 1) < minCorr;
  for (let k = 0; k < CORRELATION_STEPS && below(); k++) {
    w *= 0.7;
    warnings.push(
      `correlation ${result.after.correlation?.toFixed(2)} below ${minCorr} (${preset?.name}): width narrowed to ${w.toFixed(2)}`,
    );
    result = await run(w);
  }
  const c = result.after.correlation;
  if (minCorr !== null && c !== null && c < minCorr) {
    warnings.push(
      `correlation ${c.toFixed(2)} is below ${minCorr} (${preset?.name}): check for anti-phase content`,
    );
  }
  return result;
}

/** Width narrowing steps a correlation floor may take (each × 0.7). */
const CORRELATION_STEPS = 3;

function round(v: number, digits = 2): number {
  const k = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * k) / k : v;
}

/**
 * Masters planar audio to a resolved target.
 * @param channels planar input at `sampleRate`, Hz.
 * @throws MasteringRefusal when the target needs more limiting than allowed.
 * @throws RangeError for silent or too-short input.
 */
export async function masterToTarget(
  channels: Float32Array[],
  sampleRate: number,
  target: ResolvedTarget,
  opts: MasterPlanOptions = {},
): Promise<MasterPlanOutcome> {
  const warnings: string[] = [];
  const preset = target.preset;
  const host = opts.limiter ?? serialLimiterHost;
  let rate = sampleRate;
  let x = channels;
  // Resample first so the limiter and the true-peak reading work on the delivered samples.
  if (preset?.sampleRate && preset.sampleRate !== rate) {
    x = resampleChannels(x, rate, preset.sampleRate, "high");
    rate = preset.sampleRate;
  }
  // Spectra are measured only when something asks for them (reference, album tone, HTML report).
  let beforeSpec: LongTermSpectrum | null = null;
  const spectrumBefore = () => {
    beforeSpec ??= longTermSpectrum(x, rate);
    return beforeSpec;
  };
  let reference: ReferenceReport | null = null;
  let eqBands: EqBand[] = [];
  let width = 1;
  if (!opts.reference && opts.tonalTarget) {
    const t = opts.tonalTarget;
    eqBands = designMatchEq(spectrumBefore(), t.spectrum, {
      sampleRate: rate,
      strength: t.strength,
      maxGainDb: t.maxGainDb,
    }).bands;
  }
  if (opts.reference) {
    const ref = opts.reference;
    const refSpec = longTermSpectrum(ref.channels, ref.sampleRate);
    const eq = designMatchEq(spectrumBefore(), refSpec, { sampleRate: rate });
    // Width is compared after the tonal correction (EQ changes how much of the energy is side).
    const smIn = sideToMidRatio(
      eq.bands.length
        ? runChain(parseChain([{ type: "eq", bands: eq.bands }], { sampleRate: rate, channels: x.length }), x)
        : x,
    );
    const smRef = sideToMidRatio(ref.channels);
    if (smIn !== null && smRef !== null && smIn > 1e-6) {
      width = Math.max(0.5, Math.min(1.5, Math.sqrt(smRef / smIn)));
    } else if (smRef === null && smIn !== null) {
      warnings.push("the reference is mono: width is left unchanged");
    }
    const refA = analyze(ref.channels, ref.sampleRate);
    eqBands = eq.bands;
    reference = {
      path: ref.path,
      lufs: round(refA.integratedLufs),
      truePeakDbtp: round(refA.truePeakDbtp),
      sideToMid: smRef === null ? null : round(smRef, 4),
      spectrum: refSpec,
      distanceBeforeDb: round(spectralDistanceDb(spectrumBefore(), refSpec)),
      distanceAfterDb: Number.NaN,
      width: round(width, 3),
      eqBands: eq.bands.map((b) => ({ freq: round(b.freq, 1), gainDb: b.gainDb ?? 0, q: b.q ?? 1 })),
    };
  }
  const run = async (w: number) => {
    const runner = host.runner(x[0].length, rate);
    try {
      return await masterAudio(
        x,
        { ...targetSettings(target, rate, opts, eqBands, w), allocate: host.allocate },
        runner,
      );
    } finally {
      await runner.close?.();
    }
  };
  const result = await masterWithCorrelationFloor(preset, width, run, warnings);
  let afterSpec: LongTermSpectrum | null = null;
  const spectrumAfter = () => {
    afterSpec ??= longTermSpectrum(result.channels, rate);
    return afterSpec;
  };
  if (reference) reference.distanceAfterDb = round(spectralDistanceDb(spectrumAfter(), reference.spectrum));
  return {
    result,
    spectra: {
      get before() {
        return spectrumBefore();
      },
      get after() {
        return spectrumAfter();
      },
      reference: reference?.spectrum ?? null,
    },
    reference,
    sampleRate: rate,
    warnings,
  };
}
