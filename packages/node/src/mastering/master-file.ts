/**
 * `controlroom master` behind the command line: reads a mix, resolves the target (preset or explicit
 * loudness/ceiling, or a reference record), masters it in memory with the engine, writes the master
 * atomically and returns the report data.
 */
import { access } from "node:fs/promises";
import { extname } from "node:path";
import { parseChain } from "@controlroom/engine";
import type { EqBand } from "@controlroom/engine/dsp/eq/band.ts";
import { resampleChannels } from "@controlroom/engine/dsp/resample/index.ts";
import {
  analyze,
  CD_DEFAULT_LUFS,
  designMatchEq,
  integratedLoudness,
  type LongTermSpectrum,
  longTermSpectrum,
  type MasteringTarget,
  type MasterResult,
  masterAudio,
  runChain,
  sideToMidRatio,
  spectralDistanceDb,
  targetByName,
} from "@controlroom/engine/mastering/index.ts";
import { readWholeFile } from "../files/open.ts";
import { AudioFileError, type AudioFileInfo } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { ParallelLimiter } from "./parallel-limiter.ts";

/** Longest programme mastered in memory: 30 minutes at 192 kHz. */
const MAX_FRAMES = 30 * 60 * 192000;

export interface MasterTargetChoice {
  /** Preset name (see `TARGETS`). */
  target?: string;
  /** Integrated loudness, LUFS (−40 … −3); overrides the preset's. */
  lufs?: number;
  /** True-peak ceiling, dBTP (−12 … 0); overrides the preset's. */
  tp?: number;
}

export interface MasterFileOptions extends MasterTargetChoice {
  /** A reference record to match: tonal balance, loudness (unless given) and width. */
  reference?: string;
  /** Most limiting accepted, dB (default: the preset's, else 6). */
  maxLimitingDb?: number;
  /** Overwrite an existing output file (default: refuse). */
  force?: boolean;
  /** Output word length (default: the target's, else 24). */
  bits?: 16 | 24 | 32;
  /** Progress lines. */
  onPass?: (pass: number, message: string) => void;
}

/** What was asked for, resolved. */
export interface ResolvedTarget {
  name: string;
  lufs: number;
  ceilingDbtp: number;
  source: string;
  preset: MasteringTarget | null;
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

/** The mastering report (the JSON written beside every master). */
export interface MasterReport {
  input: string;
  output: string;
  target: ResolvedTarget;
  sampleRate: number;
  inputSampleRate: number;
  bitDepth: number;
  durationSeconds: number;
  before: LevelSummary;
  after: LevelSummary;
  passes: MasterResult["passes"];
  driveDb: number;
  trimDb: number;
  limitingDb: number;
  maxGainReductionDb: number;
  chain: MasterResult["chain"];
  /** Within ±0.5 LU of the target and at or under the ceiling. */
  onTarget: boolean;
  reference: Omit<ReferenceReport, "spectrum"> | null;
  warnings: string[];
}

export interface LevelSummary {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
  maxShortTermLufs: number;
  correlation: number | null;
}

/** Everything a report (JSON, HTML, plots) is made from. */
export interface MasterOutcome {
  report: MasterReport;
  result: MasterResult;
  spectra: { before: LongTermSpectrum; after: LongTermSpectrum; reference: LongTermSpectrum | null };
}

export function summary(r: MasterResult["before"]): LevelSummary {
  return {
    integratedLufs: round(r.integratedLufs),
    loudnessRangeLu: round(r.loudnessRangeLu),
    truePeakDbtp: round(r.truePeakDbtp),
    samplePeakDbfs: round(r.samplePeakDbfs),
    maxShortTermLufs: round(r.maxShortTermLufs),
    correlation: r.correlation === null ? null : round(r.correlation, 3),
  };
}

function round(v: number, digits = 2): number {
  const k = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * k) / k : v;
}

/**
 * Resolves `--target` / `--lufs` / `--tp` into one loudness and ceiling.
 * @param fallbackLufs loudness when neither preset nor `--lufs` gives one (a reference's loudness).
 * @throws Error naming the option when nothing or something unknown is asked for.
 */
