/**
 * `controlroom master` behind the command line: reads a mix, resolves the target (preset or explicit
 * loudness/ceiling, or a reference record), masters it in memory with the engine, writes the master
 * atomically and returns the report data.
 */
import { access, mkdir, rm } from "node:fs/promises";
import { extname } from "node:path";
import {
  integratedLoudness,
  type LimiterHost,
  type LongTermSpectrum,
  type MasterMeasurements,
  type MasterPlanOutcome,
  type MasterResult,
  type MasterTargetChoice,
  masterProgramme,
  masterToTarget,
  masterWithCorrelationFloor,
  type ReferenceReport,
  type ResolvedTarget,
  resolveTarget,
  type TonalTarget,
  targetSettings,
} from "@controlroom/engine/mastering/index.ts";
import { removeStaleTemps, tempPathBeside } from "../files/atomic-file.ts";
import { probeAudioFile, readWholeFile } from "../files/open.ts";
import { AudioFileError, type AudioFileInfo } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { FileProgramme } from "./file-programme.ts";
import { ParallelLimiter } from "./parallel-limiter.ts";

export { type MasterTargetChoice, type ReferenceReport, type ResolvedTarget, resolveTarget };

/** Longest programme mastered in memory: 30 minutes at 192 kHz. */
const MAX_FRAMES = 30 * 60 * 192000;

export interface MasterFileOptions extends MasterTargetChoice {
  /** A reference record to match: tonal balance, loudness (unless given) and width. */
  reference?: string;
  /** Most limiting accepted, dB (default: the preset's, else 6). */
  maxLimitingDb?: number;
  /** Overwrite an existing output file (default: refuse). */
  force?: boolean;
  /** Output word length (default: the target's, else 24). */
  bits?: 16 | 24 | 32;
  /**
   * Measure the long-term spectra of the input and the master (the HTML report's plot). From disk that is an
   * FFT per 170 ms of audio on each, so only when asked; in memory they are measured when first read.
   */
  spectra?: boolean;
  /** Progress lines. */
  onPass?: (pass: number, message: string) => void;
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
export interface MasterOutcome<R extends MasterMeasurements = MasterMeasurements> {
  report: MasterReport;
  /** What mastering measured (with the master's samples when it was mastered in memory). */
  result: R;
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

/** The limiter over worker threads for long programmes (see `ParallelLimiter`), on this thread otherwise. */
export const nodeLimiterHost: LimiterHost = {
  runner: (frames, sampleRate) => ParallelLimiter.for(frames, sampleRate),
  allocate: ParallelLimiter.allocate,
};

/**
 * Masters audio already in memory (used by single-file and album mastering) with the engine's mastering
 * policy (`masterToTarget`), the limiter on worker threads when the programme is long.
 * @param channels planar input at `info.sampleRate`.
 */
export async function masterChannels(
  channels: Float32Array[],
  info: AudioFileInfo,
  target: ResolvedTarget,
  opts: MasterFileOptions & {
    referenceAudio?: { info: AudioFileInfo; channels: Float32Array[] };
    /** Tonal balance to move towards when there is no reference record (album consistency). */
    tonalTarget?: TonalTarget;
  },
): Promise<MasterPlanOutcome> {
  const ref = opts.referenceAudio;
  return masterToTarget(channels, info.sampleRate, target, {
    maxLimitingDb: opts.maxLimitingDb,
    reference: ref
      ? { channels: ref.channels, sampleRate: ref.info.sampleRate, path: opts.reference ?? ref.info.path }
      : undefined,
    tonalTarget: opts.tonalTarget,
    onPass: opts.onPass,
    limiter: nodeLimiterHost,
  });
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
  if (!opts.reference) {
    // Without a reference to match and without resampling, the programme is mastered from disk: any length
    // in bounded memory, the same master.
    const info = await probeAudioFile(inPath);
    const target = resolveTarget(opts);
    const rate = target.preset?.sampleRate;
    if (!rate || rate === info.sampleRate) return masterFileFromDisk(inPath, outPath, target, opts);
  }
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
    description: masterDescription(target),
  });
  return {
    report: makeReport(
      inPath,
      outPath,
      input.info,
      target,
      { ...m, frames: m.result.channels[0].length },
      bitDepth,
    ),
    result: m.result,
    spectra: m.spectra,
  };
}

