/**
 * Mastering in the browser with the engine's mastering module (`masterAudio`: pre-chain, then a drive into
 * the true-peak lookahead limiter, the drive found by measuring), the engine's delivery targets, and its
 * analysis for the before/after readings: loudness over time (short-term, every 100 ms), third-octave
 * spectrum, true peak, loudness range. Pure computation; runs in a worker (master-worker.ts).
 */
import type { AnalysisReport } from "@controlroom/engine/analysis/analyzer.ts";
// The processor registry the mastering chain is built from. master.ts imports it through
// mastering/processors.ts, which the engine's package.json does not list under sideEffects, so a bundler
// drops it; importing the listed module here keeps the registrations.
import "@controlroom/engine/dsp/processors.ts";
import { analyze, MasteringRefusal, masterAudio } from "@controlroom/engine/mastering/master.ts";
import { CD_DEFAULT_LUFS, type MasteringTarget, TARGETS } from "@controlroom/engine/mastering/targets.ts";

export { type MasteringTarget, TARGETS };

/** The readings the page shows for one side (plain arrays, so they cross postMessage cheaply). */
export interface Readings {
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
  clippedSamples: number;
  correlation: number | null;
  dcOffset: number[];
  silence: { headSeconds: number; tailSeconds: number };
  /** Short-term loudness every 100 ms, LUFS. */
  shortTerm: number[];
  /** Third-octave band levels, dB. */
  spectrum: { centerHz: number; levelDb: number }[];
}

function readings(r: AnalysisReport): Readings {
  return {
    integratedLufs: r.integratedLufs,
    loudnessRangeLu: r.loudnessRangeLu,
    truePeakDbtp: r.truePeakDbtp,
    samplePeakDbfs: r.samplePeakDbfs,
    clippedSamples: r.clippedSamples,
    correlation: r.correlation,
    dcOffset: r.dcOffset,
    silence: r.silence,
    shortTerm: Array.from(r.series.shortTerm),
    spectrum: r.bands.map((b) => ({ centerHz: b.centerHz, levelDb: b.levelDb })),
  };
}

/** The mastered programme with its readings before and after. */
export interface MasterOutcome {
  output: Float32Array[];
  before: Readings;
  after: Readings;
  target: MasteringTarget;
  targetLufs: number;
  driveDb: number;
  limitingDb: number;
  passes: number;
}

/**
 * Masters planar audio to the named engine target. @param onProgress 0…1 (by drive-search pass).
 * @throws with the engine's message when the target needs more limiting than the preset allows, or the
 *   programme is silent or too short.
 */
export async function master(
  channels: Float32Array[],
  sampleRate: number,
  targetName: string,
  onProgress: (fraction: number) => void,
): Promise<MasterOutcome> {
  const target = TARGETS[targetName];
  if (!target) throw new RangeError(`target: unknown preset "${targetName}"`);
  const targetLufs = target.lufs ?? CD_DEFAULT_LUFS;
  onProgress(0.05);
  try {
    const r = await masterAudio(channels, {
      sampleRate,
      targetLufs,
      ceilingDbtp: target.ceilingDbtp,
      maxLimitingDb: target.maxLimitingDb,
      monoBelowHz: target.monoBelowHz || undefined,
      deEss: target.deEss,
      onPass: (n) => onProgress(Math.min(0.85, 0.1 + n * 0.12)),
    });
    onProgress(0.9);
    const out: MasterOutcome = {
      output: r.channels,
      before: readings(analyze(channels, sampleRate, true)),
      after: readings(analyze(r.channels, sampleRate, true)),
      target,
      targetLufs,
      driveDb: r.driveDb,
      limitingDb: r.limitingDb,
      passes: r.passes.length,
    };
    onProgress(1);
    return out;
  } catch (e) {
    if (e instanceof MasteringRefusal) throw new Error(e.message);
    throw e;
  }
}
