/**
 * Builds a song's first mix session (the engine's session document) from its tracks: one track per take
 * with audio, each holding that file from the start, at unity and centred.
 */
import type { SessionInput } from "@controlroom/engine/session/schema.ts";
import type { AudioFacts } from "./audio/probe.ts";

/** One source track: its name, the uploaded file, and the file's header facts. */
export interface StemSource {
  name: string;
  sha256: string;
  facts: AudioFacts;
}

/** Letters, digits, `_ . -` as the session's ids require. */
const idOf = (s: string, i: number) =>
  `${s.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "track"}_${i + 1}`;

/**
 * @param title the session name. @param bpm the song's tempo (default 120).
 * @returns a session document at the first stem's sample rate.
 */
export function sessionFromStems(title: string, bpm: number | null, stems: StemSource[]): SessionInput {
  const audio: NonNullable<SessionInput["audio"]> = {};
  const tracks: NonNullable<SessionInput["tracks"]> = [];
  stems.forEach((s, i) => {
    const id = idOf(s.name, i);
    audio[id] = {
      sha256: s.sha256,
      path: `${id}.wav`,
      sampleRate: s.facts.sampleRate,
      channels: s.facts.channels,
      frames: s.facts.frames,
    };
    tracks.push({
      id,
      name: s.name,
      channels: s.facts.channels >= 2 ? 2 : 1,
      takes: [{ id: "take1", clips: [{ audio: id, start: 0, length: s.facts.frames / s.facts.sampleRate }] }],
    });
  });
  return {
    version: 2,
    name: title,
    sampleRate: stems[0]?.facts.sampleRate ?? 48000,
    tempo: [{ bar: 1, beat: 1, bpm: bpm ?? 120 }],
    audio,
    tracks,
  };
}