export function resolveTarget(c: MasterTargetChoice, fallbackLufs?: number): ResolvedTarget {
  const preset = c.target ? targetByName(c.target) : null;
  let lufs = c.lufs ?? preset?.lufs ?? fallbackLufs ?? (preset?.name === "cd" ? CD_DEFAULT_LUFS : undefined);
  if (lufs === undefined && preset?.name === "cd") lufs = CD_DEFAULT_LUFS;
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

/**
 * Checks an output path before any work: a known extension (.wav/.flac) and, unless `force`, no file there.
 * @throws AudioFileError naming the path.
 */
export async function refuseExisting(path: string, force: boolean | undefined, bits?: number): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== ".wav" && ext !== ".flac") {
    throw new AudioFileError(path, `the master must be .wav or .flac, got "${ext || "(no extension)"}"`);
  }
  if (ext === ".flac" && bits === 32)
    throw new AudioFileError(path, "FLAC holds at most 24 bits; use --bits 24 or .wav");
  if (force) return;
  try {
    await access(path);
  } catch {
    return;
  }
  throw new AudioFileError(path, "already exists; not overwriting it (use --force to replace it)");
}

/** Reads a file whole for mastering; a clear error if it is too long. */
export async function readForMastering(
  path: string,
): Promise<{ info: AudioFileInfo; channels: Float32Array[] }> {
  return readWholeFile(path, { maxFrames: MAX_FRAMES });
}

/**
 * Masters audio already in memory (used by single-file and album mastering).
 * @param channels planar input at `info.sampleRate`.
 */
