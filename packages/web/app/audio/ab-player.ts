/**
 * Plays one version, or two for A/B. Both versions of an A/B pair run at once from the same start time, so
 * switching is only a gain change: the playhead cannot drift between them. Each side plays at its
 * loudness-match gain (from the server's integrated loudness), so the louder mix does not win by loudness.
 */
import { audioContext, dbToGain } from "./context.ts";

/** One side of the pair: decoded audio and its match gain in dB (0 when unknown). */
export interface Side {
  buffer: AudioBuffer;
  gainDb: number;
}

/** Crossfade time constant for switching sides, seconds (short enough to feel instant, long enough not to click). */
const SWITCH_TC = 0.005;

export class ABPlayer {
  private sides: [Side | null, Side | null] = [null, null];
  private nodes: { src: AudioBufferSourceNode; gain: GainNode }[] = [];
  private startedAt = 0;
  private offset = 0;
  /** Which side is heard: 0 = A, 1 = B. */
  active: 0 | 1 = 0;
  playing = false;
  onEnded: (() => void) | null = null;

  /** Longest of the two sides, seconds. */
  get duration(): number {
    return Math.max(this.sides[0]?.buffer.duration ?? 0, this.sides[1]?.buffer.duration ?? 0);
  }

  /** The playhead, seconds. */
  get time(): number {
    if (!this.playing) return this.offset;
    const t = this.offset + (audioContext().currentTime - this.startedAt);
    return Math.min(t, this.duration);
  }

  /** Sets the pair (B may be null for plain playback); keeps playing from the same playhead. */
  setSides(a: Side | null, b: Side | null): void {
    const was = this.playing;
    const t = this.time;
    this.stopNodes();
    this.sides = [a, b];
    this.offset = Math.min(t, this.duration);
    if (was) this.play();
  }

  /** Starts from the playhead (or `from`, seconds). */
  play(from?: number): void {
    const ctx = audioContext();
    if (from !== undefined) this.offset = Math.max(0, Math.min(from, this.duration));
    this.stopNodes();
    if (this.offset >= this.duration) this.offset = 0;
    const when = ctx.currentTime + 0.02;
    this.nodes = [];
    this.sides.forEach((side, i) => {
      if (!side) return;
      const src = ctx.createBufferSource();
      src.buffer = side.buffer;
      const gain = ctx.createGain();
      gain.gain.value = i === this.active ? dbToGain(side.gainDb) : 0;
      src.connect(gain).connect(ctx.destination);
      if (this.offset < side.buffer.duration) src.start(when, this.offset);
      this.nodes.push({ src, gain });
      if (i === 0)
        src.onended = () => {
          if (this.playing && this.time >= this.duration - 0.05) {
            this.playing = false;
            this.offset = 0;
            this.onEnded?.();
          }
        };
    });
    this.startedAt = when;
    this.playing = true;
  }

  pause(): void {
    if (!this.playing) return;
    this.offset = this.time;
    this.stopNodes();
    this.playing = false;
  }

  /** Moves the playhead, seconds; keeps playing if playing. */
  seek(t: number): void {
    if (this.playing) this.play(t);
    else this.offset = Math.max(0, Math.min(t, this.duration));
  }

  /** Switches the heard side at the current playhead. */
  switchTo(which: 0 | 1): void {
    this.active = which;
    const ctx = audioContext();
    this.nodes.forEach((n, i) => {
      const side = this.sides[i];
      const target = i === which && side ? dbToGain(side.gainDb) : 0;
      n.gain.gain.setTargetAtTime(target, ctx.currentTime, SWITCH_TC);
    });
  }

  private stopNodes(): void {
    for (const n of this.nodes) {
      n.src.onended = null;
      try {
        n.src.stop();
      } catch {
        // never started (offset past its end)
      }
      n.src.disconnect();
    }
    this.nodes = [];
  }

  dispose(): void {
    this.stopNodes();
    this.playing = false;
  }
}
