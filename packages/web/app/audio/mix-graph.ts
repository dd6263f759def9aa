/**
 * The mixer's signal graph, built the same way on a live AudioContext and on an OfflineAudioContext (for
 * render), so what is rendered is what was heard. Per track: source → EQ insert → compressor insert → fader
 * → pan → mute/solo → master, with a post-fader send to a reverb bus. Pan uses the engine's laws (the ones
 * its renderer uses): constant power for mono tracks (−3 dB each side at centre), balance for stereo.
 */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import { monoPan, stereoBalance } from "@controlroom/engine/render/pan.ts";
import { createInsertsNode, loadInserts } from "./inserts-node.ts";

/** One track's settings. */
export interface TrackParams {
  /** Fader, dB (−60…+12; −60 is treated as off). */
  gainDb: number;
  /** Pan, −1 (left) … +1 (right), equal-power. */
  pan: number;
  mute: boolean;
  solo: boolean;
  /** Send to the reverb bus, dB (−60 = off). */
  sendDb: number;
  eq: { on: boolean; freqHz: number; gainDb: number; q: number };
  comp: { on: boolean; thresholdDb: number; ratio: number };
  /**
   * A session strip's engine inserts, run by the engine on the audio thread (inserts-worklet.ts) before the
   * preview EQ: what a render does. Absent: no engine inserts stage (a mix without a session).
   */
  inserts?: ProcessorJSON[];
}

export const DEFAULT_TRACK: TrackParams = {
  gainDb: 0,
  pan: 0,
  mute: false,
  solo: false,
  sendDb: -60,
  eq: { on: false, freqHz: 1000, gainDb: 0, q: 1 },
  comp: { on: false, thresholdDb: -18, ratio: 3 },
};

const gainOf = (db: number) => (db <= -60 ? 0 : 10 ** (db / 20));

/** The nodes of one track, for live parameter changes. */
export interface TrackNodes {
  eq: BiquadFilterNode;
  comp: DynamicsCompressorNode;
  eqIn: GainNode;
  eqBypass: GainNode;
  eqWet: GainNode;
  compBypass: GainNode;
  compWet: GainNode;
  fader: GainNode;
  /** 1 (mono) or 2 (stereo): the track's width up to the pan stage. */
  channels: number;
  panL: GainNode;
  panR: GainNode;
  mute: GainNode;
  send: GainNode;
  /** The track's output (post mute), where meters tap. */
  out: GainNode;
  /** The engine inserts stage (when the track has one), and the inserts last sent to it (JSON). */
  engine?: AudioWorkletNode;
  engineInserts?: string;
}

/** A synthetic reverb impulse: decaying noise, 1.8 s, stereo (deterministic, so renders repeat exactly). */
function impulse(ctx: BaseAudioContext): AudioBuffer {
  const len = Math.round(ctx.sampleRate * 1.8);
  const b = ctx.createBuffer(2, len, ctx.sampleRate);
  let seed = 12345;
  for (let c = 0; c < 2; c++) {
    const x = b.getChannelData(c);
    for (let i = 0; i < len; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      x[i] = ((seed / 0x7fffffff) * 2 - 1) * Math.exp((-6.9 * i) / len) * 0.25;
    }
  }
  return b;
}

/** The busses shared by the tracks. */
export interface Busses {
  master: GainNode;
  reverbIn: GainNode;
}

export function createBusses(ctx: BaseAudioContext, destination: AudioNode): Busses {
  const master = ctx.createGain();
  master.connect(destination);
  const reverbIn = ctx.createGain();
  const conv = ctx.createConvolver();
  conv.buffer = impulse(ctx);
  reverbIn.connect(conv).connect(master);
  return { master, reverbIn };
}

/**
 * Builds one track's chain from `input` into the busses. @param channels the source's channels (1 or 2;
 * more are folded to stereo): the chain keeps that width up to the pan stage.
 */
export function createTrack(
  ctx: BaseAudioContext,
  input: AudioNode,
  busses: Busses,
  channels: number,
  engine?: AudioWorkletNode,
): TrackNodes {
  const ch = channels >= 2 ? 2 : 1;
  const n: TrackNodes = {
    channels: ch,
    eqIn: ctx.createGain(),
    eq: ctx.createBiquadFilter(),
    eqBypass: ctx.createGain(),
    eqWet: ctx.createGain(),
    comp: ctx.createDynamicsCompressor(),
    compBypass: ctx.createGain(),
    compWet: ctx.createGain(),
    fader: ctx.createGain(),
    panL: ctx.createGain(),
    panR: ctx.createGain(),
    mute: ctx.createGain(),
    send: ctx.createGain(),
    out: ctx.createGain(),
  };
  n.eq.type = "peaking";
  const mid = ctx.createGain();
  // Hold every node before the pan at the track's width: Web Audio would otherwise up-mix a mono track to
  // stereo wherever it meets a stereo stream (the compressor's output), changing the pan law.
  for (const node of [n.eqIn, n.eq, n.eqBypass, n.eqWet, mid, n.comp, n.compBypass, n.compWet, n.fader]) {
    node.channelCount = ch;
    node.channelCountMode = "explicit";
    node.channelInterpretation = "speakers";
  }
  if (engine) {
    n.engine = engine;
    input.connect(engine).connect(n.eqIn);
  } else input.connect(n.eqIn);
  // Each insert is a dry/wet pair switched by gains, so bypass is click-free and needs no re-wiring.
  n.eqIn.connect(n.eqBypass);
  n.eqIn.connect(n.eq).connect(n.eqWet);
  n.eqBypass.connect(mid);
  n.eqWet.connect(mid);
  mid.connect(n.compBypass);
  mid.connect(n.comp).connect(n.compWet);
  n.compBypass.connect(n.fader);
  n.compWet.connect(n.fader);
  // Pan: split, one gain per side, merge. A mono track feeds both sides.
  const split = ctx.createChannelSplitter(2);
  const merge = ctx.createChannelMerger(2);
  n.fader.connect(split);
  split.connect(n.panL, 0);
  split.connect(n.panR, ch === 2 ? 1 : 0);
  n.panL.connect(merge, 0, 0);
  n.panR.connect(merge, 0, 1);
  merge.connect(n.mute).connect(n.out);
  n.out.connect(busses.master);
  n.out.connect(n.send).connect(busses.reverbIn);
  return n;
}

