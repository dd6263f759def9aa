/**
 * The song page's player for one version (and the one compared with it): decodes both, matches their
 * loudness, draws peaks (the server's if it has them, else from the decoded file), and follows the playhead.
 * Both sides play at once from the same start, so switching A/B keeps the playhead (ab-player.ts).
 */
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { peaksOf } from "../audio/peaks.ts";
import { useAudio } from "../audio/services.tsx";
import { messageOf } from "../util.ts";
import { type LoudnessMatch, loudnessMatch } from "./loudness-match.ts";
import { usePlayerClock } from "./usePlayerClock.ts";
import type { V } from "./versions.ts";

export interface ABPlayerState {
  /** Peaks of the side heard (B's while hearing B). */
  peaks: number[][] | null;
  /** Length of the side heard, seconds. */
  duration: number;
  /** The playhead, seconds. */
  time: number;
  playing: boolean;
  /** Decoded and ready to play. */
  ready: boolean;
  /** The side heard: 0 = A (the version), 1 = B (the one compared). */
  side: 0 | 1;
  match: LoudnessMatch;
  error: string | null;
  toggle(): void;
  /** Plays from `t` seconds. */
  playFrom(t: number): void;
  /** Moves the playhead to `t` seconds (keeps playing if playing). */
  seek(t: number): void;
  /** Moves the playhead by `seconds` (negative: back). */
  step(seconds: number): void;
  switchTo(side: 0 | 1): void;
}

export function useABPlayer(version: V, compare: V | null): ABPlayerState {
  const audio = useAudio();
  const [player] = useState(() => audio.createPlayer());
  // Per side: [A, B].
  const [peaks, setPeaks] = useState<[number[][] | null, number[][] | null]>([null, null]);
  const [duration, setDuration] = useState<[number, number]>([0, 0]);
  const { time, setTime, playing, setPlaying } = usePlayerClock(player);
  const [side, setSide] = useState<0 | 1>(0);
  const [ready, setReady] = useState(false);
  const [match, setMatch] = useState<LoudnessMatch>({ gains: [0, 0], how: "server" });
  const [error, setError] = useState<string | null>(null);

  // Decode the version (and the one compared), and draw peaks: the server's if it has them.
  useEffect(() => {
    let live = true;
    const sides = [version, compare] as const;
    const put = <T>(set: (f: (old: [T, T]) => [T, T]) => void, i: number, value: T) =>
      set((old) => (i === 0 ? [value, old[1]] : [old[0], value]));
    setPeaks([null, null]);
    sides.forEach((v, i) => {
      if (!v?.blobSha256) return;
      api.peaks(v.blobSha256).then(
        (pk) => {
          if (!live || !pk) return;
          put(setPeaks, i, pk.peaks);
          put(setDuration, i, pk.duration);
        },
        () => {},
      );
    });
    const urls = sides.map((v) => (v?.blobSha256 ? api.blobUrl(v.blobSha256) : null));
    Promise.all(urls.map((u) => (u ? audio.decode(u) : Promise.resolve(null)))).then(
      ([a, b]) => {
        if (!live || !a) return;
        const m = loudnessMatch(version, compare, a, b);
        setMatch(m);
        player.setSides(
          { buffer: a, gainDb: m.gains[0] },
          b && compare ? { buffer: b, gainDb: m.gains[1] } : null,
        );
        setDuration([a.duration, b?.duration ?? 0]);
        setPeaks((old) => [old[0] ?? peaksOf(a), old[1] ?? (b ? peaksOf(b) : null)]);
        setReady(true);
      },
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [version, compare, audio, player]);

  // Nothing to compare with: A is heard.
  useEffect(() => {
    if (!compare && side === 1) {
      player.switchTo(0);
      setSide(0);
    }
  }, [compare, side, player]);

  const heard = compare ? side : 0;
  return {
    peaks: peaks[heard],
    duration: duration[heard] || duration[0],
    time,
    playing,
    ready,
    side: heard,
    match,
    error,
    toggle() {
      if (player.playing) player.pause();
      else player.play();
      setPlaying(player.playing);
    },
    playFrom(t) {
      player.play(t);
      setPlaying(true);
    },
    seek(t) {
      player.seek(t);
      setTime(player.time);
    },
    step(seconds) {
      player.seek(player.time + seconds);
      setTime(player.time);
    },
    switchTo(s) {
      player.switchTo(s);
      setSide(s);
    },
  };
}
