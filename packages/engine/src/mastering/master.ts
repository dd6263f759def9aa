/**
 * Mastering a programme in memory: tonal correction, glue compression and width (the "pre-chain"), then a
 * drive gain into a true-peak lookahead limiter. The drive is found by measuring: process, measure the
 * integrated loudness, correct the drive (secant steps on the measured loudness-vs-drive curve) and
 * process again, until a pass lands on the target or a little above it; that pass, turned down onto the
 * target by a plain gain, is the master, and it is measured again in full — nothing is guessed.
 */
import { type AnalysisReport, Analyzer } from "../analysis/analyzer.ts";
import { LoudnessMeter } from "../analysis/loudness.ts";
import type { ProcessorJSON } from "../core/processor.ts";
import { type Chain, parseChain, processorFactory } from "../dsp/chain.ts";
import type { EqBand } from "../dsp/eq/band.ts";

export interface MasterSettings {
  /** Sample rate of the audio, Hz. */
  sampleRate: number;
  /** Integrated loudness to land on, LUFS (−40 … −3). */
  targetLufs: number;
  /** True-peak ceiling, dBTP (−12 … 0). */
  ceilingDbtp: number;
  /**
   * Most limiting accepted, dB (0.5 … 24): the 95th percentile of the limiter's peak gain reduction per
   * 100 ms. A target that needs more is refused (`MasteringRefusal`) rather than crushed. Default 6.
   */
  maxLimitingDb?: number;
  /** Tonal correction bands (e.g. from `designMatchEq`), applied first. */
  eqBands?: EqBand[];
  /** Gentle glue compression (1.5:1, slow, RMS, linked). Default true. */
  glue?: boolean;
  /** Stereo width, 0 … 2 (1 = unchanged). */
  width?: number;
  /** Side removed below this frequency, Hz (0 = off, else 20 … 500). */
  monoBelowHz?: number;
  /** Tame sibilance (vinyl). */
  deEss?: boolean;
  /**
   * Acceptable distance from the target, LU (0.05 … 3, default 0.5). Passes above the target are turned
   * down onto it exactly; a pass below is accepted within tol/2.5 (0.2 LU at the default).
   */
  toleranceLu?: number;
  /**
   * Allocates the working buffers (the pre-chain output and the master), `frames` samples each. A host that
   * limits on several threads passes shared memory here. Default: plain Float32Arrays.
   */
  allocate?: (frames: number) => Float32Array;
  /** Called after each pass: pass number (1-based) and a one-line description. */
  onPass?: (pass: number, message: string) => void;
}

/** One measured drive setting. */
export interface MasterPass {
  /** Gain into the limiter, dB. */
  driveDb: number;
  /** Integrated loudness after the limiter, LUFS. */
  lufs: number;
  /** Limiting (95th percentile of the 100 ms peak gain reduction), dB. */
  limitingDb: number;
}

/** What mastering measured and did (the master itself stays where the programme keeps it). */
export interface MasterMeasurements {
  /** The chain that made it, as JSON (pre-chain, then the limiter with its drive). */
  chain: ProcessorJSON[];
  before: AnalysisReport;
  after: AnalysisReport;
  /** Every pass of the drive search, in order. */
  passes: MasterPass[];
  /** The drive of the final pass, dB. */
  driveDb: number;
  /** Gain trimmed after the limiter when the final reading needed it (≤ 0), dB. */
  trimDb: number;
  /** Limiter gain reduction over time: the largest peak reduction in each 100 ms, dB (≥ 0). */
  gainReduction: { intervalSeconds: number; db: Float32Array };
  limitingDb: number;
  maxGainReductionDb: number;
  /** Target and ceiling used. */
  targetLufs: number;
  ceilingDbtp: number;
}

export interface MasterResult extends MasterMeasurements {
  /** The master, planar, same rate and channel count as the input. */
  channels: Float32Array[];
}

/** The target cannot be met without more limiting than allowed. */
export class MasteringRefusal extends Error {
  constructor(
    message: string,
    /** Limiting the target would need (at least), dB. */
    readonly neededLimitingDb: number,
    /** The allowance, dB. */
    readonly maxLimitingDb: number,
    /** The loudest the allowance permits (measured), LUFS. */
    readonly reachableLufs: number,
  ) {
    super(message);
    this.name = "MasteringRefusal";
  }
}

