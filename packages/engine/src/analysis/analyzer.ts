import { channelWeights, LoudnessMeter, powerToLufs } from "./loudness.ts";
import { type BandLevel, ThirdOctaveAnalyzer } from "./third-octave.ts";
import { TruePeakMeter } from "./true-peak.ts";

/** Level under which a sample counts as silence for head/tail measurement: −60 dBFS. */
const SILENCE_LEVEL = 0.001;
/**
 * Frames per span of a block whose peak the levels loop keeps: the clipping scan skips spans that stay
 * below the plateau (on a full-scale sine nearly all of them).
 */
const SPAN = 512;
/** Relative tolerance for "at the clip level": just over one 16-bit step, so +32767 and −32768 both count. */
const CLIP_TOLERANCE = 4e-5;
/** A plateau of at least this many equal peak samples is the mark of clipping (a sine can touch its peak twice). */
const CLIP_EVIDENCE_RUN = 3;
/** Clip runs kept with positions; all are counted. */
const MAX_CLIP_POSITIONS = 10000;
/** Waveform overview resolution: buckets are merged in pairs when there would be more than this. */
const MAX_OVERVIEW_BUCKETS = 4096;
/** Windows quieter than this (both channels, −60 dBFS RMS) say nothing about phase. */
const CORRELATION_FLOOR_POWER = 1e-6;

/** One stretch of consecutive clipped samples. */
export interface ClipRun {
  channel: number;
  /** First clipped sample, 0-based frame index. */
  startSample: number;
  /** Number of consecutive clipped samples. */
  length: number;
}

/** Per-channel levels. */
export interface ChannelLevels {
  samplePeakDbfs: number;
  truePeakDbtp: number;
  rmsDbfs: number;
}

/**
 * Everything `controlroom analyze` reports. Levels in dB are −Infinity for silence (the CLI prints `null`).
 * RMS is the plain mean square over all channels' samples (a full-scale sine reads −3.01 dBFS).
 */
export interface AnalysisReport {
  durationSeconds: number;
  frames: number;
  /** BS.1770-4 gated integrated loudness, LUFS. */
  integratedLufs: number;
  /** EBU Tech 3342 loudness range, LU. */
  loudnessRangeLu: number;
  /** BS.1770-4 Annex 2 true peak over all channels, dBTP. */
  truePeakDbtp: number;
  samplePeakDbfs: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  rmsDbfs: number;
  /** Sample peak minus RMS, dB. */
  crestFactorDb: number;
  /** Mean value per channel (full scale = 1). */
  dcOffset: number[];
  /** Samples sitting on a clip plateau (all channels). */
  clippedSamples: number;
  /** Number of such plateaus (runs). */
  clipRuns: number;
  /** The runs, up to 10 000, in order. */
  clipPositions: ClipRun[];
  /** Pearson correlation of channels 1 and 2 over the file (+1 mono-like, 0 wide, −1 out of phase); null if not stereo. */
  correlation: number | null;
  /** The lowest correlation of any 400 ms window (100 ms steps) that is not near-silent. */
  worstCorrelation: { value: number; startSeconds: number } | null;
  /** Level lost when channels 1 and 2 are folded to mono as (L+R)/2, dB (0 for mono-compatible; large when they cancel). */
  monoLossDb: number | null;
  silence: { headSeconds: number; tailSeconds: number };
  bands: BandLevel[];
  /** Loudness over time, one value per 100 ms (the windows ending at each step), LUFS. */
  series: { intervalSeconds: number; momentary: Float64Array; shortTerm: Float64Array };
  /** Waveform overview: min and max per bucket per channel. */
  overview: { bucketSeconds: number; min: Float32Array[]; max: Float32Array[] };
  perChannel: ChannelLevels[];
  warnings: string[];
}

