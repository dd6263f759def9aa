import { dbToGain } from "../../core/db.ts";
import { ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { resampleChannels } from "../resample/resampler.ts";
import { PartitionedConvolver } from "./partitioned-convolver.ts";

export interface ConvolutionParams extends Record<string, unknown> {
  /**
   * Impulse response file, resolved and loaded by the host, which then calls `setImpulseResponse`.
   * Until an impulse response is set the wet signal is silent.
   */
  ir: string;
  /** Wet share 0 … 1, linear crossfade: out = (1−mix)·dry + mix·wet; the dry is delayed to line up. */
  mix: number;
  /** Gain of the wet (convolved) signal, dB (−60 … 24). The impulse response is used as it is, unnormalised. */
  gainDb: number;
  /**
   * Partition size in samples (64 … 8192, a power of two): the latency. Smaller is less delay, larger is
   * faster for long impulse responses. Changing it clears the processor's state.
   */
  partition: number;
}

export const CONVOLUTION_SPECS: ParamSpecs = {
  ir: {
    kind: "text",
    default: "",
    description: "Impulse response file (loaded by the host, which calls setImpulseResponse)",
  },
  mix: { kind: "number", unit: "", min: 0, max: 1, default: 0.3, description: "Wet share, linear crossfade" },
  gainDb: {
    kind: "number",
    unit: "dB",
    min: -60,
    max: 24,
    default: 0,
    description: "Gain of the wet signal",
  },
  partition: {
    kind: "number",
    unit: "samples",
    min: 64,
    max: 8192,
    default: 1024,
    description: "Partition size (a power of two) = latency in samples",
  },
};

/** Longest impulse response accepted, seconds. */
export const MAX_IR_SECONDS = 60;

/** The tail stage's partitions are this many times the head's. */
export const TAIL_FACTOR = 8;

/**
 * Convolution reverb by uniformly partitioned FFT convolution (see `PartitionedConvolver`). Latency is the
 * partition size B (reported through `latency`; the dry is delayed to match). For impulse responses longer
 * than 2·8B a second uniformly partitioned stage with 8B-sample partitions takes the tail from 7B on — the
 * head's B-sample partitions cover the first 7B samples, which is exactly the time the tail stage's own
 * 8B latency needs — so a 2 s response costs ~20 instead of ~94 complex multiply-adds per sample at
 * B = 1024, with the same latency and the same result.
 *
 * JSON: `{"type":"convolution","ir":"path/to/ir.wav","mix":0.3,"gainDb":0}`. A mono impulse response is used
 * for every channel, a stereo one per channel (output c uses IR channel c mod IR channels). Mono input
 * gives stereo output.
 */
export class Convolution extends Processor<ConvolutionParams> {
  readonly type = "convolution";
  private B = 0;
  private headStage: PartitionedConvolver | null = null;
  private tailStage: PartitionedConvolver | null = null;
  private ir: Float32Array[] | null = null;
  /** Dry delay lines (B samples) per input channel. */
  private dryLine: Float32Array[] = [];
  private dryAt = 0;
  private wetBuf: Float64Array[] = [];
  private gBuf = new Float64Array(0);
  private mBuf = new Float64Array(0);
  private readonly gain: Smoother;
  private readonly mixS: Smoother;

  constructor(ctx: ProcessorContext, params: Partial<ConvolutionParams> = {}) {
    super(ctx, CONVOLUTION_SPECS, params, "convolution");
    checkPartition(this.params.partition);
    this.gain = new Smoother(ctx.sampleRate, 20, dbToGain(this.params.gainDb));
    this.mixS = new Smoother(ctx.sampleRate, 20, this.params.mix);
    this.build();
  }

  override get outputChannels(): number {
    return this.channels === 1 ? 2 : this.channels;
  }

  override get latency(): number {
    return this.B;
  }

  /** Partitions in use: head stage, and tail stage (0 when the response is short or absent). */
  get partitions(): { head: number; tail: number } {
    return { head: this.headStage?.partitions ?? 0, tail: this.tailStage?.partitions ?? 0 };
  }

  override setParams(partial: Partial<ConvolutionParams>): void {
    if (partial.partition !== undefined) checkPartition(partial.partition);
    super.setParams(partial);
  }

  protected override paramsChanged(): void {
    this.gain.setTarget(dbToGain(this.params.gainDb));
    this.mixS.setTarget(this.params.mix);
    if (this.params.partition !== this.B) this.build();
  }

  /**
   * Sets the impulse response: 1 channel (used for every output) or as many as wanted (output c uses channel
   * c mod count). A response at another sample rate is resampled to the processor's (band-limited, level
   * and frequency response kept; see `Resampler`). The response is
   * used as given; `gainDb` scales the wet signal. Setting a response clears the convolution state (a tail
   * still ringing stops), so set it before playback.
   * @throws RangeError naming what is wrong (empty, non-finite sample, too long, bad sample rate).
   */
  setImpulseResponse(channels: Float32Array[], sampleRate: number): void {
    if (!Array.isArray(channels) || channels.length === 0) {
      throw new RangeError("convolution impulse response: needs at least one channel");
    }
    const len = channels[0].length;
    if (len === 0) throw new RangeError("convolution impulse response: is empty (0 samples)");
    for (const [c, ch] of channels.entries()) {
      if (ch.length !== len) {
        throw new RangeError(
          `convolution impulse response: channel ${c} has ${ch.length} samples, channel 0 has ${len}`,
        );
      }
      for (let i = 0; i < len; i++) {
        if (!Number.isFinite(ch[i])) {
          throw new RangeError(`convolution impulse response: channel ${c} sample ${i} is ${ch[i]}`);
        }
      }
    }
    if (typeof sampleRate !== "number" || !(sampleRate >= 8000 && sampleRate <= 384000)) {
      throw new RangeError(
        `convolution impulse response: sample rate must be between 8000 and 384000 Hz, got ${sampleRate}`,
      );
    }
    if (len > MAX_IR_SECONDS * sampleRate) {
      throw new RangeError(
        `convolution impulse response: is ${(len / sampleRate).toFixed(1)} s long, at most ${MAX_IR_SECONDS} s is accepted`,
      );
    }
    if (sampleRate !== this.sampleRate) {
      // Band-limited conversion to the processor's rate; scaled by from/to so the response's level and
      // frequency response stay as they were (a resampled impulse has to/from times as many samples).
      const scale = sampleRate / this.sampleRate;
      const converted = resampleChannels(channels, sampleRate, this.sampleRate);
      if (converted[0].length === 0) {
        throw new RangeError(
          `convolution impulse response: ${len} samples at ${sampleRate} Hz is shorter than one sample at ${this.sampleRate} Hz`,
        );
      }
      for (const ch of converted) for (let i = 0; i < ch.length; i++) ch[i] *= scale;
      this.ir = converted;
    } else {
      this.ir = channels.map((c) => Float32Array.from(c));
    }
    this.build();
  }

  /** (Re)builds the stages for partition size B and the current response; clears state. */
  private build(): void {
    const B = this.params.partition;
    this.B = B;
    this.dryLine = Array.from({ length: this.channels }, () => new Float32Array(B));
    this.dryAt = 0;
    const ir = this.ir;
    this.headStage = null;
    this.tailStage = null;
    if (!ir) return;
    const len = ir[0].length;
    const L = TAIL_FACTOR * B;
    const split = L - B;
    const ins = this.channels;
    const outs = this.outputChannels;
    if (len >= 2 * L) {
      this.headStage = new PartitionedConvolver(B, ins, outs, ir, 0, split);
      this.tailStage = new PartitionedConvolver(L, ins, outs, ir, split, len);
    } else {
      this.headStage = new PartitionedConvolver(B, ins, outs, ir, 0, len);
    }
  }

  protected resetState(): void {
    this.headStage?.reset();
    this.tailStage?.reset();
    for (const d of this.dryLine) d.fill(0);
    this.dryAt = 0;
    this.gain.snap(dbToGain(this.params.gainDb));
    this.mixS.snap(this.params.mix);
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const B = this.B;
    const chans = this.channels;
    const outs = this.outputChannels;
    if (this.gBuf.length < frames) {
      this.gBuf = new Float64Array(frames);
      this.mBuf = new Float64Array(frames);
      this.wetBuf = Array.from({ length: outs }, () => new Float64Array(frames));
    }
    const wet = this.wetBuf;
    if (this.headStage) {
      // The stages read the input before anything is written (output may be the input arrays).
      this.headStage.process(input, 0, frames, wet, 0, false);
      this.tailStage?.process(input, 0, frames, wet, 0, true);
    } else for (const w of wet) w.fill(0, 0, frames);
    const gBuf = this.gBuf;
    const mBuf = this.mBuf;
    for (let i = 0; i < frames; i++) {
      gBuf[i] = this.gain.next();
      mBuf[i] = this.mixS.next();
    }
    // Dry delayed by B: swap each input sample with the one B samples old.
    let at = this.dryAt;
    for (let c = 0; c < chans; c++) {
      const line = this.dryLine[c];
      const x = input[c];
      at = this.dryAt;
      const d = this.dryScratch(frames, c);
      for (let i = 0; i < frames; i++) {
        d[i] = line[at];
        line[at] = x[i];
        if (++at === B) at = 0;
      }
    }
    this.dryAt = at;
    for (let c = 0; c < outs; c++) {
      const d = this.dryScratch(frames, c < chans ? c : chans - 1);
      const w = wet[c];
      const o = output[c];
      for (let i = 0; i < frames; i++) {
        const mix = mBuf[i];
        o[i] = (1 - mix) * d[i] + mix * gBuf[i] * w[i];
      }
    }
  }

  private dryBufs: Float64Array[] = [];

  private dryScratch(frames: number, c: number): Float64Array {
    if (this.dryBufs.length !== this.channels || this.dryBufs[0].length < frames) {
      this.dryBufs = Array.from({ length: this.channels }, () => new Float64Array(frames));
    }
    return this.dryBufs[c];
  }
}

function checkPartition(b: number): void {
  if (!(Number.isInteger(b) && b >= 64 && b <= 8192 && (b & (b - 1)) === 0)) {
    throw new ParamError("convolution.partition", `must be a power of two between 64 and 8192, got ${b}`);
  }
}

export const CONVOLUTION_FACTORY: ProcessorFactory = {
  type: "convolution",
  description: "Convolution reverb (uniformly partitioned FFT convolution with an impulse response)",
  specs: CONVOLUTION_SPECS,
  create: (ctx, params) => new Convolution(ctx, params as Partial<ConvolutionParams>),
};