/** Limiter settings: 5 ms lookahead, 100 ms release (transparent on full mixes), ceiling held in true peak. */
const LIMITER_LOOKAHEAD_MS = 5;
const LIMITER_RELEASE_MS = 100;
const LIMITER_RELEASE_LOUD_MS = 40;
/** The limiter aims this far under the ceiling: its detector and the 4x meter agree within ~0.002 dB. */
const CEILING_MARGIN_DB = 0.02;
const BLOCK = 4096;
const MAX_PASSES = 8;
/** The drive search aims this far above the target, and accepts passes up to the larger figure, LU. */
const OVERSHOOT_AIM_LU = 0.1;
const OVERSHOOT_MAX_LU = 0.5;

/**
 * How much the target squeezes the programme's peak-to-loudness ratio, dB: the input's (true peak −
 * integrated loudness) minus the room the target leaves (ceiling − target). ≤ 0: no limiting needed.
 */
export function peakToLoudnessSqueeze(s: MasterSettings, before: AnalysisReport): number {
  return before.truePeakDbtp - before.integratedLufs - (s.ceilingDbtp - s.targetLufs);
}

/** Plans the pre-limiter chain (JSON) from the settings and the input's analysis. */
export function planPreChain(s: MasterSettings, before: AnalysisReport, channels: number): ProcessorJSON[] {
  const chain: ProcessorJSON[] = [];
  // A subsonic high-pass (12 Hz Butterworth, 12 dB/oct: −0.1 dB at 30 Hz) removes DC and rumble that would
  // otherwise eat headroom in the limiter; tonal correction bands follow in the same EQ.
  const bands = [{ kind: "highpass", freq: 12, slope: 12 }, ...(s.eqBands ?? [])];
  chain.push({ type: "eq", bands });
  if (s.deEss) {
    // Sibilance lives at 5–10 kHz. The registry's de-esser when there is one; otherwise a
    // gentle static high shelf keeps the highs from dominating the cut.
    if (processorFactory("deesser")) {
      // Split-band, above 6 kHz, threshold relative to the programme so only the loudest esses are touched.
      const rms = Number.isFinite(before.rmsDbfs) ? before.rmsDbfs : -30;
      chain.push({
        type: "deesser",
        freq: 6000,
        thresholdDb: Math.max(-60, Math.min(0, Math.round((rms - 6) * 10) / 10)),
        ratio: 3,
        rangeDb: 6,
      });
    } else
      chain.push({ type: "eq", bands: [{ kind: "highshelf", freq: 7000, gainDb: -2, q: Math.SQRT1_2 }] });
  }
  if (s.glue ?? true) {
    // Gentle by default: threshold a little above the programme's RMS, 1.5:1, so only the loud passages are
    // touched by ~1–2 dB. When the target leaves much less peak-to-loudness room than the mix has, the
    // compressor takes a share of the work (firmer ratio, lower threshold) so the limiter is not left to do
    // it all alone.
    const rms = Number.isFinite(before.rmsDbfs) ? before.rmsDbfs : -30;
    const squeeze = peakToLoudnessSqueeze(s, before);
    const firm = Math.max(0, squeeze - 4);
    const ratio = Math.min(4, 1.5 + firm * 0.6);
    const threshold = rms + 3 - Math.min(10, firm * 2.5);
    chain.push({
      type: "compressor",
      thresholdDb: Math.max(-60, Math.min(0, Math.round(threshold * 10) / 10)),
      ratio: Math.round(ratio * 100) / 100,
      attackMs: firm > 0 ? 15 : 30,
      releaseMs: 250,
      kneeDb: 6,
      detection: "rms",
      rmsMs: 30,
      stereoLink: 1,
      sidechainHpfHz: 60,
    });
  }
  const width = s.width ?? 1;
  const mono = s.monoBelowHz ?? 0;
  if (channels === 2 && (width !== 1 || mono > 0)) {
    chain.push({ type: "width", amount: Math.round(width * 1000) / 1000, monoBelowHz: mono });
  }
  return chain;
}

