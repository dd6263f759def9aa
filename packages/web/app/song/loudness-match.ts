/**
 * Loudness matching for A/B: each side plays at a gain that brings it down to the quieter one's integrated
 * loudness, so the louder mix does not win by loudness. The server's figures when it has measured both;
 * otherwise both are measured here with the engine's BS.1770 meter.
 */
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import type { V } from "./versions.ts";

/** Where the gains came from: the server's measurement, the browser's, or none (unmeasurable, unmatched). */
export type MatchSource = "server" | "browser" | "none";

export interface LoudnessMatch {
  /** Gain in dB for A and for B (≤ 0). */
  gains: [number, number];
  how: MatchSource;
}

/** Integrated loudness of decoded audio with the engine's BS.1770 meter, LUFS. */
export function bufferLufs(b: AudioBuffer): number {
  const ch = Array.from({ length: b.numberOfChannels }, (_, c) => b.getChannelData(c));
  const m = new LoudnessMeter(b.sampleRate, ch.length);
  m.process(ch, b.length);
  return m.result().integratedLufs;
}

/**
 * @param a the current version's audio. @param b the compared version's audio (null: no comparison).
 */
export function loudnessMatch(
  version: Pick<V, "matchGainDb">,
  compare: Pick<V, "matchGainDb"> | null,
  a: AudioBuffer,
  b: AudioBuffer | null,
): LoudnessMatch {
  const server: [number, number] = [version.matchGainDb ?? 0, compare?.matchGainDb ?? 0];
  if (!b || !compare || (version.matchGainDb != null && compare.matchGainDb != null))
    return { gains: server, how: "server" };
  const la = bufferLufs(a);
  const lb = bufferLufs(b);
  if (!Number.isFinite(la) || !Number.isFinite(lb)) return { gains: server, how: "none" };
  const ref = Math.min(la, lb);
  return { gains: [ref - la, ref - lb], how: "browser" };
}