export interface AnalyzerOptions {
  /** Hz, 8 000 … 384 000. */
  sampleRate: number;
  /** 1 … 64. */
  channels: number;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask, to weight surround channels by position. */
  channelMask?: number;
  /**
   * Word length of integer PCM sources (8 … 32), when known: samples within 1.5 steps of the clip level
   * then count as clipped (+32767 and −32768 are both full scale). Unknown or float: a relative 4e-5.
   */
  bitDepth?: number | null;
  /**
   * Which measurement groups to run (default: all). A host with several cores can run two Analyzers over
   * the same audio with complementary groups and join their reports with `mergeReports`.
   */
  parts?: Partial<Record<AnalysisPart, boolean>>;
  /**
   * The channels (0-based) whose true peak this analyzer measures, when `truePeak` is on (default all).
   * Two analyzers can take half the channels each: true peak is the costliest measurement on dense
   * material. A channel not measured reads its sample peak, or −Infinity, in `perChannel`.
   */
  truePeakChannels?: number[];
}

/**
 * Measurement groups: `loudness` (M/S/I/LRA and the series), `levels` (peak, RMS, DC, clipping, silence),
 * `phase` (correlation, mono loss), `truePeak`, `spectrum` (1/3-octave bands), `overview` (waveform).
 */
export type AnalysisPart = "loudness" | "levels" | "phase" | "truePeak" | "spectrum" | "overview";

/** The report fields each group fills. */
const PART_FIELDS: Record<AnalysisPart, (keyof AnalysisReport)[]> = {
  loudness: ["integratedLufs", "loudnessRangeLu", "maxMomentaryLufs", "maxShortTermLufs", "series"],
  levels: [
    "samplePeakDbfs",
    "rmsDbfs",
    "crestFactorDb",
    "dcOffset",
    "clippedSamples",
    "clipRuns",
    "clipPositions",
    "silence",
  ],
  phase: ["correlation", "worstCorrelation", "monoLossDb"],
  truePeak: ["truePeakDbtp"],
  spectrum: ["bands"],
  overview: ["overview"],
};

/**
 * Joins reports of Analyzers that ran complementary `parts` over the same audio: each field comes from the
 * report whose analyzer measured it; per-channel levels and warnings are combined.
 */
export function mergeReports(parts: { parts: AnalysisPart[]; report: AnalysisReport }[]): AnalysisReport {
  const out = { ...parts[0].report, warnings: [] as string[] } as AnalysisReport;
  const rec = out as unknown as Record<string, unknown>;
  for (const { parts: names, report } of parts) {
    for (const name of names) for (const f of PART_FIELDS[name]) rec[f] = report[f];
    out.warnings.push(...report.warnings.filter((w) => !out.warnings.includes(w)));
  }
  const lv = parts.find((p) => p.parts.includes("levels"))?.report;
  // True peak may be split by channel over several reports: each channel's is the largest any measured.
  const tps = parts.filter((p) => p.parts.includes("truePeak")).map((p) => p.report);
  out.perChannel = out.perChannel.map((_, c) => ({
    samplePeakDbfs: lv ? lv.perChannel[c].samplePeakDbfs : Number.NaN,
    rmsDbfs: lv ? lv.perChannel[c].rmsDbfs : Number.NaN,
    truePeakDbtp: Math.max(
      ...tps.map((tp) => tp.perChannel[c].truePeakDbtp),
      lv ? lv.perChannel[c].samplePeakDbfs : Number.NEGATIVE_INFINITY,
    ),
  }));
  if (tps.length > 0) out.truePeakDbtp = Math.max(...tps.map((tp) => tp.truePeakDbtp));
  // The overall true peak is never below the sample peak.
  if (lv && tps.length > 0) out.truePeakDbtp = Math.max(out.truePeakDbtp, lv.samplePeakDbfs);
  return out;
}

const dbOf = (amplitude: number) => (amplitude > 0 ? 20 * Math.log10(amplitude) : Number.NEGATIVE_INFINITY);
const dbOfPower = (power: number) => (power > 0 ? 10 * Math.log10(power) : Number.NEGATIVE_INFINITY);

