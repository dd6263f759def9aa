/**
 * Live meter readings computed with the engine's BS.1770 meters: momentary loudness (400 ms, LUFS) and
 * true peak (dBTP, held), plus the sample peak since the last reading for the bar.
 */
import { LoudnessMeter, powerToLufs } from "@controlroom/engine/analysis/loudness.ts";
import { TruePeakMeter } from "@controlroom/engine/analysis/true-peak.ts";

export interface MeterReading {
  /** Sample peak of the latest block, dBFS (−Infinity for silence). */
  peakDb: number;
  /** Momentary loudness, LUFS. */
  momentaryLufs: number;
  /** Highest true peak since reset, dBTP. */
  truePeakDb: number;
  /** Integrated loudness so far, LUFS. */
  integratedLufs: number;
}

/**
 * The meter every page shows (the mixer's strips and master, the recording input) and the audio-thread
 * worklet runs: feed it blocks, ask for a reading when the display updates.
 */
export class LiveMeter {
  private loud: LoudnessMeter;
  private tp: TruePeakMeter;
  /** Largest absolute sample since the last reading. */
  private peak = 0;
  constructor(
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    this.loud = new LoudnessMeter(sampleRate, channels);
    this.tp = new TruePeakMeter(sampleRate, channels);
  }
  /** Feeds a block of planar samples (every channel the same length). */
  push(block: Float32Array[]): void {
    const n = block[0].length;
    this.loud.process(block, n);
    this.tp.process(block, n);
    let m = this.peak;
    for (const ch of block)
      for (let i = 0; i < n; i++) {
        const a = Math.abs(ch[i]);
        if (a > m) m = a;
      }
    this.peak = m;
  }
  /** The reading now. Its sample peak is of the blocks fed since the previous reading (the display's window). */
  reading(): MeterReading {
    const mom = this.loud.momentary.view();
    const r = {
      peakDb: 20 * Math.log10(this.peak),
      momentaryLufs: mom.length ? powerToLufs(mom[mom.length - 1]) : Number.NEGATIVE_INFINITY,
      truePeakDb: 20 * Math.log10(this.tp.peak),
      integratedLufs: this.loud.result().integratedLufs,
    };
    this.peak = 0;
    return r;
  }
  reset(): void {
    this.loud.reset();
    this.tp = new TruePeakMeter(this.sampleRate, this.channels);
    this.peak = 0;
  }
}

/** Formats a dB figure with one decimal, "−∞" for silence. */
export function db(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : "−∞";
}

/** A horizontal meter bar over −60…0 dB. */
export function meterWidth(x: number): string {
  return `${Math.max(0, Math.min(100, ((x + 60) / 60) * 100))}%`;
}
