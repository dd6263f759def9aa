/**
 * What the pages ask of the browser's audio: decoding files, playing the mix, rendering it offline, the A/B
 * player, the microphone. The app uses Web Audio (the default); the component tests provide fakes with
 * `<AudioServicesContext.Provider>`, so every page runs under Node with known audio.
 */
import { createContext, useContext } from "react";
import { masterInWorker } from "../mastering/master-in-worker.ts";
import { type RecorderAudio, webRecorderAudio } from "../recording/record-audio.ts";
import { ABPlayer, type Side } from "./ab-player.ts";
import { decodeUrl } from "./context.ts";
import { playMix } from "./live-mix.ts";
import { renderMix } from "./mix-graph.ts";

/** The A/B player as the song page drives it (ab-player.ts). */
export interface Player {
  readonly playing: boolean;
  /** The playhead, seconds. */
  readonly time: number;
  onEnded: (() => void) | null;
  setSides(a: Side | null, b: Side | null): void;
  play(from?: number): void;
  pause(): void;
  seek(t: number): void;
  switchTo(which: 0 | 1): void;
  dispose(): void;
}

export interface AudioServices {
  /** Fetches and decodes a file (once per URL). */
  decode(url: string): Promise<AudioBuffer>;
  playMix: typeof playMix;
  renderMix: typeof renderMix;
  createPlayer(): Player;
  /** Masters decoded audio to a delivery target with the engine (in a worker). */
  master: typeof masterInWorker;
  /** The microphone, its meter and tap, and the count-in and play-along while recording. */
  recorder: RecorderAudio;
}

/** The browser's Web Audio. */
export const webAudio: AudioServices = {
  decode: decodeUrl,
  playMix,
  renderMix,
  createPlayer: () => new ABPlayer(),
  master: masterInWorker,
  recorder: webRecorderAudio,
};

export const AudioServicesContext = createContext<AudioServices>(webAudio);

/** The audio services of this tree (Web Audio unless a test provides others). */
export const useAudio = () => useContext(AudioServicesContext);