/** Runs a chain over whole planar channels, compensating its latency (output aligned with input). */
export function runChain(chain: Chain, input: readonly Float32Array[], out?: Float32Array[]): Float32Array[] {
  const frames = input[0].length;
  const nOut = chain.outputChannels;
  const y = out ?? Array.from({ length: nOut }, () => new Float32Array(frames));
  const lat = chain.latency;
  const blk = Array.from({ length: input.length }, () => new Float32Array(BLOCK));
  let written = -lat;
  for (let pos = 0; pos < frames + lat; pos += BLOCK) {
    const n = Math.min(BLOCK, frames + lat - pos);
    for (let c = 0; c < input.length; c++) {
      const b = blk[c];
      const avail = Math.max(0, Math.min(n, frames - pos));
      if (avail > 0) b.set(input[c].subarray(pos, pos + avail));
      if (avail < n) b.fill(0, avail, n);
    }
    const r = chain.process(blk, n);
    const skip = Math.max(0, -written);
    const take = Math.min(n - skip, frames - Math.max(0, written));
    if (take > 0) for (let c = 0; c < nOut; c++) y[c].set(r[c].subarray(skip, skip + take), written + skip);
    written += n;
  }
  return y;
}

/** Integrated loudness of planar audio, LUFS. */
export function integratedLoudness(x: readonly Float32Array[], sampleRate: number): number {
  const m = new LoudnessMeter(sampleRate, x.length);
  m.process(x, x[0].length);
  return m.result().integratedLufs;
}

/**
 * Analysis of planar audio: everything but the 1/3-octave bands (mastering measures tonal balance with
 * its own long-term spectrum), unless `withBands`.
 */
export function analyze(x: readonly Float32Array[], sampleRate: number, withBands = false): AnalysisReport {
  const a = masteringAnalyzer(sampleRate, x.length, withBands);
  for (let pos = 0; pos < x[0].length; pos += ANALYSIS_BLOCK) {
    const n = Math.min(ANALYSIS_BLOCK, x[0].length - pos);
    a.process(
      x.map((c) => c.subarray(pos, pos + n)),
      n,
    );
  }
  return a.finish();
}

/**
 * The analyzer `analyze` runs, for a host feeding a programme block by block: fed in blocks of 65536 frames
 * from the start, it reads exactly what `analyze` reads.
 */
export function masteringAnalyzer(sampleRate: number, channels: number, withBands = false): Analyzer {
  return new Analyzer({
    sampleRate,
    channels,
    parts: { loudness: true, levels: true, phase: true, truePeak: true, overview: true, spectrum: withBands },
  });
}

/** Block length `analyze` feeds the analyzer, frames. */
export const ANALYSIS_BLOCK = 65536;

/** Peak gain reduction per 100 ms: drive·input peak over output peak in each window (aligned), dB. */
function gainReductionSeries(
  pre: readonly Float32Array[],
  driveLin: number,
  out: readonly Float32Array[],
  sampleRate: number,
): Float32Array {
  const m = new GainReductionMeter(sampleRate, pre[0].length, driveLin);
  m.process(pre, out, pre[0].length);
  return m.result();
}

/**
 * The limiter's peak gain reduction per 100 ms, fed the pre-limiter programme and the master block by block
 * (aligned): drive × input peak over output peak in each window, dB (≥ 0).
 */
export class GainReductionMeter {
  private readonly step: number;
  private readonly gr: Float32Array;
  private pos = 0;
  private pin = 0;
  private pout = 0;

  /**
   * @param sampleRate Hz.
   * @param frames programme length, frames.
   * @param driveLin the drive into the limiter, linear gain.
   */
  constructor(
    sampleRate: number,
    private readonly frames: number,
    private readonly driveLin: number,
  ) {
    this.step = Math.round(sampleRate / 10);
    this.gr = new Float32Array(Math.ceil(frames / this.step));
  }

