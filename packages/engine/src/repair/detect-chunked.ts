/**
 * The problem detection (`detectProblems`) of a recording too long to hold in memory, in two passes over it:
 *
 * 1. `measure` — the whole recording in any pieces, in order: each channel's extremes (the clip levels), its
 *    running sum (DC), the energy of every noise frame (which frames are the quietest tenth), and the first
 *    minute of the channels' average (hum is judged on the first minute, as `detectHum` does for any file).
 * 2. `scan` — the recording again in the chunks `chunks()` lays out: a core each (consecutive, together the
 *    whole recording, starting on multiples of the click detector's block) with margins either side (the
 *    reach of the click detector's context, `clickReach`). Clicks are kept from the chunk whose core holds
 *    their first sample, so each is found once, at its absolute position; clipped runs are followed across
 *    cores (`ClippingRuns`); the quietest frames' spectra are summed where their core is.
 *
 * `finish` merges the report. A recording that fits in one chunk is scanned whole by `detectProblems`
 * itself (the report is the same to the bit). For longer ones every finding is the whole-file method's —
 * clicks and their peaks (as long as no event's context reaches past a margin: a crackle burst chained over
 * more than the margin is cut at the core's edge), clipping run for run, DC, hum — except the noise floor,
 * whose spectra are summed in file order rather than quietest-first (it agrees to rounding).
 */
import { arOrderFor } from "./ar-model.ts";
import { ClippingRuns } from "./clipping-runs.ts";
import { CLICK_BLOCK, clickReach, crackleOf, detectClicks } from "./declick.ts";
import { detectHum } from "./dehum.ts";
import { frameEnergy, NoiseSpectrum, noiseFrameSize, quietestFrames } from "./denoise.ts";
import {
  type ChannelClickEvent,
  type DetectOptions,
  detectProblems,
  type ProblemReport,
  problemReport,
} from "./detect.ts";

/** Default core length of a chunk, s … */
export const DEFAULT_CHUNK_SECONDS = 60;
/** … but no more samples than this (60 s at 48 kHz), so memory does not grow with the sample rate. */
export const MAX_DEFAULT_CHUNK_FRAMES = 60 * 48000;

/** How much of the recording hum is judged on, s (as `detectHum`). */
const HUM_SECONDS = 60;

/** One chunk of the second pass: read samples [start, end), keep what it finds in [coreStart, coreEnd). */
export interface DetectChunk {
  start: number;
  end: number;
  coreStart: number;
  coreEnd: number;
}

/** Options for `ChunkedDetection`. */
export interface ChunkedDetectOptions extends DetectOptions {
  /**
   * Core length of a chunk, s (default 60, at most MAX_DEFAULT_CHUNK_FRAMES samples; rounded up to whole
   * click-detector blocks).
   */
  chunkSeconds?: number;
}

/** What the first pass measures of one channel. */
interface ChannelMeasure {
  max: number;
  min: number;
  sum: number;
  /** Noise frames: [variance, index], and the open frame's running sums. */
  energy: [number, number][];
  frameSum: number;
  frameSumX: number;
  frameFill: number;
}

/** The detection of a long recording in chunks (see the file comment for the two passes). */
export class ChunkedDetection {
  /** Core length of a chunk, samples. */
  readonly chunkFrames: number;
  /** Margin either side of a core, samples. */
  readonly margin: number;
  private readonly noiseSize: number;
  private readonly measures: ChannelMeasure[];
  private readonly humMid: Float32Array;
  private frames = 0;
  private measured = false;
  // Second pass.
  private plan: DetectChunk[] = [];
  private next = 0;
  private whole: ProblemReport | null = null;
  private clips: ClippingRuns[] = [];
  private noise: NoiseSpectrum[] = [];
  private quiet: Uint8Array[] = [];
  private readonly events: ChannelClickEvent[][];

