/**
 * Plays a track's timeline: the clips of the comped (or active) take, with clip gain, fades, crossfades
 * between overlapping clips and crossfades at comp edges, read block by block from sources opened only while
 * their clip plays (so open files and memory do not grow with the song).
 */
import { dbToGain } from "../core/db.ts";
import { clipFadeGain } from "../session/fades.ts";
import type { AudioRef, Clip, ClipFadeShape, Session, Track } from "../session/schema.ts";
import type { AudioSource, SourceProvider } from "./source.ts";

/** One clip as it plays: everything in samples at the session rate. */
export interface PlaybackItem {
  audio: string;
  /** First timeline sample. */
  start: number;
  /** Timeline sample after the last. */
  end: number;
  /** Source frame played at `start`. */
  sourceStart: number;
  gain: number;
  fadeIn: number;
  fadeInShape: ClipFadeShape;
  fadeOut: number;
  fadeOutShape: ClipFadeShape;
  /** Comp window: the item is heard between `from` and `to`, ramping over `xf` samples centred on each. */
  window: { from: number; to: number; xf: number; shape: ClipFadeShape } | null;
  /**
   * First timeline sample read from the source: `start`, or later where a comp window silences the clip's
   * beginning (its gain is 0 before the window's ramp starts).
   */
  readFrom: number;
  /** Timeline sample after the last one read: `end`, or earlier where the window's ramp down ends. */
  readTo: number;
}

/** The track's clips as playback items, sorted by start. */
export function playbackItems(track: Track, sampleRate: number): PlaybackItem[] {
  const items: PlaybackItem[] = [];
  const takeById = new Map(track.takes.map((t) => [t.id, t]));
  const toItems = (clips: readonly Clip[], window: PlaybackItem["window"]) => {
    const sorted = [...clips].sort((a, b) => a.start - b.start);
    const its = sorted.map((c) => clipItem(c, sampleRate, window));
    // Overlapping neighbours crossfade across the overlap (at least).
    for (let i = 1; i < its.length; i++) {
      const overlap = its[i - 1].end - its[i].start;
      if (overlap > 0) {
        its[i - 1].fadeOut = Math.max(its[i - 1].fadeOut, overlap);
        its[i].fadeIn = Math.max(its[i].fadeIn, overlap);
      }
    }
    for (const it of its) {
      if (window) {
        // Only the part of the clip the window lets through is read: itemGain is 0 outside [lo, hi).
        const lo = window.from - (window.xf >> 1);
        const hi = window.to + window.xf - (window.xf >> 1);
        if (it.end <= lo || it.start >= hi) continue;
        it.readFrom = Math.max(it.start, lo);
        it.readTo = Math.max(it.readFrom, Math.min(it.end, hi));
      }
      items.push(it);
    }
  };
  if (track.comp && track.comp.segments.length > 0) {
    const xf = Math.round(track.comp.crossfade * sampleRate);
    for (const seg of track.comp.segments) {
      const take = takeById.get(seg.take);
      if (!take) continue;
      toItems(take.clips, {
        from: Math.round(seg.start * sampleRate),
        to: Math.round(seg.end * sampleRate),
        xf,
        shape: track.comp.shape,
      });
    }
  } else {
    const take = track.activeTake ? takeById.get(track.activeTake) : track.takes[0];
    if (take) toItems(take.clips, null);
  }
  return items.sort((a, b) => a.start - b.start);
}

function clipItem(c: Clip, sr: number, window: PlaybackItem["window"]): PlaybackItem {
  const start = Math.round(c.start * sr);
  const length = Math.max(1, Math.round(c.length * sr));
  return {
    audio: c.audio,
    start,
    end: start + length,
    sourceStart: Math.round(c.offset * sr),
    gain: dbToGain(c.gainDb),
    fadeIn: Math.min(length, Math.round(c.fadeIn.length * sr)),
    fadeInShape: c.fadeIn.shape,
    fadeOut: Math.min(length, Math.round(c.fadeOut.length * sr)),
    fadeOutShape: c.fadeOut.shape,
    window,
    readFrom: start,
    readTo: start + length,
  };
}

/** Gain of the item at timeline sample `t` (clip gain × fades × comp window). */
function itemGain(it: PlaybackItem, t: number): number {
  let g = it.gain;
  if (t - it.start < it.fadeIn) g *= clipFadeGain(it.fadeInShape, (t - it.start + 0.5) / it.fadeIn);
  if (it.end - t <= it.fadeOut) g *= clipFadeGain(it.fadeOutShape, (it.end - t - 0.5) / it.fadeOut);
  const w = it.window;
  if (w) {
    const h = w.xf >> 1;
    if (w.xf === 0) {
      if (t < w.from || t >= w.to) return 0;
    } else {
      const a = w.from - h; // ramp up over [a, a + xf)
      const b = w.to - h; // ramp down over [b, b + xf)
      if (t < a || t >= b + w.xf) return 0;
      if (t < a + w.xf) g *= clipFadeGain(w.shape, (t - a + 0.5) / w.xf);
      if (t >= b) g *= clipFadeGain(w.shape, 1 - (t - b + 0.5) / w.xf);
    }
  }
  return g;
}

