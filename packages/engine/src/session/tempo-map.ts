/**
 * Tempo map: converts between bars/beats, quarter notes, seconds and samples, with tempo changes and
 * time-signature changes. Tempo is in quarter notes per minute (as DAWs and MIDI count it); a beat is one
 * unit of the time signature's denominator (an eighth in 6/8). Tempo changes are instantaneous.
 */
import type { TempoChange } from "./schema.ts";

/** A musical position: bar and beat, both 1-based (beat may be fractional). */
export interface BarBeat {
  bar: number;
  beat: number;
}

interface SigSpan {
  bar: number;
  /** Quarter-note position where this signature starts. */
  quarter: number;
  /** Quarter notes per bar. */
  quartersPerBar: number;
  /** Quarter notes per beat (4 / denominator). */
  quartersPerBeat: number;
}

interface TempoSpan {
  quarter: number;
  seconds: number;
  /** Seconds per quarter note. */
  spq: number;
}

export class TempoMap {
  private readonly sigs: SigSpan[] = [];
  private readonly tempos: TempoSpan[] = [];

  /**
   * @param tempo tempo changes (at least one; the first applies from the start whatever bar it names).
   * @param signatures time-signature changes at bar starts (default 4/4 throughout).
   */
  constructor(
    tempo: readonly Pick<TempoChange, "bar" | "beat" | "bpm">[],
    signatures: readonly { bar: number; numerator: number; denominator: number }[] = [
      { bar: 1, numerator: 4, denominator: 4 },
    ],
  ) {
    const sigs = [...signatures].sort((a, b) => a.bar - b.bar);
    if (sigs.length === 0 || sigs[0].bar !== 1) sigs.unshift({ bar: 1, numerator: 4, denominator: 4 });
    let quarter = 0;
    for (let i = 0; i < sigs.length; i++) {
      const s = sigs[i];
      if (i > 0) {
        const p = this.sigs[this.sigs.length - 1];
        quarter = p.quarter + (s.bar - p.bar) * p.quartersPerBar;
        if (s.bar === p.bar) this.sigs.pop();
      }
      this.sigs.push({
        bar: s.bar,
        quarter,
        quartersPerBar: (s.numerator * 4) / s.denominator,
        quartersPerBeat: 4 / s.denominator,
      });
    }
    if (tempo.length === 0) throw new RangeError("a tempo map needs at least one tempo");
    const changes = tempo
      .map((t) => ({ quarter: this.barBeatToQuarters(t.bar, t.beat ?? 1), spq: 60 / t.bpm }))
      .sort((a, b) => a.quarter - b.quarter);
    // The first tempo holds from the very start.
    changes[0] = { ...changes[0], quarter: 0 };
    let seconds = 0;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      if (i > 0) {
        const p = this.tempos[this.tempos.length - 1];
        seconds = p.seconds + (c.quarter - p.quarter) * p.spq;
        if (c.quarter === p.quarter) this.tempos.pop();
      }
      this.tempos.push({ quarter: c.quarter, seconds, spq: c.spq });
    }
  }

  /** Quarter notes from the session start to bar `bar`, beat `beat` (both 1-based; fractions allowed). */
  barBeatToQuarters(bar: number, beat = 1): number {
    const s = findLast(this.sigs, (x) => x.bar <= bar) ?? this.sigs[0];
    return s.quarter + (bar - s.bar) * s.quartersPerBar + (beat - 1) * s.quartersPerBeat;
  }

  /** The bar and beat at a quarter-note position. */
  quartersToBarBeat(quarters: number): BarBeat {
    const s = findLast(this.sigs, (x) => x.quarter <= quarters) ?? this.sigs[0];
    const barsInto = Math.floor((quarters - s.quarter) / s.quartersPerBar + 1e-9);
    const barStart = s.quarter + barsInto * s.quartersPerBar;
    return { bar: s.bar + barsInto, beat: 1 + (quarters - barStart) / s.quartersPerBeat };
  }

  /** Seconds at a quarter-note position. */
  quartersToSeconds(quarters: number): number {
    const t = findLast(this.tempos, (x) => x.quarter <= quarters) ?? this.tempos[0];
    return t.seconds + (quarters - t.quarter) * t.spq;
  }

  /** Quarter-note position at a time in seconds. */
  secondsToQuarters(seconds: number): number {
    const t = findLast(this.tempos, (x) => x.seconds <= seconds) ?? this.tempos[0];
    return t.quarter + (seconds - t.seconds) / t.spq;
  }

  /** Seconds at bar `bar`, beat `beat` (1-based). */
  barBeatToSeconds(bar: number, beat = 1): number {
    return this.quartersToSeconds(this.barBeatToQuarters(bar, beat));
  }

  /** Bar and beat at a time in seconds. */
  secondsToBarBeat(seconds: number): BarBeat {
    return this.quartersToBarBeat(this.secondsToQuarters(seconds));
  }

  /** Tempo in force at a time, quarter notes per minute. */
  bpmAt(seconds: number): number {
    const t = findLast(this.tempos, (x) => x.seconds <= seconds) ?? this.tempos[0];
    return 60 / t.spq;
  }

  /** Sample index (rounded to the nearest sample) at bar/beat for a rate in Hz. */
  barBeatToSamples(bar: number, beat: number, sampleRate: number): number {
    return secondsToSamples(this.barBeatToSeconds(bar, beat), sampleRate);
  }

  /** Bar and beat at a sample index. */
  samplesToBarBeat(samples: number, sampleRate: number): BarBeat {
    return this.secondsToBarBeat(samples / sampleRate);
  }

  /** Time span of bars `startBar` … `endBar` inclusive, in seconds. */
  barsToSeconds(startBar: number, endBar: number): { start: number; end: number } {
    return { start: this.barBeatToSeconds(startBar), end: this.barBeatToSeconds(endBar + 1) };
  }
}

/** Seconds → nearest sample index at `sampleRate` Hz. */
export function secondsToSamples(seconds: number, sampleRate: number): number {
  return Math.round(seconds * sampleRate);
}

function findLast<T>(xs: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i])) return xs[i];
  return undefined;
}