/**
 * Streams audio through every measurement at once: loudness, true peak, levels, DC, clipping, phase,
 * silence, spectrum and an overview for plots. Memory stays constant apart from the 100 ms loudness series.
 * Results do not depend on how the audio is cut into blocks.
 */
export class Analyzer {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly parts: Record<AnalysisPart, boolean>;
  private readonly loudness: LoudnessMeter;
  private readonly truePeak: TruePeakMeter;
  /** Channels whose true peak is measured here; null for all. */
  private readonly truePeakChannels: number[] | null;
  private readonly spectrum: ThirdOctaveAnalyzer;
  private frames = 0;
  private readonly peak: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly sum: Float64Array;
  private firstLoud = -1;
  private lastLoud = -1;
  // Clipping: plateau at the running peak magnitude, tracked per channel run.
  private clipLevel = 0;
  /** Absolute tolerance around the clip level; 0 means relative CLIP_TOLERANCE. */
  private readonly clipStep: number;
  private clipCount = 0;
  private clipRunCount = 0;
  private clipLongest = 0;
  private clipRuns: ClipRun[] = [];
  private readonly openRun: Int32Array;
  private readonly openStart: Float64Array;
  /** Per span of the block being measured, its peak (two arrays: the channels of a pair). */
  private spans: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  // Phase (channels 1 and 2).
  private sumLR = 0;
  private sumLL = 0;
  private sumRR = 0;
  private winLR = 0;
  private winLL = 0;
  private winRR = 0;
  private readonly ring: Float64Array;
  private ringPos = 0;
  private stepFill = 0;
  private stepsDone = 0;
  private worst: { value: number; startSeconds: number } | null = null;
  private readonly step: number;
  // Overview.
  private bucketFrames: number;
  private bucketFill = 0;
  private buckets = 0;
  private ovMin: Float32Array[];
  private ovMax: Float32Array[];