  /** Adds the next `n` frames of the pre-limiter programme and of the master. */
  process(pre: readonly Float32Array[], out: readonly Float32Array[], n: number): void {
    let i = 0;
    while (i < n) {
      const w = Math.floor(this.pos / this.step);
      const k = Math.min(n - i, (w + 1) * this.step - this.pos);
      let pin = this.pin;
      let pout = this.pout;
      for (const [c, x] of pre.entries()) {
        const y = out[c];
        for (let j = i; j < i + k; j++) {
          const a = Math.abs(x[j]);
          if (a > pin) pin = a;
          const b = Math.abs(y[j]);
          if (b > pout) pout = b;
        }
      }
      this.pin = pin;
      this.pout = pout;
      i += k;
      this.pos += k;
      if (this.pos % this.step === 0 || this.pos === this.frames) this.close(w);
    }
  }

  /** The series, one value per 100 ms. */
  result(): Float32Array {
    return this.gr;
  }

  private close(w: number): void {
    const pin = this.pin * this.driveLin;
    const pout = this.pout;
    this.gr[w] = pin > 1e-5 && pout > 0 ? Math.max(0, 20 * Math.log10(pin / pout)) : 0;
    this.pin = 0;
    this.pout = 0;
  }
}

/** The 95th percentile of the non-zero-level windows' gain reduction, dB. */
function percentile95(gr: Float32Array): number {
  if (gr.length === 0) return 0;
  const s = Float32Array.from(gr).sort();
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))];
}

/** Runs the limiter over the whole programme for one drive setting (serially, or split over threads). */
export interface LimiterRunner {
  /**
   * Writes limiter(pre × 10^(driveDb/20)) into `out`, aligned with `pre` (latency removed).
   * @param limiter the limiter's JSON (built through the processor registry).
   */
  run(
    pre: readonly Float32Array[],
    driveDb: number,
    limiter: ProcessorJSON,
    out: Float32Array[],
    sampleRate: number,
  ): void | Promise<void>;
}

/**
 * Where a limiter pass reads the pre-limiter programme and writes the master: arrays in memory, or files a
 * block at a time (long programmes). Both are called with whole blocks, in order.
 */
export interface LimiterIO {
  /** Frames in the programme. */
  readonly frames: number;
  /** Channels in the programme. */
  readonly channels: number;
  /** Copies pre-limiter frames [pos, pos + n) into `into` (one array per channel); pos + n ≤ frames. */
  read(pos: number, n: number, into: Float32Array[]): void;
  /** Stores master frames [pos, pos + n) from `from[c][offset …]`. */
  write(pos: number, n: number, from: Float32Array[], offset: number): void;
}

/** A LimiterIO over planar arrays. */
export function arrayLimiterIO(pre: readonly Float32Array[], out: Float32Array[]): LimiterIO {
  return {
    frames: pre[0].length,
    channels: pre.length,
    read(pos, n, into) {
      for (let c = 0; c < pre.length; c++) into[c].set(pre[c].subarray(pos, pos + n));
    },
    write(pos, n, from, offset) {
      for (let c = 0; c < out.length; c++) out[c].set(from[c].subarray(offset, offset + n), pos);
    },
  };
}

/**
 * Limits the frames [from, to) of pre × drive into `out`, starting the limiter `warmFrames` earlier so its
 * gain has settled by `from` (the gain forgets the past within a few release times), and reading past `to`
 * for the lookahead. Pieces limited this way join up to the whole-programme result within float rounding
 * once `warmFrames` spans many release times.
 */
export function limitSegment(
  pre: readonly Float32Array[],
  driveDb: number,
  limiter: ProcessorJSON,
  out: Float32Array[],
  sampleRate: number,
  from: number,
  to: number,
  warmFrames: number,
): void {
  limitFrames(arrayLimiterIO(pre, out), driveDb, limiter, sampleRate, from, to, warmFrames);
}

/**
 * `limitSegment` over any storage: the limiter's state (gain, lookahead delay line) carries from block to
 * block, so a programme on disk is limited to the same samples as one in memory.
 */