  /**
   * @param sampleRate Hz.
   * @param channels number of channels.
   */
  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    private readonly options: ChunkedDetectOptions = {},
  ) {
    if (!(channels >= 1)) throw new RangeError("ChunkedDetection: no channels");
    const seconds = options.chunkSeconds;
    if (seconds !== undefined && !(seconds > 0))
      throw new RangeError(`chunkSeconds must be > 0, got ${seconds}`);
    const blocks = (n: number) => Math.max(1, Math.ceil(n / CLICK_BLOCK)) * CLICK_BLOCK;
    this.chunkFrames = blocks(
      seconds !== undefined
        ? seconds * sampleRate
        : Math.min(DEFAULT_CHUNK_SECONDS * sampleRate, MAX_DEFAULT_CHUNK_FRAMES),
    );
    this.noiseSize = noiseFrameSize(sampleRate);
    // The noise frames must fit in the margin too (a frame is summed where its first sample's core is).
    this.margin = blocks(Math.max(clickReach(sampleRate), this.noiseSize));
    this.measures = Array.from({ length: channels }, () => ({
      max: 0,
      min: 0,
      sum: 0,
      energy: [],
      frameSum: 0,
      frameSumX: 0,
      frameFill: 0,
    }));
    this.humMid = new Float32Array(HUM_SECONDS * sampleRate);
    this.events = Array.from({ length: channels }, () => []);
  }

  /** First pass: the next `block[0].length` samples of every channel (planar, in order). */
  measure(block: readonly Float32Array[]): void {
    if (this.measured) throw new Error("ChunkedDetection: measure after chunks()");
    const n = block[0].length;
    const size = this.noiseSize;
    block.forEach((x, c) => {
      const m = this.measures[c];
      let { max, min, sum } = m;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v > max) max = v;
        else if (v < min) min = v;
        sum += v;
      }
      Object.assign(m, { max, min, sum });
      // Noise frames of `size` from sample 0, summed in sample order (as measureNoiseFloor).
      for (let i = 0; i < n; i++) {
        m.frameSum += x[i] * x[i];
        m.frameSumX += x[i];
        if (++m.frameFill === size) {
          m.energy.push(frameEnergy(m.frameSum, m.frameSumX, size, m.energy.length));
          m.frameSum = 0;
          m.frameSumX = 0;
          m.frameFill = 0;
        }
      }
    });
    // The channels' average over the first minute, for hum (as detectProblems: each channel / count, in order).
    const hum = this.humMid;
    const to = Math.min(hum.length, this.frames + n);
    for (let i = this.frames; i < to; i++) {
      if (this.channels === 1) hum[i] = block[0][i - this.frames];
      else for (const x of block) hum[i] += x[i - this.frames] / this.channels;
    }
    this.frames += n;
  }

  /** Ends the first pass; the second pass's chunks, in the order `scan` wants them. */
  chunks(): DetectChunk[] {
    if (this.measured) return this.plan;
    this.measured = true;
    const n = this.frames;
    if (n === 0) throw new RangeError("ChunkedDetection: no samples");
    for (let s = 0; s < n; s += this.chunkFrames) {
      const coreEnd = Math.min(n, s + this.chunkFrames);
      this.plan.push({
        start: Math.max(0, s - this.margin),
        end: Math.min(n, coreEnd + this.margin),
        coreStart: s,
        coreEnd,
      });
    }
    this.clips = this.measures.map((m) => new ClippingRuns(m.max, m.min, n));
    this.noise = this.measures.map(() => new NoiseSpectrum(this.noiseSize));
    this.quiet = this.measures.map((m) => {
      const q = new Uint8Array(m.energy.length);
      for (const f of quietestFrames(m.energy)) q[f] = 1;
      return q;
    });
    return this.plan;
  }

  /**
   * Second pass: one chunk's samples (planar, `chunk.end − chunk.start` each), chunks in the order given.
   */
  scan(chunk: DetectChunk, data: readonly Float32Array[]): void {
    const plan = this.chunks();
    const expected = plan[this.next];
    if (!expected || expected.start !== chunk.start || expected.end !== chunk.end)
      throw new RangeError(`ChunkedDetection: chunk ${chunk.start}–${chunk.end} out of order`);
    if (data.length !== this.channels || data.some((x) => x.length !== chunk.end - chunk.start))
      throw new RangeError("ChunkedDetection: chunk data of the wrong size");
    const progress = this.options.onProgress ?? (() => {});
    this.next++;
    if (plan.length === 1) {
      this.whole = detectProblems(data as Float32Array[], this.sampleRate, this.options);
      return;
    }
    const { start, coreStart, coreEnd } = chunk;
    const size = this.noiseSize;
    data.forEach((x, c) => {
      for (const e of detectClicks(x, this.sampleRate, { sensitivity: this.options.sensitivity })) {
        const at = e.start + start;
        if (at >= coreStart && at < coreEnd) this.events[c].push({ ...e, start: at, channel: c });
      }
      this.clips[c].scan(x, start, coreStart, coreEnd);
      const quiet = this.quiet[c];
      for (let f = Math.ceil(coreStart / size); f * size < coreEnd && f < quiet.length; f++)
        if (quiet[f]) this.noise[c].add(x, f * size - start);
      progress((this.next - 1 + (c + 1) / this.channels) / plan.length);
    });
  }

  /** The report, after every chunk was scanned. */
  finish(): ProblemReport {
    const plan = this.chunks();
    if (this.next !== plan.length)
      throw new RangeError(`ChunkedDetection: ${this.next} of ${plan.length} chunks scanned`);
    if (this.whole) return this.whole;
    const { sampleRate } = this;
    const frames = this.frames;
    const near = arOrderFor(sampleRate);
    const clicks: ChannelClickEvent[] = [];
    const crackle: ChannelClickEvent[] = [];
    const clip = { runs: 0, samples: 0, level: 0, spans: [] as [number, number, number][] };
    let floorDb = Number.NEGATIVE_INFINITY;
    const dcs: number[] = [];
    this.measures.forEach((m, c) => {
      const cl = this.clips[c].finish();
      // As detectProblems: a click beside a clipped run is the clipping's (spans in order: binary search).
      const starts = cl.spans.map(([s]) => s);
      const events = this.events[c].filter((e) => {
        let lo = 0;
        let hi = starts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (starts[mid] < e.start + e.length + near) lo = mid + 1;
          else hi = mid;
        }
        // Spans start in order and do not overlap, so of those starting before the event's end (+near),
        // cl.spans[0 … lo), the last one ends latest: it alone decides.
        if (lo > 0) {
          const [s, l] = cl.spans[lo - 1];
          if (e.start < s + l + near) return false;
        }
        return true;
      });
      for (const e of events) clicks.push(e);
      for (const e of crackleOf(events, frames, sampleRate).events) crackle.push(e as ChannelClickEvent);
      floorDb = Math.max(floorDb, m.energy.length ? this.noise[c].floorDb() : Number.NEGATIVE_INFINITY);
      clip.runs += cl.runs;
      clip.samples += cl.samples;
      clip.level = Math.max(clip.level, cl.level);
      for (const [s, l] of cl.spans) clip.spans.push([c, s, l]);
      dcs.push(m.sum / frames);
    });
    const hum = detectHum(this.humMid.subarray(0, Math.min(frames, this.humMid.length)), sampleRate);
    const report = problemReport({
      sampleRate,
      frames,
      channels: this.channels,
      clicks,
      crackle,
      hum,
      floorDb,
      clip,
      dcs,
    });
    this.options.onProgress?.(1);
    return report;
  }
}
