/**
 * Live meter readings computed with the engine's BS.1770 meters. One reading is one window: the sample
 * peak, the true peak and the momentary loudness all of the same last 400 ms (four 100 ms steps, the
 * momentary window), so the figures shown together can never contradict each other (a peak of −∞ beside a
 * loudness of −18 LUFS). The highest true peak since the start is held apart, for the overload warning.
 */
import { LoudnessMeter, powerToLufs } from "@controlroom/engine/analysis/loudness.ts";
import { TruePeakMeter } from "@controlroom/engine/analysis/true-peak.ts";

export interface MeterReading {
  /** Sample peak of the last 400 ms, dBFS (−Infinity for silence). */
  peakDb: number;
  /** Momentary loudness (the last 400 ms), LUFS. */
  momentaryLufs: number;
  /** True peak of the last 400 ms, dBTP (never below `peakDb`). */
  truePeakDb: number;
  /** Highest true peak since the start (or reset), dBTP. */
  truePeakMaxDb: number;
  /** Integrated loudness so far, LUFS. */
  integratedLufs: number;
}

/** 100 ms steps per window: the momentary loudness's 400 ms. */
const STEPS = 4;
/** Below BS.1770's absolute gate a momentary reading is silence (a filter's decaying tail reads −150 LUFS). */
const SILENT_LUFS = -70;

/** Per 100 ms step, a peak found so far (linear), keyed by step number; the last few kept. */
class StepPeaks {
  private readonly byStep = new Map<number, number>();
  raise(step: number, value: number): void {
    if (value > (this.byStep.get(step) ?? 0)) this.byStep.set(step, value);
    this.byStep.delete(step - STEPS - 1);
  }
  /** Largest over steps `from` … `to` − 1. */
  max(from: number, to: number): number {
    let m = 0;
    for (let k = Math.max(0, from); k < to; k++) m = Math.max(m, this.byStep.get(k) ?? 0);
    return m;
  }
  clear(): void {
    this.byStep.clear();
  }
}

/**
 * The meter every page shows (the mixer's strips and master, the recording input): feed it blocks, ask for
 * a reading when the display updates. Readings cover the last four complete 100 ms steps — the momentary
 * window — in every figure. The true peak's interpolation trails its input by a few frames
 * (`TruePeakMeter.delayFrames`); its points are counted in the step they belong to, not the one being fed.
 */
export class LiveMeter {
  private loud: LoudnessMeter;
  private tp: TruePeakMeter;
  private readonly delay: number;
  /** Frames fed so far. */
  private fed = 0;
  private samplePeaks = new StepPeaks();
  private truePeaks = new StepPeaks();
  private truePeakMax = 0;
  constructor(
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    this.loud = new LoudnessMeter(sampleRate, channels);
    this.tp = new TruePeakMeter(sampleRate, channels);
    this.delay = this.tp.delayFrames;
  }

  /** Step boundaries as the loudness meter puts them. */
  private edge(k: number): number {
    return Math.round((k * this.sampleRate) / 10);
  }

  /** The step frame `f` lies in. */
  private stepOf(f: number): number {
    let k = Math.floor((f * 10) / this.sampleRate);
    while (this.edge(k + 1) <= f) k++;
    while (k > 0 && this.edge(k) > f) k--;
    return k;
  }

  /** Feeds a block of planar samples (every channel the same length). */
  push(block: Float32Array[]): void {
    const n = block[0].length;
    this.loud.process(block, n);
    let offset = 0;
    while (offset < n) {
      // Pieces end where a step ends, for the samples and (a few frames later) for the true peak.
      const at = this.fed;
      const sampleStep = this.stepOf(at);
      const tpStep = this.stepOf(Math.max(0, at - this.delay));
      const m = Math.min(n - offset, this.edge(sampleStep + 1) - at, this.edge(tpStep + 1) + this.delay - at);
      const piece = offset === 0 && m === n ? block : block.map((ch) => ch.subarray(offset, offset + m));
      this.tp.process(piece, m);
      const tp = this.tp.peak;
      this.tp.clearPeaks();
      this.truePeaks.raise(tpStep, tp);
      this.truePeakMax = Math.max(this.truePeakMax, tp);
      let p = 0;
      for (const ch of piece)
        for (let i = 0; i < m; i++) {
          const a = Math.abs(ch[i]);
          if (a > p) p = a;
        }
      this.samplePeaks.raise(sampleStep, p);
      this.fed += m;
      offset += m;
    }
  }

  /** The reading now: of the last four complete 100 ms steps (fewer at the very start). */
  reading(): MeterReading {
    const mom = this.loud.momentary.view();
    const steps = this.loud.steps;
    const peak = this.samplePeaks.max(steps - STEPS, steps);
    // Never below the sample peak (the interpolation may not have reached the newest samples yet).
    const truePeak = Math.max(peak, this.truePeaks.max(steps - STEPS, steps));
    const lufs = mom.length ? powerToLufs(mom[mom.length - 1]) : Number.NEGATIVE_INFINITY;
    return {
      peakDb: 20 * Math.log10(peak),
      momentaryLufs: lufs < SILENT_LUFS ? Number.NEGATIVE_INFINITY : lufs,
      truePeakDb: 20 * Math.log10(truePeak),
      truePeakMaxDb: 20 * Math.log10(Math.max(this.truePeakMax, peak)),
      integratedLufs: this.loud.result().integratedLufs,
    };
  }

  reset(): void {
    this.loud.reset();
    this.tp.reset();
    this.fed = 0;
    this.samplePeaks.clear();
    this.truePeaks.clear();
    this.truePeakMax = 0;
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