const masterDescription = (t: ResolvedTarget) =>
  `Mastered by Control Room to ${t.lufs} LUFS / ${t.ceilingDbtp} dBTP (${t.name})`;

/**
 * `masterFile` for a programme of any length (no reference, no resampling): working copies on disk in a
 * folder beside the output (removed afterwards), the engine's drive search and correlation floor over
 * them, the master written from its working file.
 */
async function masterFileFromDisk(
  inPath: string,
  outPath: string,
  target: ResolvedTarget,
  opts: MasterFileOptions,
): Promise<MasterOutcome> {
  let dir: string;
  try {
    // Named by process (`.<name>.<pid>-<hex>.work`), so a later master removes what a killed one left.
    removeStaleTemps(outPath);
    dir = tempPathBeside(outPath, "work");
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioFileError(
      outPath,
      code === "ENOENT"
        ? "its folder does not exist"
        : `cannot write the working files beside it (${code ?? (e as Error).message})`,
    );
  }
  const programme = new FileProgramme(inPath, dir, { spectra: opts.spectra });
  try {
    await programme.analyzeInput();
    const info = programme.info as AudioFileInfo;
    const warnings: string[] = [];
    const result = await masterWithCorrelationFloor(
      target.preset,
      1,
      (w) => masterProgramme(programme, targetSettings(target, info.sampleRate, opts, [], w)),
      warnings,
    );
    const bitDepth = opts.bits ?? target.preset?.bitDepth ?? 24;
    await writeMaster(
      outPath,
      { sampleRate: info.sampleRate, channels: info.channels, bitDepth },
      (write) => programme.forEachMasterBlock(write),
      { description: masterDescription(target) },
    );
    const measured = (s: LongTermSpectrum | null) => {
      if (!s) throw new Error("the spectra were not measured (master with spectra: true)");
      return s;
    };
    const { spectrumBefore, spectrumAfter } = programme;
    const spectra = {
      get before() {
        return measured(spectrumBefore);
      },
      get after() {
        return measured(spectrumAfter);
      },
      reference: null,
    };
    const m = { result, reference: null, sampleRate: info.sampleRate, warnings, frames: programme.frames };
    return { report: makeReport(inPath, outPath, info, target, m, bitDepth), result, spectra };
  } finally {
    await programme.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes planar audio atomically (16-bit with shaped dither at 44.1/48 kHz, else TPDF). */
export async function writeChannels(
  path: string,
  channels: Float32Array[],
  sampleRate: number,
  bitDepth: 16 | 24 | 32,
  bext?: { description: string },
): Promise<void> {
  await writeMaster(
    path,
    { sampleRate, channels: channels.length, bitDepth },
    async (write) => {
      for (let pos = 0; pos < channels[0].length; pos += 65536) {
        const n = Math.min(65536, channels[0].length - pos);
        await write(
          channels.map((c) => c.subarray(pos, pos + n)),
          n,
        );
      }
    },
    bext,
  );
}

/**
 * Writes a master atomically from blocks `feed` hands over in order (dithered to `bitDepth`: TPDF for 16
 * and 24 bits); nothing is left behind when feeding or writing fails.
 */
async function writeMaster(
  path: string,
  format: { sampleRate: number; channels: number; bitDepth: 16 | 24 | 32 },
  feed: (write: (channels: Float32Array[], frames: number) => Promise<void>) => Promise<void>,
  bext?: { description: string },
): Promise<void> {
  const { bitDepth } = format;
  const w = await createAudioWriter(path, {
    sampleRate: format.sampleRate,
    channels: format.channels,
    bitDepth,
    dither: bitDepth === 16 ? "tpdf" : bitDepth === 24 ? "tpdf" : "none",
    ditherSeed: 1,
    bext:
      path.toLowerCase().endsWith(".wav") && bext
        ? { description: bext.description, originator: "Control Room" }
        : undefined,
  });
  try {
    await feed((channels, frames) => w.write(channels, frames));
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

/** What a report is made from: the mastering outcome and the master's length. */
export type ReportSource = Pick<MasterPlanOutcome, "reference" | "sampleRate" | "warnings"> & {
  result: MasterMeasurements;
  /** Frames of the master. */
  frames: number;
};

export function makeReport(
  inPath: string,
  outPath: string,
  info: AudioFileInfo,
  target: ResolvedTarget,
  m: ReportSource,
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
    durationSeconds: round(m.frames / m.sampleRate, 3),
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
