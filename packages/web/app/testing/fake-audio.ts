/**
 * Known audio for the component tests: decoded buffers of generated signals, and fakes of the browser's
 * audio services (audio/services.tsx) that record what the page asked for — the mix it played and every
 * settings change, the renders it started — and let the test play the audio thread's part (meter readings,
 * render progress, the end of playback).
 */
import type { Side } from "../audio/ab-player.ts";
import type { LiveMix, MixMeterSink } from "../audio/live-mix.ts";
import type { TrackAudio, TrackParams } from "../audio/mix-graph.ts";
import type { AudioServices, Player } from "../audio/services.tsx";
import type { TapBlock } from "../audio/tap.ts";
import type { RecorderAudio, TakeSchedule } from "../recording/record-audio.ts";

/** A decoded buffer of planar samples, as `decodeAudioData` gives. */
export function audioBuffer(channels: Float32Array[], sampleRate = 48000): AudioBuffer {
  const length = channels[0]?.length ?? 0;
  return {
    sampleRate,
    length,
    duration: length / sampleRate,
    numberOfChannels: channels.length,
    getChannelData: (c: number) => channels[c],
  } as unknown as AudioBuffer;
}

/** A sine, `seconds` long at `amplitude` (peak). */
export function sine(hz: number, amplitude: number, seconds: number, sampleRate = 48000): Float32Array {
  const x = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  return x;
}

/** A mix the page started: what it was given, every settings change since, and the audio thread's hands. */
export interface PlayedMix {
  audio: TrackAudio[];
  /** The settings it started with, then each change applied while playing. */
  applied: TrackParams[][];
  meters: MixMeterSink;
  /** Ends playback as the last clip would. */
  end(): void;
  stopped: boolean;
}

/** An offline render the page started; the test reports progress and finishes it. */
export interface StartedRender {
  audio: TrackAudio[];
  params: TrackParams[];
  progress(fraction: number): void;
  finish(out: AudioBuffer): void;
  fail(e: Error): void;
}

/** The A/B player's fake: the playhead moves only when the test (or a seek) moves it. */
export class FakePlayer implements Player {
  playing = false;
  time = 0;
  active: 0 | 1 = 0;
  sides: [Side | null, Side | null] = [null, null];
  onEnded: (() => void) | null = null;
  disposed = false;
  setSides(a: Side | null, b: Side | null) {
    this.sides = [a, b];
  }
  play(from?: number) {
    if (from !== undefined) this.time = from;
    this.playing = true;
  }
  pause() {
    this.playing = false;
  }
  seek(t: number) {
    this.time = Math.max(0, t);
  }
  switchTo(which: 0 | 1) {
    this.active = which;
  }
  dispose() {
    this.disposed = true;
    this.playing = false;
  }
}

/** A microphone's stream: one track reporting `latency` seconds of input latency. */
export function fakeStream(deviceId = "mic-1", latency = 0.005) {
  const track = {
    stopped: false,
    stop: () => (track.stopped = true),
    getSettings: () => ({ deviceId, latency }),
  };
  return { track, getTracks: () => [track], getAudioTracks: () => [track] } as unknown as MediaStream & {
    track: typeof track;
  };
}

/**
 * The recording page's audio: a clock the test sets, an input the test plays into (as the tap would, in
 * 2048-frame blocks stamped with their context frame), and the count-ins and play-alongs scheduled.
 */
export class FakeRecorderAudio implements RecorderAudio {
  now = 10;
  sampleRate = 48000;
  outputLatency = 0.02;
  devices = [{ deviceId: "mic-1", kind: "audioinput", label: "Desk mic" }] as MediaDeviceInfo[];
  /** Set to refuse the microphone with this message. */
  refuse: string | null = null;
  input: { onBlock(b: TapBlock): void } | null = null;
  schedules: TakeSchedule[] = [];
  stops = 0;
  async openInput(deviceId: string) {
    if (this.refuse) throw new Error(this.refuse);
    return { stream: fakeStream(deviceId || "mic-1"), devices: this.devices, deviceId: deviceId || "mic-1" };
  }
  listen(_stream: MediaStream, onBlock: (b: TapBlock) => void) {
    this.input = { onBlock };
    return () => {
      this.input = null;
    };
  }
  clock() {
    return { now: this.now, sampleRate: this.sampleRate, outputLatency: this.outputLatency };
  }
  schedule(s: TakeSchedule) {
    this.schedules.push(s);
    return () => {
      this.stops++;
    };
  }
  /** Plays `x` into the input from context frame `from`, block by block; the clock follows. */
  play(x: Float32Array, from: number) {
    for (let o = 0; o < x.length; o += 2048) {
      this.input?.onBlock({ frame: from + o, data: [x.slice(o, o + 2048)] });
      this.now = (from + Math.min(x.length, o + 2048)) / this.sampleRate;
    }
  }
}

export interface FakeAudio extends AudioServices {
  recorder: FakeRecorderAudio;
  /** URLs decoded, in order. */
  decoded: string[];
  mixes: PlayedMix[];
  renders: StartedRender[];
  players: FakePlayer[];
}

/**
 * @param files decoded audio by URL; any other URL decodes to one second of silence, or fails when
 * `strict`.
 */
export function fakeAudio(files: Record<string, AudioBuffer> = {}, strict = false): FakeAudio {
  const fake: FakeAudio = {
    decoded: [],
    mixes: [],
    renders: [],
    players: [],
    async decode(url) {
      fake.decoded.push(url);
      const b = files[url];
      if (b) return b;
      if (strict) throw new Error(`${url}: HTTP 404`);
      return audioBuffer([new Float32Array(48000)]);
    },
    async playMix(audio, params, meters, onEnded): Promise<LiveMix> {
      const mix: PlayedMix = {
        audio,
        applied: [structuredClone(params)],
        meters,
        end: () => onEnded(),
        stopped: false,
      };
      fake.mixes.push(mix);
      return {
        apply: (ps) => mix.applied.push(structuredClone(ps)),
        stop: () => {
          mix.stopped = true;
        },
      };
    },
    renderMix(audio, params, onProgress) {
      return new Promise((resolve, reject) => {
        fake.renders.push({ audio, params, progress: onProgress, finish: resolve, fail: reject });
      });
    },
    recorder: new FakeRecorderAudio(),
    master: async () => {
      throw new Error("this test masters nothing");
    },
    createPlayer() {
      const p = new FakePlayer();
      fake.players.push(p);
      return p;
    },
  };
  return fake;
}