/** True when the item's gain is constant over [a, b) (no fade or comp edge inside). */
function flatOver(it: PlaybackItem, a: number, b: number): boolean {
  if (a - it.start < it.fadeIn) return false;
  if (it.end - (b - 1) <= it.fadeOut) return false;
  const w = it.window;
  if (w && w.xf > 0) {
    const h = w.xf >> 1;
    const up = [w.from - h, w.from - h + w.xf];
    const down = [w.to - h, w.to - h + w.xf];
    if (a < up[1] && b > up[0]) return false;
    if (a < down[1] && b > down[0]) return false;
    if (a < up[0] || b > down[1]) return false;
  } else if (w && (a < w.from || b > w.to)) return false;
  return true;
}

/** Ended clips' sources kept open per track for reuse. */
const MAX_IDLE = 2;

/** Streams one track's audio in blocks. */
export class TrackPlayer {
  private readonly items: PlaybackItem[];
  private next = 0;
  /**
   * Items whose clip overlaps the current block, in start order. Those outside their read range add only
   * zeros, but they keep the one-clip shortcut and the order of the sums exactly as over whole clips.
   */
  private readonly live = new Set<PlaybackItem>();
  /** Sources of live items, open from their read range's start to its end. */
  private readonly open = new Map<PlaybackItem, AudioSource>();
  /** Sources of clips that have ended, kept for the next clip of the same audio (edits of one take). */
  private readonly idle: { audio: string; src: AudioSource }[] = [];
  private scratch: Float32Array[] = [];
  private gains: Float32Array;
  /** Blocks ending at or before this timeline sample need no bookkeeping (see `advance`). */
  private steadyUntil = Number.NEGATIVE_INFINITY;
  /** Start of the last block filled: a block before it (a step back) runs the bookkeeping. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** Timeline sample where the last clip ends. */
  readonly end: number;

  /**
   * @param track the track.
   * @param session the session (for audio references and the rate).
   * @param provider opens sources.
   * @param blockFrames largest block asked for.
   */
  constructor(
    readonly track: Track,
    private readonly session: Session,
    private readonly provider: SourceProvider,
    blockFrames: number,
  ) {
    this.items = playbackItems(track, session.sampleRate);
    this.end = this.items.reduce((m, it) => Math.max(m, it.end), 0);
    this.gains = new Float32Array(blockFrames);
  }

  /** The playback items (for inspection and tests). */
  get playback(): readonly PlaybackItem[] {
    return this.items;
  }

  /** Fills `out[c][0 … frames)` (the track's channels) with timeline samples `t0 … t0 + frames`. */
  async fill(t0: number, frames: number, out: Float32Array[]): Promise<void> {
    const t1 = t0 + frames;
    // Clips start, end and open at a few points of a song: the bookkeeping runs only for a block that reaches
    // one (or for a step back in time), which also keeps this function small for the optimising compiler.
    if (t1 > this.steadyUntil || t0 < this.lastStart) await this.advance(t0, t1);
    this.lastStart = t0;
    // The usual block: one clip covers all of it at a steady gain, channels as the track's. Read straight into
    // the output and scale there: the same values as adding into silence (but for the sign of a source's −0),
    // one pass instead of three. (A steady gain means inside the read range, so the source is open.)
    if (this.live.size === 1) {
      const [it] = this.live;
      const src = this.open.get(it);
      if (src && it.start <= t0 && it.end >= t1 && src.channels === out.length && flatOver(it, t0, t1)) {
        const views = frames === out[0].length ? out : out.map((o) => o.subarray(0, frames));
        await src.read(it.sourceStart + (t0 - it.start), frames, views);
        const g = it.gain;
        if (g !== 1) for (const o of out) for (let i = 0; i < frames; i++) o[i] *= g;
        return;
      }
    }
    await this.mixLive(t0, frames, out);
  }