export function limitFrames(
  io: LimiterIO,
  driveDb: number,
  limiter: ProcessorJSON,
  sampleRate: number,
  from: number,
  to: number,
  warmFrames: number,
): void {
  const n = io.frames;
  const chain = parseChain([limiter], { sampleRate, channels: io.channels }, "mastering limiter");
  const lat = chain.latency;
  const g = 10 ** (driveDb / 20);
  const start = Math.max(0, from - warmFrames);
  const end = to + lat;
  const blk = Array.from({ length: io.channels }, () => new Float32Array(BLOCK));
  for (let pos = start; pos < end; pos += BLOCK) {
    const k = Math.min(BLOCK, end - pos);
    const avail = Math.max(0, Math.min(k, n - pos));
    if (avail > 0) io.read(pos, avail, blk);
    for (let c = 0; c < io.channels; c++) {
      const b = blk[c];
      for (let i = 0; i < avail; i++) b[i] *= g;
      if (avail < k) b.fill(0, avail, k);
    }
    const y = chain.process(blk, k);
    // Output i of this block is input (pos + i − lat).
    const o0 = Math.max(from, pos - lat);
    const o1 = Math.min(to, pos + k - lat);
    if (o1 > o0) io.write(o0, o1 - o0, y, o0 - (pos - lat));
  }
}

/** The limiter on this thread, in one piece. */
export const serialLimiter: LimiterRunner = {
  run(pre, driveDb, limiter, out, sampleRate) {
    limitSegment(pre, driveDb, limiter, out, sampleRate, 0, pre[0].length, 0);
  },
};

function checkLength(s: MasterSettings, frames: number): void {
  if (frames < s.sampleRate * 0.5) {
    throw new RangeError(
      `master: input is ${(frames / s.sampleRate).toFixed(2)} s long; at least 0.5 s is needed to measure loudness`,
    );
  }
}

function checkSettings(s: MasterSettings): void {
  const num = (name: string, v: unknown, lo: number, hi: number) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) {
      throw new RangeError(`master ${name}: must be between ${lo} and ${hi}, got ${String(v)}`);
    }
  };
  num("targetLufs", s.targetLufs, -40, -3);
  num("ceilingDbtp", s.ceilingDbtp, -12, 0);
  if (s.maxLimitingDb !== undefined) num("maxLimitingDb", s.maxLimitingDb, 0.5, 24);
  if (s.width !== undefined) num("width", s.width, 0, 2);
  if (s.monoBelowHz !== undefined && s.monoBelowHz !== 0) num("monoBelowHz", s.monoBelowHz, 20, 500);
  if (s.toleranceLu !== undefined) num("toleranceLu", s.toleranceLu, 0.05, 3);
}

/**
 * The programme being mastered and where its working copies live while the drive is searched: in memory
 * (`MemoryProgramme`), or in files a block at a time for programmes too long to hold (the Node package's).
 * Every method streams over the whole programme once.
 */
export interface MasteringProgramme {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  /** Analysis of the input (`analyze`). */
  analyzeInput(): Promise<AnalysisReport>;
  /** Runs the pre-limiter chain over the input into the working copy; returns its integrated loudness, LUFS. */
  preChain(chain: ProcessorJSON[]): Promise<number>;
  /**
   * One limiter pass: limiter(pre × 10^(driveDb/20)) into the master copy, aligned with the input.
   * @returns its integrated loudness, LUFS, and the largest peak reduction in each 100 ms, dB.
   */
  limit(driveDb: number, limiter: ProcessorJSON): Promise<{ lufs: number; gainReduction: Float32Array }>;
  /** Multiplies the master copy by 10^(gainDb/20) (no change for 0) and analyses it. */
  trimAndAnalyze(gainDb: number): Promise<AnalysisReport>;
}

/** A programme held in memory: the input, the pre-limiter copy and the master as planar arrays. */
export class MemoryProgramme implements MasteringProgramme {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  /** The master (valid after `limit`). */
  readonly out: Float32Array[];
  private pre: Float32Array[] = [];

  /**
   * @param input planar input at `sampleRate`, Hz.
   * @param runner how limiter passes run (this thread, or split over threads).
   * @param allocate working buffers (`frames` samples each); shared memory for a threaded runner.
   */
  constructor(
    private readonly input: readonly Float32Array[],
    sampleRate: number,
    private readonly runner: LimiterRunner = serialLimiter,
    private readonly allocate: (frames: number) => Float32Array = (n) => new Float32Array(n),
  ) {
    if (!Array.isArray(input) || input.length < 1 || !(input[0] instanceof Float32Array)) {
      throw new RangeError("master: input must be planar Float32Array channels");
    }
    this.sampleRate = sampleRate;
    this.channels = input.length;
    this.frames = input[0].length;
    this.out = input.map(() => allocate(this.frames));
  }

