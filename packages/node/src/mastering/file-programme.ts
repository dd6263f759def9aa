/**
 * A programme mastered from disk, for any length in bounded memory: the input is decoded once into a raw
 * float32 working file (and analysed on the way), the pre-limiter chain runs once per drive search into a
 * second one, and each limiter pass writes the master into a third, a chunk at a time with the limiter's
 * state (gain, lookahead) carried from block to block — on worker threads for long programmes, as in memory.
 * Every step feeds the engine the same blocks as the in-memory path, so the master is the same to the bit.
 * Memory: a few chunk buffers and the measurement series (100 ms steps), whatever the length.
 */
import { join } from "node:path";
import type { AnalysisReport } from "@controlroom/engine/analysis/analyzer.ts";
import { LoudnessMeter } from "@controlroom/engine/analysis/loudness.ts";
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import { parseChain } from "@controlroom/engine/dsp/chain.ts";
import {
  ANALYSIS_BLOCK,
  GainReductionMeter,
  limitFrames,
  type MasteringProgramme,
  masteringAnalyzer,
} from "@controlroom/engine/mastering/master.ts";
import { type LongTermSpectrum, LongTermSpectrumMeter } from "@controlroom/engine/mastering/spectrum.ts";
import { openAudioFile } from "../files/open.ts";
import type { AudioFileInfo } from "../files/types.ts";
import { ParallelLimiter } from "./parallel-limiter.ts";
import { PlanarFile } from "./planar-file.ts";

/** Block length the engine's `runChain` feeds a chain, frames. */
const CHAIN_BLOCK = 4096;

export class FileProgramme implements MasteringProgramme {
  sampleRate = 0;
  channels = 0;
  frames = 0;
  /** What the input file's header says (valid after `analyzeInput`). */
  info: AudioFileInfo | null = null;
  /** Long-term spectra of the input and of the master as last analysed (with `opts.spectra`). */
  spectrumBefore: LongTermSpectrum | null = null;
  spectrumAfter: LongTermSpectrum | null = null;
  private input: PlanarFile | null = null;
  private pre: PlanarFile | null = null;
  private out: PlanarFile | null = null;
  /** The limiter's worker threads (null: this thread), from the first pass on. */
  private workers: ParallelLimiter | null | undefined;