export async function masterChannels(
  channels: Float32Array[],
  info: AudioFileInfo,
  target: ResolvedTarget,
  opts: MasterFileOptions & {
    referenceAudio?: { info: AudioFileInfo; channels: Float32Array[] };
    /** Tonal balance to move towards when there is no reference record (album consistency). */
    tonalTarget?: { spectrum: LongTermSpectrum; strength: number; maxGainDb: number };
  },
): Promise<{
  result: MasterResult;
  spectra: MasterOutcome["spectra"];
  reference: ReferenceReport | null;
  sampleRate: number;
  warnings: string[];
}> {
  const warnings: string[] = [];
  const preset = target.preset;
  let rate = info.sampleRate;
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
  if (!opts.referenceAudio && opts.tonalTarget) {
    const t = opts.tonalTarget;
    eqBands = designMatchEq(spectrumBefore(), t.spectrum, {
      sampleRate: rate,
      strength: t.strength,
      maxGainDb: t.maxGainDb,
    }).bands;
  }
  if (opts.referenceAudio) {
    const ref = opts.referenceAudio;
    const refSpec = longTermSpectrum(ref.channels, ref.info.sampleRate);
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
    const refA = analyze(ref.channels, ref.info.sampleRate);
    eqBands = eq.bands;
    reference = {
      path: opts.reference ?? ref.info.path,
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
  const minCorr = preset?.minCorrelation ?? null;
  const run = async (w: number) => {
    const runner = ParallelLimiter.for(x[0].length, rate);
    return masterAudio(
      x,
      {
        sampleRate: rate,
        targetLufs: target.lufs,
        ceilingDbtp: target.ceilingDbtp,
        maxLimitingDb: opts.maxLimitingDb ?? preset?.maxLimitingDb ?? 6,
        eqBands: eqBands.length ? eqBands : undefined,
        width: w,
        monoBelowHz: preset?.monoBelowHz ?? 0,
        deEss: preset?.deEss ?? false,
        onPass: opts.onPass,
        allocate: ParallelLimiter.allocate,
      },
      runner,
    ).finally(() => runner.close());
  };
  if (preset?.name === "vinyl") width = Math.min(width, 1);
  let result = await run(width);
  // A target with a correlation floor (vinyl): narrow the image step by step until the measured master is
  // above it (width scales the side, so correlation rises as it narrows).
  for (let k = 0; k < 3 && minCorr !== null && (result.after.correlation ?? 1) < minCorr; k++) {
    width *= 0.7;
    warnings.push(
      `correlation ${result.after.correlation?.toFixed(2)} below ${minCorr} (${preset?.name}): width narrowed to ${width.toFixed(2)}`,
    );
    result = await run(width);
  }
  let afterSpec: LongTermSpectrum | null = null;
  const spectrumAfter = () => {
    afterSpec ??= longTermSpectrum(result.channels, rate);
    return afterSpec;
  };
  if (reference) reference.distanceAfterDb = round(spectralDistanceDb(spectrumAfter(), reference.spectrum));
  if (preset?.minCorrelation !== null && preset?.minCorrelation !== undefined) {
    const c = result.after.correlation;
    if (c !== null && c < preset.minCorrelation) {
      warnings.push(
        `correlation ${c.toFixed(2)} is below ${preset.minCorrelation} (${preset.name}): check for anti-phase content`,
      );
    }
  }
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

/**
 * Masters `inPath` into `outPath` (.wav or .flac, atomic). Returns the report data; does not write the
 * JSON/HTML reports (see `writeMasterReports`).
 * @throws MasteringRefusal when the target needs more limiting than allowed (nothing is written).
 */
export async function masterFile(
  inPath: string,
  outPath: string,
  opts: MasterFileOptions,
): Promise<MasterOutcome> {
  await refuseExisting(outPath, opts.force, opts.bits);
  const input = await readForMastering(inPath);
  const referenceAudio = opts.reference ? await readForMastering(opts.reference) : undefined;
  let fallback: number | undefined;
  if (referenceAudio) {
    fallback = integratedLoudness(referenceAudio.channels, referenceAudio.info.sampleRate);
    if (!Number.isFinite(fallback))
      throw new AudioFileError(opts.reference as string, "the reference is silent");
  }
  const target = resolveTarget(opts, fallback);
  const m = await masterChannels(input.channels, input.info, target, { ...opts, referenceAudio });
  const bitDepth = opts.bits ?? target.preset?.bitDepth ?? 24;
  await writeChannels(outPath, m.result.channels, m.sampleRate, bitDepth, {
    description: `Mastered by Control Room to ${target.lufs} LUFS / ${target.ceilingDbtp} dBTP (${target.name})`,
  });
  return {
    report: makeReport(inPath, outPath, input.info, target, m, bitDepth),
    result: m.result,
    spectra: m.spectra,
  };
}

/** Writes planar audio atomically (16-bit with shaped dither at 44.1/48 kHz, else TPDF). */
export async function writeChannels(
  path: string,
  channels: Float32Array[],
  sampleRate: number,
  bitDepth: 16 | 24 | 32,
  bext?: { description: string },
): Promise<void> {
  const w = await createAudioWriter(path, {
    sampleRate,
    channels: channels.length,
    bitDepth,
    dither: bitDepth === 16 ? "tpdf" : bitDepth === 24 ? "tpdf" : "none",
    ditherSeed: 1,
    bext:
      path.toLowerCase().endsWith(".wav") && bext
        ? { description: bext.description, originator: "Control Room" }
        : undefined,
  });
  try {
    for (let pos = 0; pos < channels[0].length; pos += 65536) {
      const n = Math.min(65536, channels[0].length - pos);
      await w.write(
        channels.map((c) => c.subarray(pos, pos + n)),
        n,
      );
    }
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

export function makeReport(
  inPath: string,
  outPath: string,
  info: AudioFileInfo,
  target: ResolvedTarget,
  m: Awaited<ReturnType<typeof masterChannels>>,
  bitDepth: number,
): MasterReport {
  const r = m.result;
  const after = summary(r.after);
  const { spectrum: _s, ...reference } = m.reference ?? { spectrum: null };
  return {
    input: inPath,
    output: outPath,
    target: {
      name: target.name,
      lufs: target.lufs,
      ceilingDbtp: target.ceilingDbtp,
      source: target.source,
      preset: null,
    },
    sampleRate: m.sampleRate,
    inputSampleRate: info.sampleRate,
    bitDepth,
    durationSeconds: round(r.channels[0].length / m.sampleRate, 3),
    before: summary(r.before),
    after,
    passes: r.passes.map((p) => ({
      driveDb: round(p.driveDb, 3),
      lufs: round(p.lufs, 3),
      limitingDb: round(p.limitingDb),
    })),
    driveDb: round(r.driveDb, 3),
    trimDb: round(r.trimDb, 3),
    limitingDb: round(r.limitingDb),
    maxGainReductionDb: round(r.maxGainReductionDb),
    chain: r.chain,
    onTarget:
      Math.abs(r.after.integratedLufs - target.lufs) <= 0.5 && r.after.truePeakDbtp <= target.ceilingDbtp,
    reference: m.reference ? (reference as Omit<ReferenceReport, "spectrum">) : null,
    warnings: m.warnings,
  };
}