  async analyzeInput(): Promise<AnalysisReport> {
    return analyze(this.input, this.sampleRate);
  }

  async preChain(chain: ProcessorJSON[]): Promise<number> {
    const ctx = { sampleRate: this.sampleRate, channels: this.channels };
    this.pre = runChain(
      parseChain(chain, ctx, "mastering chain"),
      this.input,
      this.input.map(() => this.allocate(this.frames)),
    );
    return integratedLoudness(this.pre, this.sampleRate);
  }

  async limit(
    driveDb: number,
    limiter: ProcessorJSON,
  ): Promise<{ lufs: number; gainReduction: Float32Array }> {
    await this.runner.run(this.pre, driveDb, limiter, this.out, this.sampleRate);
    const gainReduction = gainReductionSeries(this.pre, 10 ** (driveDb / 20), this.out, this.sampleRate);
    return { lufs: integratedLoudness(this.out, this.sampleRate), gainReduction };
  }

  async trimAndAnalyze(gainDb: number): Promise<AnalysisReport> {
    if (gainDb !== 0) {
      const g = 10 ** (gainDb / 20);
      for (const y of this.out) for (let i = 0; i < y.length; i++) y[i] *= g;
    }
    return analyze(this.out, this.sampleRate);
  }
}

/**
 * Masters planar audio to a loudness target and true-peak ceiling.
 * @throws MasteringRefusal when reaching the target needs more limiting than `maxLimitingDb`.
 * @throws RangeError for bad settings, silent or too-short input.
 */
export async function masterAudio(
  input: readonly Float32Array[],
  s: MasterSettings,
  runner: LimiterRunner = serialLimiter,
): Promise<MasterResult> {
  const programme = new MemoryProgramme(input, s.sampleRate, runner, s.allocate);
  return { ...(await masterProgramme(programme, s)), channels: programme.out };
}

/**
 * The drive search over a programme wherever it is stored (see `masterAudio`); the master is left in the
 * programme's master copy.
 * @throws MasteringRefusal when reaching the target needs more limiting than `maxLimitingDb`.
 * @throws RangeError for bad settings, silent or too-short input.
 */