  constructor(opts: AnalyzerOptions) {
    const { sampleRate, channels } = opts;
    if (!(sampleRate >= 8000 && sampleRate <= 384000)) {
      throw new RangeError(`sampleRate must be between 8000 and 384000 Hz, got ${sampleRate}`);
    }
    if (!(Number.isInteger(channels) && channels >= 1 && channels <= 64)) {
      throw new RangeError(`channels must be an integer between 1 and 64, got ${channels}`);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    const on = (p: AnalysisPart) => opts.parts?.[p] ?? !opts.parts;
    this.parts = {
      loudness: on("loudness"),
      levels: on("levels"),
      phase: on("phase"),
      truePeak: on("truePeak"),
      spectrum: on("spectrum"),
      overview: on("overview"),
    };
    this.loudness = new LoudnessMeter(sampleRate, channels, channelWeights(channels, opts.channelMask));
    this.truePeak = new TruePeakMeter(sampleRate, channels);
    this.truePeakChannels = opts.truePeakChannels
      ? opts.truePeakChannels.filter((c) => Number.isInteger(c) && c >= 0 && c < channels)
      : null;
    this.spectrum = new ThirdOctaveAnalyzer(sampleRate, channels);
    this.peak = new Float64Array(channels);
    this.clipStep = opts.bitDepth && opts.bitDepth <= 32 ? 1.5 * 2 ** (1 - opts.bitDepth) : 0;
    this.sumSq = new Float64Array(channels);
    this.sum = new Float64Array(channels);
    this.openRun = new Int32Array(channels);
    this.openStart = new Float64Array(channels);
    this.step = Math.round(sampleRate / 10);
    // Four 100 ms steps of (LR, LL, RR) sums make the 400 ms correlation window.
    this.ring = new Float64Array(12);
    this.bucketFrames = Math.max(1, Math.round(sampleRate / 100));
    this.ovMin = Array.from({ length: channels }, () => new Float32Array(MAX_OVERVIEW_BUCKETS));
    this.ovMax = Array.from({ length: channels }, () => new Float32Array(MAX_OVERVIEW_BUCKETS));
  }

  /** Feeds `frames` frames of planar audio (full scale ±1). */
  process(input: readonly Float32Array[], frames: number): void {
    if (input.length < this.channels) {
      throw new RangeError(`expected ${this.channels} channels, got ${input.length}`);
    }
    if (frames <= 0) return;
    const p = this.parts;
    if (p.loudness) this.loudness.process(input, frames);
    if (p.truePeak) {
      if (this.truePeakChannels)
        for (const c of this.truePeakChannels) this.truePeak.processChannel(c, input[c], frames);
      else this.truePeak.process(input, frames);
    }
    if (p.spectrum) this.spectrum.process(input, frames);
    if (p.levels && p.phase && p.overview && this.channels === 2) this.stereoPass(input[0], input[1], frames);
    else {
      if (p.levels) this.levels(input, frames);
      if (p.phase && this.channels >= 2) this.phase(input[0], input[1], frames);
      if (p.overview) this.overview(input, frames);
    }
    this.frames += frames;
  }

  /** Peak, RMS, DC, silence and clipping of every channel's block, two channels to a loop where it can. */
  private levels(input: readonly Float32Array[], frames: number): void {
    let c = 0;
    for (; c + 1 < this.channels; c += 2) this.levelsPair(c, input[c], input[c + 1], frames);
    if (c < this.channels) this.levelsOne(c, input[c], frames);
  }

  private levelsOne(c: number, x: Float32Array, frames: number): void {
    const peaks = this.spanPeaks(0, frames);
    let sq = 0;
    let s = 0;
    for (let k = 0, i = 0; i < frames; k++) {
      let peak = 0;
      const end = Math.min(frames, i + SPAN);
      for (; i < end; i++) {
        const v = x[i];
        const a = Math.abs(v);
        if (a > peak) peak = a;
        sq += v * v;
        s += v;
      }
      peaks[k] = peak;
    }
    this.addLevels(c, x, frames, peaks, sq, s);
  }

  /**
   * `levelsOne` for two channels in one loop: the same sums per channel in the same order (so the same
   * numbers to the last bit), with two independent chains of additions instead of one at a time.
   */
  private levelsPair(c: number, x: Float32Array, y: Float32Array, frames: number): void {
    const peaksX = this.spanPeaks(0, frames);
    const peaksY = this.spanPeaks(1, frames);
    let sqX = 0;
    let sX = 0;
    let sqY = 0;
    let sY = 0;
    for (let k = 0, i = 0; i < frames; k++) {
      let peakX = 0;
      let peakY = 0;
      const end = Math.min(frames, i + SPAN);
      for (; i < end; i++) {
        const v = x[i];
        const w = y[i];
        const a = Math.abs(v);
        const b = Math.abs(w);
        if (a > peakX) peakX = a;
        if (b > peakY) peakY = b;
        sqX += v * v;
        sqY += w * w;
        sX += v;
        sY += w;
      }
      peaksX[k] = peakX;
      peaksY[k] = peakY;
    }
    this.addLevels(c, x, frames, peaksX, sqX, sX);
    this.addLevels(c + 1, y, frames, peaksY, sqY, sY);
  }

  /**
   * `levelsPair`, `phase` and `overview` of a stereo block in one pass over its samples (each reads the block
   * once from memory otherwise, and the loop's work is small next to the loads). Every sum, peak and extreme
   * sees the same samples in the same order as in those three, so the report is the same to the last bit; the
   * pass is cut into runs that end wherever one of them ends a piece (a 512-frame span, a 100 ms phase step,
   * an overview bucket).
   */
  private stereoPass(x: Float32Array, y: Float32Array, frames: number): void {
    const peaksX = this.spanPeaks(0, frames);
    const peaksY = this.spanPeaks(1, frames);
    let sqX = 0;
    let sX = 0;
    let sqY = 0;
    let sY = 0;
    let peakX = 0;
    let peakY = 0;
    // The open phase step's sums over this block (added to the running ones when the step or block ends).
    let lr = 0;
    let ll = 0;
    let rr = 0;
    let i = 0;
    while (i < frames) {
      if (this.buckets === MAX_OVERVIEW_BUCKETS) this.halveOverview();
      const b = this.buckets;
      const fresh = this.bucketFill === 0;
      const spanEnd = (Math.floor(i / SPAN) + 1) * SPAN;
      const end = Math.min(
        frames,
        spanEnd,
        i + (this.bucketFrames - this.bucketFill),
        i + (this.step - this.stepFill),
      );
      const minX = this.ovMin[0];
      const maxX = this.ovMax[0];
      const minY = this.ovMin[1];
      const maxY = this.ovMax[1];
      let lo = fresh ? Number.POSITIVE_INFINITY : minX[b];
      let hi = fresh ? Number.NEGATIVE_INFINITY : maxX[b];
      let lo2 = fresh ? Number.POSITIVE_INFINITY : minY[b];
      let hi2 = fresh ? Number.NEGATIVE_INFINITY : maxY[b];
      for (let k = i; k < end; k++) {
        const v = x[k];
        const w = y[k];
        const a = Math.abs(v);
        const c = Math.abs(w);
        if (a > peakX) peakX = a;
        if (c > peakY) peakY = c;
        sqX += v * v;
        sqY += w * w;
        sX += v;
        sY += w;
        lr += v * w;
        ll += v * v;
        rr += w * w;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (w < lo2) lo2 = w;
        if (w > hi2) hi2 = w;
      }
      minX[b] = lo;
      maxX[b] = hi;
      minY[b] = lo2;
      maxY[b] = hi2;
      const n = end - i;
      i = end;
      if (i === spanEnd || i === frames) {
        const k = Math.floor((i - 1) / SPAN);
        peaksX[k] = peakX;
        peaksY[k] = peakY;
        peakX = 0;
        peakY = 0;
      }
      this.bucketFill += n;
      if (this.bucketFill === this.bucketFrames) {
        this.buckets++;
        this.bucketFill = 0;
      }
      this.stepFill += n;
      if (this.stepFill === this.step || i === frames) {
        this.sumLR += lr;
        this.sumLL += ll;
        this.sumRR += rr;
        this.winLR += lr;
        this.winLL += ll;
        this.winRR += rr;
        lr = 0;
        ll = 0;
        rr = 0;
        if (this.stepFill === this.step) this.closeStep();
      }
    }
    this.addLevels(0, x, frames, peaksX, sqX, sX);
    this.addLevels(1, y, frames, peaksY, sqY, sY);
  }

  /** Scratch for the peaks of a block's spans (`which` 0 or 1: the two channels of a pair). */
  private spanPeaks(which: number, frames: number): Float64Array {
    const n = Math.ceil(frames / SPAN);
    if (this.spans[which].length < n) this.spans[which] = new Float64Array(n);
    return this.spans[which];
  }

  /** Adds one channel's block sums to the running levels, then looks for clipping. */
  private addLevels(
    c: number,
    x: Float32Array,
    frames: number,
    peaks: Float64Array,
    sq: number,
    s: number,
  ): void {
    let blockPeak = 0;
    for (let k = 0; k * SPAN < frames; k++) if (peaks[k] > blockPeak) blockPeak = peaks[k];
    if (blockPeak > this.peak[c]) this.peak[c] = blockPeak;
    this.sumSq[c] += sq;
    this.sum[c] += s;
    // The first and last samples above the silence level, searched from each end: on programme material
    // both searches stop within a few samples, where a test per sample in the loops above cost a third of
    // their time.
    let first = -1;
    let last = -1;
    if (blockPeak > SILENCE_LEVEL) {
      for (let i = 0; i < frames; i++) {
        if (Math.abs(x[i]) > SILENCE_LEVEL) {
          first = i;
          break;
        }
      }
      for (let i = frames - 1; i >= first; i--) {
        if (Math.abs(x[i]) > SILENCE_LEVEL) {
          last = i;
          break;
        }
      }
    }
    if (first >= 0) {
      if (this.firstLoud < 0 || this.frames + first < this.firstLoud) this.firstLoud = this.frames + first;
      this.lastLoud = Math.max(this.lastLoud, this.frames + last);
    }
    this.clipping(c, x, frames, blockPeak, peaks);
  }

  /**
   * Clipping is a plateau: runs of samples at the programme's largest magnitude (whatever it is — a take
   * clipped by a preamp at −6 dBFS is still clipped). The plateau follows the running peak; when the
   * peak rises, the runs found at the old level are forgotten.
   */
  private clipping(c: number, x: Float32Array, frames: number, blockPeak: number, peaks: Float64Array): void {
    const tol = this.clipStep || this.clipLevel * CLIP_TOLERANCE;
    if (blockPeak > this.clipLevel + tol) {
      // A new, higher level: restart every channel's plateau tracking at it.
      this.clipLevel = blockPeak;
      this.clipCount = 0;
      this.clipRunCount = 0;
      this.clipLongest = 0;
      this.clipRuns = [];
      this.openRun.fill(0);
    }
    const level = this.clipLevel - (this.clipStep || this.clipLevel * CLIP_TOLERANCE);
    if (blockPeak < level) {
      this.closeRun(c);
      return;
    }
    // Only spans whose peak reaches the level are scanned: every sample of the others is below it, so a
    // run open at such a span's start ends there. The open run stays in locals (read back from the arrays
    // on every sample, they cost more than the test).
    let run = this.openRun[c];
    let start = this.openStart[c];
    for (let k = 0; k * SPAN < frames; k++) {
      const from = k * SPAN;
      const to = Math.min(frames, from + SPAN);
      if (!(peaks[k] >= level)) {
        if (run > 0) {
          this.openRun[c] = run;
          this.openStart[c] = start;
          this.closeRun(c);
          run = 0;
        }
        continue;
      }
      for (let i = from; i < to; i++) {
        if (Math.abs(x[i]) >= level) {
          if (run === 0) start = this.frames + i;
          run++;
        } else if (run > 0) {
          this.openRun[c] = run;
          this.openStart[c] = start;
          this.closeRun(c);
          run = 0;
        }
      }
    }
    this.openRun[c] = run;
    this.openStart[c] = start;
  }

  private closeRun(c: number): void {
    const n = this.openRun[c];
    if (n === 0) return;
    this.clipCount += n;
    this.clipRunCount++;
    if (n > this.clipLongest) this.clipLongest = n;
    if (this.clipRuns.length < MAX_CLIP_POSITIONS) {
      this.clipRuns.push({ channel: c, startSample: this.openStart[c], length: n });
    }
    this.openRun[c] = 0;
  }

  /** Correlation sums of channels 1 and 2, whole file and per 400 ms window stepped by 100 ms. */
  private phase(l: Float32Array, r: Float32Array, frames: number): void {
    let i = 0;
    while (i < frames) {
      const n = Math.min(frames - i, this.step - this.stepFill);
      let lr = 0;
      let ll = 0;
      let rr = 0;
      for (let k = i; k < i + n; k++) {
        const a = l[k];
        const b = r[k];
        lr += a * b;
        ll += a * a;
        rr += b * b;
      }
      this.sumLR += lr;
      this.sumLL += ll;
      this.sumRR += rr;
      this.winLR += lr;
      this.winLL += ll;
      this.winRR += rr;
      this.stepFill += n;
      i += n;
      if (this.stepFill === this.step) this.closeStep();
    }
  }

  private closeStep(): void {
    const ring = this.ring;
    const slot = (this.ringPos % 4) * 3;
    ring[slot] = this.winLR;
    ring[slot + 1] = this.winLL;
    ring[slot + 2] = this.winRR;
    this.ringPos++;
    this.winLR = this.winLL = this.winRR = 0;
    this.stepFill = 0;
    this.stepsDone++;
    if (this.stepsDone < 4) return;
    let lr = 0;
    let ll = 0;
    let rr = 0;
    for (let k = 0; k < 4; k++) {
      lr += ring[k * 3];
      ll += ring[k * 3 + 1];
      rr += ring[k * 3 + 2];
    }
    const n = this.step * 4;
    if (ll / n < CORRELATION_FLOOR_POWER && rr / n < CORRELATION_FLOOR_POWER) return;
    const value = ll > 0 && rr > 0 ? lr / Math.sqrt(ll * rr) : 0;
    if (!this.worst || value < this.worst.value) {
      this.worst = { value, startSeconds: ((this.stepsDone - 4) * this.step) / this.sampleRate };
    }
  }

  /** Min/max per bucket; when the buckets run out, neighbours merge and buckets double in length. */
  private overview(input: readonly Float32Array[], frames: number): void {
    let i = 0;
    while (i < frames) {
      if (this.buckets === MAX_OVERVIEW_BUCKETS) this.halveOverview();
      const n = Math.min(frames - i, this.bucketFrames - this.bucketFill);
      const b = this.buckets;
      const fresh = this.bucketFill === 0;
      let c = 0;
      // Channels in pairs, one loop for both (−18 % against one loop per channel; each channel's own
      // comparisons are the same, in the same order).
      for (; c + 1 < this.channels; c += 2) {
        const x = input[c];
        const y = input[c + 1];
        let lo = fresh ? Number.POSITIVE_INFINITY : this.ovMin[c][b];
        let hi = fresh ? Number.NEGATIVE_INFINITY : this.ovMax[c][b];
        let lo2 = fresh ? Number.POSITIVE_INFINITY : this.ovMin[c + 1][b];
        let hi2 = fresh ? Number.NEGATIVE_INFINITY : this.ovMax[c + 1][b];
        for (let k = i; k < i + n; k++) {
          const v = x[k];
          const w = y[k];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          if (w < lo2) lo2 = w;
          if (w > hi2) hi2 = w;
        }
        this.ovMin[c][b] = lo;
        this.ovMax[c][b] = hi;
        this.ovMin[c + 1][b] = lo2;
        this.ovMax[c + 1][b] = hi2;
      }
      if (c < this.channels) {
        const x = input[c];
        let lo = fresh ? Number.POSITIVE_INFINITY : this.ovMin[c][b];
        let hi = fresh ? Number.NEGATIVE_INFINITY : this.ovMax[c][b];
        for (let k = i; k < i + n; k++) {
          const v = x[k];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        this.ovMin[c][b] = lo;
        this.ovMax[c][b] = hi;
      }
      this.bucketFill += n;
      i += n;
      if (this.bucketFill === this.bucketFrames) {
        this.buckets++;
        this.bucketFill = 0;
      }
    }
  }

  private halveOverview(): void {
    for (let c = 0; c < this.channels; c++) {
      const mn = this.ovMin[c];
      const mx = this.ovMax[c];
      for (let k = 0; k < MAX_OVERVIEW_BUCKETS / 2; k++) {
        mn[k] = Math.min(mn[2 * k], mn[2 * k + 1]);
        mx[k] = Math.max(mx[2 * k], mx[2 * k + 1]);
      }
    }
    this.buckets = MAX_OVERVIEW_BUCKETS / 2;
    this.bucketFrames *= 2;
  }

  /** The report over everything fed so far. The analyzer can keep going afterwards. */
  finish(): AnalysisReport {
    for (let c = 0; c < this.channels; c++) this.closeRun(c);
    const frames = this.frames;
    const loud = this.loudness.result();
    const tp = this.truePeak.channelPeaks;
    let peak = 0;
    let sq = 0;
    for (let c = 0; c < this.channels; c++) {
      peak = Math.max(peak, this.peak[c]);
      sq += this.sumSq[c];
    }
    const meanSq = frames ? sq / (frames * this.channels) : 0;
    const rmsDbfs = dbOfPower(meanSq);
    const samplePeakDbfs = dbOf(peak);
    const evidence = this.clipLongest >= CLIP_EVIDENCE_RUN;
    const warnings: string[] = [];
    let correlation: number | null = null;
    let monoLossDb: number | null = null;
    if (this.channels >= 2 && this.parts.phase) {
      const ll = this.sumLL;
      const rr = this.sumRR;
      correlation = ll > 0 && rr > 0 ? this.sumLR / Math.sqrt(ll * rr) : 0;
      const mid = (ll + rr + 2 * this.sumLR) / 4;
      const side = (ll + rr) / 2;
      monoLossDb = side > 0 ? (mid > 0 ? Math.min(120, 10 * Math.log10(side / mid)) : 120) : 0;
      if (correlation < -0.3)
        warnings.push(`channels 1 and 2 are largely out of phase (correlation ${correlation.toFixed(2)})`);
    }
    if (frames > 0 && frames < (this.sampleRate * 4) / 10) {
      warnings.push("shorter than 400 ms: too short for a loudness reading");
    }
    if (evidence)
      warnings.push(
        `clipping: ${this.clipCount} samples in ${this.clipRunCount} runs at ${dbOf(this.clipLevel).toFixed(2)} dBFS`,
      );
    for (let c = 0; c < this.channels; c++) {
      const dc = frames ? this.sum[c] / frames : 0;
      if (Math.abs(dc) > 0.001)
        warnings.push(
          `channel ${c + 1} has a DC offset of ${dc.toFixed(4)} (${dbOf(Math.abs(dc)).toFixed(1)} dBFS)`,
        );
    }
    if (peak > 1) warnings.push(`samples above full scale (peak ${dbOf(peak).toFixed(2)} dBFS)`);
    const truePeak = Math.max(...tp, 0);
    const m = this.loudness.momentary.view();
    const s = this.loudness.shortTerm.view();
    const series = {
      intervalSeconds: 0.1,
      momentary: Float64Array.from(m, powerToLufs),
      shortTerm: Float64Array.from(s, powerToLufs),
    };
    const nb = this.buckets + (this.bucketFill > 0 ? 1 : 0);
    return {
      durationSeconds: frames / this.sampleRate,
      frames,
      integratedLufs: loud.integratedLufs,
      loudnessRangeLu: loud.loudnessRangeLu,
      truePeakDbtp: dbOf(truePeak),
      samplePeakDbfs,
      maxMomentaryLufs: loud.maxMomentaryLufs,
      maxShortTermLufs: loud.maxShortTermLufs,
      rmsDbfs,
      crestFactorDb: samplePeakDbfs - rmsDbfs,
      dcOffset: Array.from(this.sum, (v) => (frames ? v / frames : 0)),
      clippedSamples: evidence ? this.clipCount : 0,
      clipRuns: evidence ? this.clipRunCount : 0,
      clipPositions: evidence
        ? this.clipRuns.slice().sort((a, b) => a.startSample - b.startSample || a.channel - b.channel)
        : [],
      correlation,
      worstCorrelation: this.channels >= 2 ? this.worst : null,
      monoLossDb,
      silence: {
        headSeconds: (this.firstLoud < 0 ? frames : this.firstLoud) / this.sampleRate,
        tailSeconds: (this.lastLoud < 0 ? frames : frames - 1 - this.lastLoud) / this.sampleRate,
      },
      bands: this.spectrum.bands(),
      series,
      overview: {
        bucketSeconds: this.bucketFrames / this.sampleRate,
        min: this.ovMin.map((a) => a.slice(0, nb)),
        max: this.ovMax.map((a) => a.slice(0, nb)),
      },
      perChannel: Array.from({ length: this.channels }, (_, c) => ({
        samplePeakDbfs: dbOf(this.peak[c]),
        truePeakDbtp: dbOf(Math.max(tp[c], this.peak[c])),
        rmsDbfs: dbOfPower(frames ? this.sumSq[c] / frames : 0),
      })),
      warnings,
    };
  }
}
