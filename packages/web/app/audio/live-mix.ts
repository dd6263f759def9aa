/**
 * Live playback of the mixer's graph (mix-graph.ts) on the page's AudioContext, with the engine's meter on
 * the audio thread after each track and on the master. Settings change while it plays; it stops by itself
 * at the end of the last clip.
 */
import { audioContext } from "./context.ts";
import { createInsertsNode, loadInserts } from "./inserts-node.ts";
import type { MeterReading } from "./meter.ts";
import { createMeter, loadMeter } from "./meter-node.ts";
import {
  applyTrack,
  audibility,
  createBusses,
  createTrack,
  mixLength,
  scheduleClips,
  type TrackAudio,
  type TrackParams,
} from "./mix-graph.ts";

/** Where the meters' readings go (about every 100 ms each). */
export interface MixMeterSink {
  track(index: number, r: MeterReading): void;
  master(r: MeterReading): void;
  /** Gain reduction of a track's engine inserts, dB per insert (undefined: the insert does not reduce gain). */
  inserts?(index: number, gr: (number | undefined)[]): void;
}

/** A mix that is playing. */
export interface LiveMix {
  /** Applies the strips' settings (one per track, in order) at once. */
  apply(params: TrackParams[]): void;
  /** Stops it (idempotent); `onEnded` is not called. */
  stop(): void;
}

/** Starts the mix 50 ms from now. @param onEnded called when the last clip has played. */
export async function playMix(
  audio: TrackAudio[],
  params: TrackParams[],
  meters: MixMeterSink,
  onEnded: () => void,
): Promise<LiveMix> {
  const ctx = audioContext();
  await loadMeter(ctx);
  if (params.some((p) => p.inserts)) await loadInserts(ctx);
  const busses = createBusses(ctx, ctx.destination);
  const heard = audibility(params);
  const when = ctx.currentTime + 0.05;
  const taps: AudioNode[] = [];
  const sources: AudioBufferSourceNode[] = [];
  const nodes = audio.map((t, i) => {
    const input = ctx.createGain();
    const ins = params[i].inserts;
    const stage = ins
      ? createInsertsNode(ctx, ins, t.channels, (r) => r.gr && meters.inserts?.(i, r.gr))
      : undefined;
    const n = createTrack(ctx, input, busses, t.channels, stage);
    applyTrack(n, params[i], heard[i]);
    const tap = createMeter(ctx, 2, (r) => meters.track(i, r));
    n.out.connect(tap);
    taps.push(tap);
    sources.push(...scheduleClips(ctx, input, t.clips, when));
    return n;
  });
  const mtap = createMeter(ctx, 2, (r) => meters.master(r));
  busses.master.connect(mtap);
  taps.push(mtap);
  // Stop at the end of the last clip.
  const end = ctx.createConstantSource();
  end.connect(ctx.createGain());
  end.start(when);
  end.stop(when + mixLength(audio));
  end.onended = () => onEnded();
  return {
    apply(ps) {
      const h = audibility(ps);
      for (const [i, n] of nodes.entries()) applyTrack(n, ps[i], h[i]);
    },
    stop() {
      end.onended = null;
      for (const s of sources) {
        s.onended = null;
        try {
          s.stop();
        } catch {}
      }
      for (const t of taps) t.disconnect();
    },
  };
}