export async function masterProgramme(
  programme: MasteringProgramme,
  s: MasterSettings,
): Promise<MasterMeasurements> {
  // A programme on disk knows its length once it has been read.
  if (programme.frames > 0) checkLength(s, programme.frames);
  checkSettings(s);
  const before = await programme.analyzeInput();
  checkLength(s, programme.frames);
  if (!Number.isFinite(before.integratedLufs)) {
    throw new RangeError("master: the input is silent (below the −70 LUFS gate); there is nothing to master");
  }
  const maxLimiting = s.maxLimitingDb ?? 6;
  const tol = s.toleranceLu ?? 0.5;
  // A pass below the target is accepted within 0.2 LU (tol/2.5); one above it is turned down exactly.
  const aim = Math.min(0.2, tol / 2.5);

  const preJson = planPreChain(s, before, programme.channels);
  const preLufs = await programme.preChain(preJson);
  if (!Number.isFinite(preLufs)) throw new RangeError("master: the processed signal is silent");

  // Loud targets release faster: the gain recovers between drum hits instead of sitting low.
  const loud = peakToLoudnessSqueeze(s, before) > 6;
  const limiterJson: ProcessorJSON = {
    type: "limiter",
    ceilingDb: s.ceilingDbtp - CEILING_MARGIN_DB,
    releaseMs: loud ? LIMITER_RELEASE_LOUD_MS : LIMITER_RELEASE_MS,
    lookaheadMs: LIMITER_LOOKAHEAD_MS,
    truePeak: true,
  };
  const passes: MasterPass[] = [];
  let gr: Float32Array = new Float32Array(0);

  const pass = async (driveDb: number): Promise<MasterPass> => {
    const r = await programme.limit(driveDb, limiterJson);
    gr = r.gainReduction;
    const p: MasterPass = { driveDb, lufs: r.lufs, limitingDb: percentile95(gr) };
    passes.push(p);
    s.onPass?.(
      passes.length,
      `drive ${driveDb.toFixed(2)} dB → ${p.lufs.toFixed(2)} LUFS, limiting ${p.limitingDb.toFixed(1)} dB`,
    );
    return p;
  };

  const refuse = async (p: MasterPass): Promise<never> => {
    // The loudest reachable within the allowance, measured: step the drive back until limiting fits.
    let lo = passes.filter((q) => q.limitingDb <= maxLimiting).sort((a, b) => b.lufs - a.lufs)[0];
    let d = p.driveDb;
    for (let k = 0; k < 6 && !lo; k++) {
      d -= Math.max(1, p.limitingDb - maxLimiting);
      const q = await pass(d);
      if (q.limitingDb <= maxLimiting) lo = q;
    }
    const reach = lo ? lo.lufs : Number.NEGATIVE_INFINITY;
    throw new MasteringRefusal(
      `reaching ${s.targetLufs} LUFS at a ${s.ceilingDbtp} dBTP ceiling needs ${p.limitingDb.toFixed(1)} dB of limiting, more than the ${maxLimiting} dB allowed; ` +
        `about ${reach.toFixed(1)} LUFS is reachable (choose a quieter target, or allow more limiting)`,
      p.limitingDb,
      maxLimiting,
      reach,
    );
  };

  // Landing: a pass at or a little above the target is turned down onto it exactly afterwards (a gain
  // after the limiter moves the integrated loudness by exactly that gain and lowers the peaks), so the
  // search aims a little high instead of creeping up on the target from below, pass after pass.
  const done = (q: MasterPass) => q.lufs >= s.targetLufs - aim && q.lufs <= s.targetLufs + OVERSHOOT_MAX_LU;
  const goal = s.targetLufs + OVERSHOOT_AIM_LU;
  let drive = s.targetLufs - preLufs;
  let p = await pass(drive);
  let prev: MasterPass | null = null;
  while (!done(p) && passes.length < MAX_PASSES) {
    if (p.limitingDb > maxLimiting && p.lufs < s.targetLufs) await refuse(p);
    // First step: no secant yet. The more the limiter already works, the less loudness each dB of drive
    // buys (measured on the corpus mix: 5.8 dB of limiting → 0.5 LU/dB); a guess, corrected by the next pass.
    let slope = 1 / (1 + p.limitingDb / 6);
    if (prev && Math.abs(p.driveDb - prev.driveDb) > 1e-6) {
      slope = (p.lufs - prev.lufs) / (p.driveDb - prev.driveDb);
      // Loudness flattens as limiting grows: ahead, the curve is less steep than the last secant.
      if (p.lufs < goal) slope *= 0.8;
    }
    slope = Math.max(0.05, Math.min(1, slope));
    const next = drive + (goal - p.lufs) / slope;
    prev = p;
    drive = next;
    p = await pass(drive);
  }
  if (p.limitingDb > maxLimiting) await refuse(p);

  // A pass above the target is turned down onto it (≤ 0 dB).
  let trimDb = p.lufs > s.targetLufs ? s.targetLufs - p.lufs : 0;
  let after = await programme.trimAndAnalyze(trimDb);
  if (after.truePeakDbtp > s.ceilingDbtp) {
    // The limiter's detector and the meter disagreed by more than the margin: turn down the difference.
    const extra = s.ceilingDbtp - after.truePeakDbtp - 0.01;
    trimDb += extra;
    after = await programme.trimAndAnalyze(extra);
  }
  if (Math.abs(after.integratedLufs - s.targetLufs) > tol) {
    throw new RangeError(
      `master: could not land on ${s.targetLufs} LUFS (got ${after.integratedLufs.toFixed(2)} after ${passes.length} passes)`,
    );
  }
  return {
    chain: [...preJson, { ...limiterJson, gainDb: Math.round(drive * 1000) / 1000 }],
    before,
    after,
    passes,
    driveDb: drive,
    trimDb,
    gainReduction: { intervalSeconds: 0.1, db: gr },
    limitingDb: p.limitingDb,
    maxGainReductionDb: gr.reduce((m, v) => Math.max(m, v), 0),
    targetLufs: s.targetLufs,
    ceilingDbtp: s.ceilingDbtp,
  };
}
