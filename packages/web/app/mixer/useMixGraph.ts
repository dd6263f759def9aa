/**
 * Plays the mix live: starts the graph with the strips' settings, applies every change while it plays, and
 * shows what the meters read (each strip and the master, ten times a second).
 */
import { useEffect, useRef, useState } from "react";
import type { LiveMix } from "../audio/live-mix.ts";
import type { MeterReading } from "../audio/meter.ts";
import type { TrackAudio, TrackParams } from "../audio/mix-graph.ts";
import { useAudio } from "../audio/services.tsx";
import { useMeterFeed } from "../meters/useMeterFeed.ts";

/** The latest meter readings: one per strip (undefined before its first) and the master's. */
export interface MixReadings {
  tracks: (MeterReading | undefined)[];
  master: MeterReading | null;
  /** Gain reduction of each track's engine inserts, dB per insert (undefined before the first report). */
  inserts?: ((number | undefined)[] | undefined)[];
}

export interface MixGraph {
  playing: boolean;
  play(): Promise<void>;
  stop(): void;
  readings: MixReadings;
}

const NO_READINGS: MixReadings = { tracks: [], master: null };

export function useMixGraph(audio: TrackAudio[] | null, params: TrackParams[]): MixGraph {
  const { playMix } = useAudio();
  const [playing, setPlaying] = useState(false);
  const live = useRef<LiveMix | null>(null);
  const meters = useMeterFeed<MixReadings>(NO_READINGS, playing);

  // Live parameter changes.
  useEffect(() => {
    live.current?.apply(params);
  }, [params]);

  function stop() {
    live.current?.stop();
    live.current = null;
    setPlaying(false);
  }

  async function play() {
    if (!audio) return;
    meters.feed.current = NO_READINGS;
    const sink = {
      track(i: number, r: MeterReading) {
        const tracks = [...meters.feed.current.tracks];
        tracks[i] = r;
        meters.feed.current = { ...meters.feed.current, tracks };
      },
      master(r: MeterReading) {
        meters.feed.current = { ...meters.feed.current, master: r };
      },
      inserts(i: number, gr: (number | undefined)[]) {
        const inserts = [...(meters.feed.current.inserts ?? [])];
        inserts[i] = gr;
        meters.feed.current = { ...meters.feed.current, inserts };
      },
    };
    live.current?.stop();
    live.current = await playMix(audio, params, sink, stop);
    setPlaying(true);
  }

  // Stop when the page goes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: stop() only reads the ref
  useEffect(() => stop, []);

  return { playing, play, stop, readings: meters.value };
}
