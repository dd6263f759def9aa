/**
 * The recording page's Web Audio: the microphone (unprocessed) and its tap on the audio thread, the
 * context's clock and latency, and scheduling the count-in and the play-along to the sample.
 */
import { audioContext } from "../audio/context.ts";
import { type ClipAudio, scheduleClips } from "../audio/mix-graph.ts";
import { createTap, loadTap, type TapBlock } from "../audio/tap.ts";
import type { Click } from "./count-in.ts";

/** What plays while recording, from `at` (context seconds). */
export interface TakeSchedule {
  /** Context time of the first click. */
  clicksFrom: number;
  clicks: Click[];
  /** Context time the take starts (the count-in's end). */
  at: number;
  /** Whole files from the start (a version, or the song's takes). */
  buffers: AudioBuffer[];
  /** The session's tracks: clips at a track gain (linear). */
  tracks: { clips: ClipAudio[]; gain: number }[];
}

export interface RecorderAudio {
  /** Opens an input (the default when `deviceId` is empty) without echo cancellation, noise suppression or gain control. */
  openInput(deviceId: string): Promise<{ stream: MediaStream; devices: MediaDeviceInfo[]; deviceId: string }>;
  /**
   * Copies the input's blocks (the meter and the take are both made of them, so what the meter shows is
   * what is recorded). @returns a function that stops listening: no block arrives after it.
   */
  listen(stream: MediaStream, onBlock: (b: TapBlock) => void): () => void;
  /** The context's clock: now (seconds), its sample rate, and its output latency (seconds). */
  clock(): { now: number; sampleRate: number; outputLatency: number };
  /** Starts the count-in and play-along. @returns a function that stops them. */
  schedule(s: TakeSchedule): () => void;
}

export const webRecorderAudio: RecorderAudio = {
  async openInput(id) {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        deviceId: id ? { exact: id } : undefined,
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
        channelCount: 1,
      },
    });
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
    return { stream, devices, deviceId: stream.getAudioTracks()[0]?.getSettings().deviceId ?? id };
  },

  listen(stream, onBlock) {
    const ctx = audioContext();
    let stop: (() => void) | null = null;
    let live = true;
    loadTap(ctx).then(() => {
      if (!live) return;
      const src = ctx.createMediaStreamSource(stream);
      const tap = createTap(ctx, 1, onBlock);
      src.connect(tap);
      stop = () => {
        src.disconnect();
        tap.release();
      };
    });
    return () => {
      live = false;
      stop?.();
    };
  },

  clock() {
    const ctx = audioContext();
    return {
      now: ctx.currentTime,
      sampleRate: ctx.sampleRate,
      outputLatency: ctx.outputLatency || ctx.baseLatency || 0,
    };
  },

  schedule(s) {
    const ctx = audioContext();
    const sources: AudioScheduledSourceNode[] = [];
    for (const c of s.clicks) {
      const osc = ctx.createOscillator();
      const g = ctx.createGain();
      osc.frequency.value = c.hz;
      const at = s.clicksFrom + c.at;
      g.gain.setValueAtTime(0.3, at);
      g.gain.exponentialRampToValueAtTime(0.001, at + 0.08);
      osc.connect(g).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.1);
      sources.push(osc);
    }
    for (const buf of s.buffers) {
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(ctx.destination);
      src.start(s.at);
      sources.push(src);
    }
    for (const t of s.tracks) {
      const g = ctx.createGain();
      g.gain.value = t.gain;
      g.connect(ctx.destination);
      sources.push(...scheduleClips(ctx, g, t.clips, s.at));
    }
    return () => {
      for (const src of sources)
        try {
          src.stop();
        } catch {
          // already ended
        }
    };
  },
};
