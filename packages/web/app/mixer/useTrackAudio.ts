/** Decodes every strip's files (each file once) into what the mix graph plays; null while decoding. */
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import type { TrackAudio } from "../audio/mix-graph.ts";
import { useAudio } from "../audio/services.tsx";
import type { MixTrack } from "./session-doc.ts";

/** @param onError gets a file that failed to load or decode. */
export function useTrackAudio(tracks: MixTrack[] | null, onError: (e: unknown) => void): TrackAudio[] | null {
  const { decode } = useAudio();
  const [audio, setAudio] = useState<TrackAudio[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: onError is the caller's setter
  useEffect(() => {
    if (!tracks) return;
    let ok = true;
    setAudio(null);
    const shas = [...new Set(tracks.flatMap((t) => t.clips.map((c) => c.sha256)))];
    Promise.all(shas.map((sha) => decode(api.blobUrl(sha)))).then(
      (decoded) => {
        if (!ok) return;
        const bySha = new Map(shas.map((sha, i) => [sha, decoded[i]]));
        setAudio(
          tracks.map((t) => {
            const clips = t.clips.map((c) => {
              const buffer = bySha.get(c.sha256) as AudioBuffer;
              return {
                buffer,
                start: c.start,
                offset: c.offset,
                length: c.length ?? buffer.duration,
                gainDb: c.gainDb,
              };
            });
            return { channels: t.channels || clips[0]?.buffer.numberOfChannels || 1, clips };
          }),
        );
      },
      (e) => ok && onError(e),
    );
    return () => {
      ok = false;
    };
  }, [tracks, decode]);
  return audio;
}