  /**
   * Brings the live items and open sources up to the block t0 … t1: items starting in it join, those ended
   * leave, sources whose read range has ended are closed (kept idle for a later clip of the same audio), those
   * whose read range starts are opened. Then works out `steadyUntil`.
   */
  private async advance(t0: number, t1: number): Promise<void> {
    for (; this.next < this.items.length && this.items[this.next].start < t1; this.next++) {
      const it = this.items[this.next];
      if (it.end > t0) this.live.add(it);
    }
    for (const it of this.live) if (it.end <= t0) this.live.delete(it);
    // Close the sources whose read range has ended (first, so the next clip of the same audio can take
    // them), then open those whose read range starts in this block.
    for (const [it, src] of this.open) {
      if (it.readTo > t0) continue;
      this.open.delete(it);
      this.idle.push({ audio: it.audio, src });
      if (this.idle.length > MAX_IDLE) await this.idle.shift()!.src.close();
    }
    for (const it of this.live) {
      if (this.open.has(it) || Math.max(t0, it.readFrom) >= Math.min(t1, it.readTo)) continue;
      const ref = this.session.audio[it.audio] as AudioRef;
      const reuse = this.idle.findIndex((x) => x.audio === it.audio);
      const src =
        reuse >= 0
          ? this.idle.splice(reuse, 1)[0].src
          : await this.provider.open(it.audio, ref, this.session.sampleRate);
      this.open.set(it, src);
    }
    // Until the first of these nothing above would change for a later block ending there: the next item's
    // start (it would join), a live item's end (it would leave), an open source's read end (it would close), a
    // live item's read start still ahead (it would open). Live items hold every open source.
    let steady = this.next < this.items.length ? this.items[this.next].start : Number.POSITIVE_INFINITY;
    for (const it of this.live) {
      steady = Math.min(steady, it.end);
      if (this.open.has(it)) steady = Math.min(steady, it.readTo);
      else if (it.readFrom >= t1 && it.readFrom < it.readTo) steady = Math.min(steady, it.readFrom);
    }
    this.steadyUntil = steady;
  }

  /** Every live item's part of the block, with its gains, added into `out` (cleared first). */
  private async mixLive(t0: number, frames: number, out: Float32Array[]): Promise<void> {
    const t1 = t0 + frames;
    for (const o of out) o.fill(0, 0, frames);
    for (const it of this.live) {
      const src = this.open.get(it);
      if (!src) continue;
      // Outside [readFrom, readTo) the gain is 0: adding x · 0 to a sum that starts at +0 changes nothing.
      const a = Math.max(t0, it.readFrom);
      const b = Math.min(t1, it.readTo);
      if (b <= a) continue;
      const n = b - a;
      if (this.scratch.length < src.channels || this.scratch[0].length < frames) {
        this.scratch = Array.from(
          { length: Math.max(src.channels, this.scratch.length) },
          () => new Float32Array(frames),
        );
      }
      await src.read(it.sourceStart + (a - it.start), n, this.scratch.slice(0, src.channels));
      const off = a - t0;
      // Steady or not is judged over the clip's part of the block, as when the whole clip was read: a steady
      // gain is applied as a number, a changing one through float32 gains, and the two differ in rounding.
      if (flatOver(it, Math.max(t0, it.start), Math.min(t1, it.end))) {
        mixInto(this.scratch, src.channels, out, off, n, it.gain, null);
      } else {
        const g = this.gains;
        for (let i = 0; i < n; i++) g[i] = itemGain(it, a + i);
        mixInto(this.scratch, src.channels, out, off, n, 0, g);
      }
    }
  }

  /** Closes every open source. */
  async close(): Promise<void> {
    for (const src of this.open.values()) await src.close();
    for (const x of this.idle) await x.src.close();
    this.open.clear();
    this.live.clear();
    this.idle.length = 0;
    this.steadyUntil = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Adds `src` (srcCh channels, frames 0 … n) times a gain (scalar or per sample) into `out` at `off`. Channel
 * mapping: equal counts copy; mono into stereo feeds both sides; stereo into mono averages the two.
 */
function mixInto(
  src: Float32Array[],
  srcCh: number,
  out: Float32Array[],
  off: number,
  n: number,
  gain: number,
  gains: Float32Array | null,
): void {
  const outCh = out.length;
  for (let c = 0; c < outCh; c++) {
    const o = out[c];
    if (srcCh >= 2 && outCh === 1) {
      const x0 = src[0];
      const x1 = src[1];
      if (gains) for (let i = 0; i < n; i++) o[off + i] += 0.5 * (x0[i] + x1[i]) * gains[i];
      else for (let i = 0; i < n; i++) o[off + i] += 0.5 * (x0[i] + x1[i]) * gain;
    } else {
      const x = src[Math.min(c, srcCh - 1)];
      if (gains) for (let i = 0; i < n; i++) o[off + i] += x[i] * gains[i];
      else for (let i = 0; i < n; i++) o[off + i] += x[i] * gain;
    }
  }
}