/** Applies settings. @param audible false when muted or another track is soloed. */
export function applyTrack(n: TrackNodes, p: TrackParams, audible: boolean): void {
  if (n.engine && p.inserts) {
    const json = JSON.stringify(p.inserts);
    if (json !== n.engineInserts) {
      if (n.engineInserts !== undefined) n.engine.port.postMessage({ inserts: p.inserts });
      n.engineInserts = json;
    }
  }
  n.eq.frequency.value = p.eq.freqHz;
  n.eq.gain.value = p.eq.gainDb;
  n.eq.Q.value = p.eq.q;
  n.eqWet.gain.value = p.eq.on ? 1 : 0;
  n.eqBypass.gain.value = p.eq.on ? 0 : 1;
  n.comp.threshold.value = p.comp.thresholdDb;
  n.comp.ratio.value = p.comp.ratio;
  n.compWet.gain.value = p.comp.on ? 1 : 0;
  n.compBypass.gain.value = p.comp.on ? 0 : 1;
  n.fader.gain.value = gainOf(p.gainDb);
  const g = { l: 1, r: 1 };
  if (n.channels === 2) stereoBalance(p.pan, g);
  else monoPan(p.pan, g);
  n.panL.gain.value = g.l;
  n.panR.gain.value = g.r;
  n.mute.gain.value = audible ? 1 : 0;
  n.send.gain.value = gainOf(p.sendDb);
}

/** Whether each track is heard: not muted, and soloed when any track is. */
export function audibility(tracks: TrackParams[]): boolean[] {
  const anySolo = tracks.some((t) => t.solo);
  return tracks.map((t) => !t.mute && (!anySolo || t.solo));
}

/** A region of decoded audio on the timeline: seconds, as in the engine's session clips. */
export interface ClipAudio {
  buffer: AudioBuffer;
  /** Timeline position, seconds. */
  start: number;
  /** Where in the source it starts, seconds. */
  offset: number;
  /** Length, seconds. */
  length: number;
  /** Clip gain, dB. */
  gainDb: number;
}

/** What a track plays: its width and its clips. */
export interface TrackAudio {
  channels: number;
  clips: ClipAudio[];
}

/** Where the last clip of any track ends, seconds. */
export function mixLength(tracks: TrackAudio[]): number {
  return Math.max(0, ...tracks.flatMap((t) => t.clips.map((c) => c.start + c.length)));
}

/**
 * Schedules a track's clips into `input` with the timeline's zero at context time `when`, starting the
 * timeline at `from` seconds. @returns the sources (to stop them).
 */
export function scheduleClips(
  ctx: BaseAudioContext,
  input: AudioNode,
  clips: ClipAudio[],
  when: number,
  from = 0,
): AudioBufferSourceNode[] {
  const out: AudioBufferSourceNode[] = [];
  for (const c of clips) {
    const end = c.start + c.length;
    if (end <= from) continue;
    const skip = Math.max(0, from - c.start);
    const src = ctx.createBufferSource();
    src.buffer = c.buffer;
    const g = ctx.createGain();
    g.gain.value = 10 ** (c.gainDb / 20);
    src.connect(g).connect(input);
    src.start(when + Math.max(0, c.start - from), c.offset + skip, c.length - skip);
    out.push(src);
  }
  return out;
}

/**
 * Renders the mix offline at the first clip's rate, reporting progress 0…1 every 5 % of the length.
 * @returns the stereo mix.
 */
export async function renderMix(
  tracks: TrackAudio[],
  params: TrackParams[],
  onProgress: (fraction: number) => void,
): Promise<AudioBuffer> {
  const rate = tracks.find((t) => t.clips.length)?.clips[0].buffer.sampleRate ?? 48000;
  // Tail for the reverb to ring out.
  const seconds = mixLength(tracks) + (params.some((p) => p.sendDb > -60) ? 1.8 : 0);
  const ctx = new OfflineAudioContext(2, Math.max(1, Math.ceil(seconds * rate)), rate);
  const engine = params.some((p) => p.inserts);
  if (engine) await loadInserts(ctx);
  const busses = createBusses(ctx, ctx.destination);
  const heard = audibility(params);
  tracks.forEach((t, i) => {
    const input = ctx.createGain();
    const ins = params[i].inserts;
    const stage = ins ? createInsertsNode(ctx, ins, t.channels, () => {}) : undefined;
    const nodes = createTrack(ctx, input, busses, t.channels, stage);
    applyTrack(nodes, params[i], heard[i]);
    scheduleClips(ctx, input, t.clips, 0);
  });
  for (let k = 1; k < 20; k++) {
    const at = (k * seconds) / 20;
    ctx.suspend(Math.floor((at * rate) / 128) * (128 / rate)).then(() => {
      onProgress(k / 20);
      ctx.resume();
    });
  }
  const out = await ctx.startRendering();
  onProgress(1);
  return out;
}