  /**
   * @param path the audio file to master.
   * @param dir a folder for the working files (three of 4 bytes per sample each); the caller removes it.
   * @param opts.spectra measure the long-term spectra of the input and the master (an FFT per 170 ms of
   * audio on each; default false).
   * @param opts.parallelFromSeconds shortest programme limited on worker threads, s (default as in memory).
   */
  constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly opts: { spectra?: boolean; parallelFromSeconds?: number } = {},
  ) {}

  private before: AnalysisReport | null = null;

  /**
   * Decodes the input into its working file, analysing it (and its long-term spectrum) on the way; once
   * (a second drive search, e.g. narrower for vinyl, reads the same input).
   */
  async analyzeInput(): Promise<AnalysisReport> {
    this.before ??= await this.decode();
    return this.before;
  }

  private async decode(): Promise<AnalysisReport> {
    const reader = await openAudioFile(this.path);
    try {
      const info = reader.info;
      this.info = info;
      this.sampleRate = info.sampleRate;
      this.channels = info.channels;
      const file = PlanarFile.create(join(this.dir, "input.f32"), 0, info.channels);
      this.input = file;
      const analyzer = masteringAnalyzer(info.sampleRate, info.channels);
      const spectrum = this.opts.spectra ? new LongTermSpectrumMeter(info.sampleRate, info.channels) : null;
      // Whole blocks of ANALYSIS_BLOCK frames (the decoders return what they like), as `analyze` is fed.
      const block = Array.from({ length: info.channels }, () => new Float32Array(ANALYSIS_BLOCK));
      let filled = 0;
      const flush = () => {
        const view = block.map((b) => b.subarray(0, filled));
        analyzer.process(view, filled);
        spectrum?.process(view, filled);
        file.append(block, filled);
        filled = 0;
      };
      for (;;) {
        const got = await reader.read(ANALYSIS_BLOCK - filled);
        if (!got) break;
        const k = got[0].length;
        if (k === 0) break;
        for (let c = 0; c < info.channels; c++) block[c].set(got[c], filled);
        filled += k;
        if (filled === ANALYSIS_BLOCK) flush();
      }
      if (filled > 0) flush();
      file.flush();
      this.frames = file.frames;
      this.spectrumBefore = spectrum?.result() ?? null;
      return analyzer.finish();
    } finally {
      await reader.close();
    }
  }

  /** Runs the chain over the input into the pre-limiter file (latency removed); its integrated loudness. */
  async preChain(chainJson: ProcessorJSON[]): Promise<number> {
    const input = this.opened(this.input);
    this.pre?.close();
    const pre = PlanarFile.create(join(this.dir, "pre.f32"), this.frames, this.channels);
    this.pre = pre;
    const chain = parseChain(
      chainJson,
      { sampleRate: this.sampleRate, channels: this.channels },
      "mastering chain",
    );
    if (chain.outputChannels !== this.channels)
      throw new Error("the mastering chain changed the channel count");
    const meter = new LoudnessMeter(this.sampleRate, this.channels);
    // As `runChain`: blocks from the start, zeros after the end until the latency is flushed.
    const frames = this.frames;
    const lat = chain.latency;
    const blk = Array.from({ length: this.channels }, () => new Float32Array(CHAIN_BLOCK));
    let written = -lat;
    for (let pos = 0; pos < frames + lat; pos += CHAIN_BLOCK) {
      const n = Math.min(CHAIN_BLOCK, frames + lat - pos);
      const avail = Math.max(0, Math.min(n, frames - pos));
      if (avail > 0) input.read(pos, avail, blk);
      if (avail < n) for (const b of blk) b.fill(0, avail, n);
      const r = chain.process(blk, n);
      const skip = Math.max(0, -written);
      const take = Math.min(n - skip, frames - Math.max(0, written));
      if (take > 0) pre.write(written + skip, take, r, skip);
      written += n;
    }
    pre.flush();
    this.scanSeconds([pre], ([p], n) => meter.process(p, n));
    return meter.result().integratedLufs;
  }

  async limit(
    driveDb: number,
    limiter: ProcessorJSON,
  ): Promise<{ lufs: number; gainReduction: Float32Array }> {
    const pre = this.opened(this.pre);
    if (!this.out) this.out = PlanarFile.create(join(this.dir, "master.f32"), this.frames, this.channels);
    const out = this.out;
    // Workers start once per programme (each compiles the engine on start) and serve every pass.
    if (this.workers === undefined) {
      this.workers = ParallelLimiter.threadsFor(this.frames, this.sampleRate, this.opts.parallelFromSeconds);
    }
    const workers = this.workers;
    if (workers) {
      // The workers write the master file themselves: nothing of it may sit in this side's buffers.
      out.forget();
      await workers.runFiles(
        { pre: pre.path, out: out.path, frames: this.frames, channels: this.channels },
        driveDb,
        limiter,
        this.sampleRate,
      );
      out.forget();
    } else {
      limitFrames(PlanarFile.limiterIO(pre, out), driveDb, limiter, this.sampleRate, 0, this.frames, 0);
      out.flush();
    }
    const meter = new LoudnessMeter(this.sampleRate, this.channels);
    const gr = new GainReductionMeter(this.sampleRate, this.frames, 10 ** (driveDb / 20));
    this.scanSeconds([pre, out], ([p, o], n) => {
      gr.process(p, o, n);
      meter.process(o, n);
    });
    return { lufs: meter.result().integratedLufs, gainReduction: gr.result() };
  }

  async trimAndAnalyze(gainDb: number): Promise<AnalysisReport> {
    const out = this.opened(this.out);
    const analyzer = masteringAnalyzer(this.sampleRate, this.channels);
    const spectrum = this.opts.spectra ? new LongTermSpectrumMeter(this.sampleRate, this.channels) : null;
    const g = 10 ** (gainDb / 20);
    this.scan([out], ([y], n, pos) => {
      if (gainDb !== 0) {
        for (const c of y) for (let i = 0; i < n; i++) c[i] *= g;
        out.write(pos, n, y);
      }
      analyzer.process(y, n);
      spectrum?.process(y, n);
    });
    out.flush();
    this.spectrumAfter = spectrum?.result() ?? null;
    return analyzer.finish();
  }

  /** Reads the master in blocks of `ANALYSIS_BLOCK` frames (for writing it out). */
  async forEachMasterBlock(each: (channels: Float32Array[], frames: number) => Promise<void>): Promise<void> {
    const out = this.opened(this.out);
    const buf = Array.from({ length: this.channels }, () => new Float32Array(ANALYSIS_BLOCK));
    for (let pos = 0; pos < this.frames; pos += ANALYSIS_BLOCK) {
      const n = Math.min(ANALYSIS_BLOCK, this.frames - pos);
      out.read(pos, n, buf);
      await each(
        buf.map((c) => c.subarray(0, n)),
        n,
      );
    }
  }

  /** Stops the limiter's workers and closes the working files (the caller removes the folder). */
  async close(): Promise<void> {
    for (const f of [this.input, this.pre, this.out]) f?.close();
    this.input = this.pre = this.out = null;
    await this.workers?.close();
    this.workers = undefined;
  }

  /** Reads files side by side in blocks of `ANALYSIS_BLOCK` frames from the start. */
  private scan(
    files: PlanarFile[],
    each: (blocks: Float32Array[][], frames: number, pos: number) => void,
  ): void {
    const bufs = files.map(() =>
      Array.from({ length: this.channels }, () => new Float32Array(ANALYSIS_BLOCK)),
    );
    for (let pos = 0; pos < this.frames; pos += ANALYSIS_BLOCK) {
      const n = Math.min(ANALYSIS_BLOCK, this.frames - pos);
      for (const [i, f] of files.entries()) f.read(pos, n, bufs[i]);
      each(
        bufs.map((b) => (n === ANALYSIS_BLOCK ? b : b.map((c) => c.subarray(0, n)))),
        n,
        pos,
      );
    }
  }

  /**
   * Reads files side by side a second (ten 100 ms loudness steps) at a time. The loudness meter sums each
   * 100 ms step's energy over the pieces it is fed; read this way no step is cut in two, so the loudness
   * reads the same to the last bit as `integratedLoudness` over the whole programme at once.
   */
  private scanSeconds(files: PlanarFile[], each: (blocks: Float32Array[][], frames: number) => void): void {
    const edge = (k: number) => Math.min(this.frames, Math.round((k * this.sampleRate) / 10));
    const longest = Math.ceil(this.sampleRate) + 1;
    const bufs = files.map(() => Array.from({ length: this.channels }, () => new Float32Array(longest)));
    for (let k = 0; edge(k) < this.frames; k += 10) {
      const pos = edge(k);
      const n = edge(k + 10) - pos;
      for (const [i, f] of files.entries()) f.read(pos, n, bufs[i]);
      each(
        bufs.map((b) => b.map((c) => c.subarray(0, n))),
        n,
      );
    }
  }

  private opened(f: PlanarFile | null): PlanarFile {
    if (!f) throw new Error("mastering steps out of order");
    return f;
  }
}
