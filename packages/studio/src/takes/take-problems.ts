/**
 * What the take analysis found to repair in a take's file, as stored on the take and shown in the take list:
 * the repair detection's badges ("12 clicks", "hum 50 Hz −30 dB", "clipped 1,145 runs") and the counts and
 * levels behind them. Made from the engine's detection summary (`detectProblems`); no heavy imports, so a job
 * worker may load it before any job runs.
 */
import type { ProblemReport } from "@controlroom/engine/repair/detect.ts";

/** A take's detected problems. */
export interface TakeProblems {
  [key: string]: unknown;
  /** One short badge per problem found; empty for a clean take. */
  summary: string[];
  /** Impulsive clicks (crackle bursts included), all channels. */
  clicks: number;
  /** Crackle bursts among the clicks. */
  crackle: number;
  /** Mains hum: fundamental in Hz and its level in dBFS; null when none. */
  hum: { fundamentalHz: number; levelDb: number } | null;
  /** Clipped runs (plateaus) summed over channels, and the samples in them. */
  clippedRuns: number;
  clippedSamples: number;
  /** Noise floor of the noisiest channel, dBFS (null when the file is digital silence). */
  noiseFloorDb: number | null;
  /** Largest DC offset of any channel, dBFS (null when none at all). */
  dcDb: number | null;
  /** The fixes a repair with "auto" would make, in the order they are applied. */
  fixes: string[];
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * The stored form of a detection summary.
 * @param fixes the fixes `auto` chooses for it (engine's `fixesFor`).
 */
export function takeProblemsOf(r: ProblemReport, fixes: readonly string[]): TakeProblems {
  return {
    summary: r.summary,
    clicks: r.clicks.count,
    crackle: r.crackle.count,
    hum: r.hum ? { fundamentalHz: r.hum.fundamentalHz, levelDb: r.hum.levelDb } : null,
    clippedRuns: r.clipping.runs,
    clippedSamples: r.clipping.samples,
    noiseFloorDb: finite(r.noise.floorDb),
    dcDb: finite(r.dc.db),
    fixes: [...fixes],
  };
}
