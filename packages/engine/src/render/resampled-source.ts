/**
 * A source read at another sample rate through the streaming resampler. Sequential reads stream; a jump
 * restarts the converter a few kernel lengths before the new position (on an input frame where input and
 * output samples coincide) so the output there is the same band-limited signal a continuous run gives, to
 * within the kernel's stop-band.
 */
import { Resampler } from "../dsp/resample/resampler.ts";
import type { AudioSource } from "./source.ts";

/** Input frames read from the inner source per step. */
const CHUNK = 4096;

export class ResampledSource implements AudioSource {
  readonly channels: number;
  readonly frames: number;
  private rs: Resampler;
  /** Output frame the FIFO's first frame is. */
  private fifoStart = 0;
  private fifo: Float32Array[];
  private fifoLen = 0;
  /** Next inner frame to feed. */
  private inPos = 0;
  private inBuf: Float32Array[];

  /**
   * @param inner the source at its own rate.
   * @param sampleRate the rate to read at, Hz.
   */
  constructor(
    private readonly inner: AudioSource,
    readonly sampleRate: number,
  ) {
    this.channels = inner.channels;
    this.frames = Math.round((inner.frames * sampleRate) / inner.sampleRate);
    this.rs = new Resampler({ fromRate: inner.sampleRate, toRate: sampleRate, channels: inner.channels });
    this.fifo = Array.from({ length: this.channels }, () => new Float32Array(CHUNK * 4));
    this.inBuf = Array.from({ length: this.channels }, () => new Float32Array(CHUNK));
    this.restart(0);
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    if (start < this.fifoStart || start > this.fifoStart + this.fifoLen + CHUNK * 8) this.restart(start);
    // Drop what is before `start`, then fill until `frames` are buffered.
    for (;;) {
      const drop = Math.min(this.fifoLen, start - this.fifoStart);
      if (drop > 0) this.consume(drop);
      if (this.fifoStart === start && this.fifoLen >= frames) break;
      await this.feed();
    }
    for (let c = 0; c < out.length; c++)
      out[c].set(this.fifo[Math.min(c, this.channels - 1)].subarray(0, frames));
    // Zero what lies outside the source (the converter's ringing past the ends is not part of the audio).
    for (let i = 0; i < frames; i++) {
      const f = start + i;
      if (f >= 0 && f < this.frames) continue;
      for (const o of out) o[i] = 0;
    }
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  /** Starts converting afresh so that output frame `start` can be reached. */
  private restart(start: number): void {
    const rat = this.rs.rational;
    this.rs.reset();
    // Input frame where the converter starts: a few kernels early, on a frame that maps to a whole output frame.
    const lead = Math.ceil(this.rs.latencyInputFrames * 4) + 16;
    let p0 = Math.floor((start * this.inner.sampleRate) / this.sampleRate) - lead;
    let o0: number;
    if (rat) {
      p0 = Math.floor(p0 / rat.down) * rat.down;
      o0 = (p0 / rat.down) * rat.up;
    } else {
      // Arbitrary ratio: only frame 0 maps exactly; start there (seeks are rare in clip playback).
      p0 = Math.min(0, p0);
      o0 = Math.round((p0 * this.sampleRate) / this.inner.sampleRate);
    }
    this.inPos = p0;
    this.fifoStart = o0;
    this.fifoLen = 0;
  }

  private async feed(): Promise<void> {
    await this.inner.read(this.inPos, CHUNK, this.inBuf);
    this.inPos += CHUNK;
    const y = this.rs.process(this.inBuf, CHUNK);
    const n = y[0]?.length ?? 0;
    if (this.fifoLen + n > this.fifo[0].length) {
      this.fifo = this.fifo.map((f) => {
        const g = new Float32Array(Math.max(f.length * 2, this.fifoLen + n));
        g.set(f.subarray(0, this.fifoLen));
        return g;
      });
    }
    for (let c = 0; c < this.channels; c++) this.fifo[c].set(y[c].subarray(0, n), this.fifoLen);
    this.fifoLen += n;
  }

  private consume(n: number): void {
    for (const f of this.fifo) f.copyWithin(0, n, this.fifoLen);
    this.fifoLen -= n;
    this.fifoStart += n;
  }
}
