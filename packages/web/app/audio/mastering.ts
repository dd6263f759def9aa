/**
 * Mastering in the browser with the engine's mastering policy (`masterToTarget`: the preset's delivery rate,
 * the pre-chain, the drive into the true-peak lookahead limiter found by measuring, the vinyl correlation
 * floor) — the same function the command line and the studio's master job run, so a target masters to the
 * same samples here as there — and the engine's analysis for the before/after readings: loudness over time
 * (short-term, every 100 ms), third-octave spectrum, true peak, loudness range. Pure computation; runs in a
 * worker (master-worker.ts), the limiter on that worker's thread.
 */
import type { AnalysisReport } from "@controlroom/engine/analysis/analyzer.ts";
import { analyze, MasteringRefusal } from "@controlroom/engine/mastering/master.ts";
import { masterToTarget, resolveTarget } from "@controlroom/engine/mastering/master-plan.ts";
import { type MasteringTarget, TARGETS } from "@controlroom/engine/mastering/targets.ts";

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
  /** Rate of the master, Hz: the target's delivery rate (CD: 44.1 kHz), else the input's. */
  sampleRate: number;
  before: Readings;
  after: Readings;
  target: MasteringTarget;
  targetLufs: number;
  driveDb: number;
  limitingDb: number;
  passes: number;
  /** What the engineer should know (e.g. the vinyl correlation floor narrowed the image). */
  warnings: string[];
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
  const resolved = resolveTarget({ target: targetName });
  onProgress(0.05);
  try {
    const m = await masterToTarget(channels, sampleRate, resolved, {
      onPass: (n) => onProgress(Math.min(0.85, 0.1 + n * 0.12)),
    });
    const r = m.result;
    onProgress(0.9);
    const out: MasterOutcome = {
      output: r.channels,
      sampleRate: m.sampleRate,
      before: readings(analyze(channels, sampleRate, true)),
      after: readings(analyze(r.channels, m.sampleRate, true)),
      target,
      targetLufs: resolved.lufs,
      driveDb: r.driveDb,
      limitingDb: r.limitingDb,
      passes: r.passes.length,
      warnings: m.warnings,
    };
    onProgress(1);
    return out;
  } catch (e) {
    if (e instanceof MasteringRefusal) throw new Error(e.message);
    throw e;
  }
}
