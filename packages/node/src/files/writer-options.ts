import { Ditherer } from "@controlroom/engine/dsp/dither/ditherer.ts";
import { PackKernel } from "@controlroom/engine/dsp/dither/pack-kernel.ts";
import { AudioFileError, type AudioWriterOptions } from "./types.ts";

/** Checks writer options; every problem names the option. */
export function checkWriterOptions(path: string, o: AudioWriterOptions, maxBits: 24 | 32): void {
  const fail = (msg: string): never => {
    throw new AudioFileError(path, msg);
  };
  if (!(Number.isInteger(o.sampleRate) && o.sampleRate >= 1000 && o.sampleRate <= 768000)) {
    fail(`sampleRate must be a whole number of Hz between 1000 and 768000, got ${o.sampleRate}`);
  }
  if (!(Number.isInteger(o.channels) && o.channels >= 1 && o.channels <= 64)) {
    fail(`channels must be a whole number between 1 and 64, got ${o.channels}`);
  }
  const depths = maxBits === 24 ? [16, 24] : [16, 24, 32];
  if (!depths.includes(o.bitDepth)) fail(`bitDepth must be ${depths.join(", ")}, got ${o.bitDepth}`);
  if (o.dither !== undefined && !["tpdf", "shaped", "none"].includes(o.dither)) {
    fail(`dither must be "tpdf", "shaped" or "none", got ${JSON.stringify(o.dither)}`);
  }
  if (o.ditherSeed !== undefined && !Number.isInteger(o.ditherSeed)) {
    fail(`ditherSeed must be a whole number, got ${o.ditherSeed}`);
  }
}

/**
 * Float → integer codes for one file: TPDF dither (or plain rounding) per channel, with separate seeds so
 * channels get uncorrelated noise. Samples already exactly on the target grid are stored unchanged (the noise
 * sequence still advances), so digital silence stays silent and a 16/24-bit source written at its own depth is
 * bit-exact. With `shaped` every sample goes through the noise shaper (its error feedback must see them all).
 */
export class Quantizer {
  private readonly ditherers: Ditherer[];
  private readonly scale: number;
  private codes = new Int32Array(0);

  private readonly passExact: boolean;
  /** The WebAssembly packer, made on first use; null when there is none (not tpdf, or no WebAssembly). */
  private kernel: PackKernel | null | undefined;

  constructor(channels: number, bits: number, dither: "tpdf" | "shaped" | "none", seed: number) {
    this.scale = 2 ** (bits - 1);
    this.passExact = dither !== "shaped";
    this.ditherers = Array.from(
      { length: channels },
      (_, c) => new Ditherer({ bits, kind: dither, seed: (seed + c * 7919) >>> 0 }),
    );
  }

  /** Codes of channel `c` for `frames` samples; the returned array is reused. */
  quantize(c: number, x: Float32Array, frames: number): Int32Array {
    const q = this.dither(c, x, frames);
    const s = this.exactScale;
    if (s === 0) return q;
    for (let i = 0; i < frames; i++) {
      const t = x[i] * s;
      if (t === Math.floor(t) && t >= -s && t < s) q[i] = t;
    }
    return q;
  }

  /**
   * The dithered codes alone, before samples already on the grid are put back (`quantize` does that; a
   * writer may do it while packing, with `exactScale`). The returned array is reused.
   */
  dither(c: number, x: Float32Array, frames: number): Int32Array {
    if (this.codes.length < frames) this.codes = new Int32Array(frames);
    this.ditherers[c].quantize(x, this.codes, frames);
    return this.codes;
  }

  /**
   * Dithers channel `c` and packs its codes into `out` (little-endian, `bps` bytes, every `stride` bytes from
   * `p`), samples already on the grid stored unchanged, checking for NaN and infinities in the same pass.
   * @returns the first non-finite sample's index (the file is then unusable), or −1.
   */
  pack(
    c: number,
    x: Float32Array,
    k: number,
    out: Uint8Array,
    p: number,
    stride: number,
    bps: 2 | 3,
  ): number {
    const d = this.ditherers[c];
    if (d.kind === "tpdf") return d.quantizeBytes(x, k, out, p, stride, bps, this.passExact);
    const q = this.dither(c, x, k);
    const s = this.exactScale;
    for (let i = 0; i < k; i++, p += stride) {
      const v0 = x[i];
      if (v0 - v0 !== 0) return i;
      let v = q[i];
      if (s !== 0) {
        const t = v0 * s;
        if (t === Math.floor(t) && t >= -s && t < s) v = t;
      }
      out[p] = v & 0xff;
      out[p + 1] = (v >> 8) & 0xff;
      if (bps === 3) out[p + 2] = (v >> 16) & 0xff;
    }
    return -1;
  }

  /**
   * The WebAssembly packer for blocks of up to `capacity` frames (made once per quantizer, so per file:
   * its memory holds one block's input and output), or null when packing goes channel by channel through
   * `pack` (dither other than tpdf, or a host without WebAssembly).
   */
  frameKernel(capacity: number): PackKernel | null {
    if (this.kernel === undefined) {
      const d = this.ditherers[0];
      this.kernel =
        d.kind === "tpdf" && (d.bits === 16 || d.bits === 24)
          ? PackKernel.create(d.bits === 16 ? 2 : 3, this.ditherers.length, capacity)
          : null;
    }
    return this.kernel && this.kernel.inputs[0].length >= capacity ? this.kernel : null;
  }

  /**
   * Dithers and packs `frames` frames of every channel into `kernel.output` (from `frameKernel`),
   * interleaved, the same bytes `pack` gives channel by channel.
   * @returns the first channel with a sample that is NaN or infinite (the file is then unusable), or −1.
   */
  packFrames(kernel: PackKernel, inputs: readonly Float32Array[], frames: number): number {
    return Ditherer.quantizeFramesWith(kernel, this.ditherers, inputs, frames, this.passExact);
  }

  /** 2^(bits−1) when samples on the output grid pass unchanged (x·scale, when whole), else 0. */
  get exactScale(): number {
    return this.passExact ? this.scale : 0;
  }
}

/** Checks the arrays passed to `write`; returns the frame count. */
export function checkWriteArgs(
  path: string,
  channels: number,
  data: readonly Float32Array[],
  frames: number | undefined,
): number {
  if (data.length !== channels) {
    throw new AudioFileError(path, `write: got ${data.length} channels, the file has ${channels}`);
  }
  const n = frames ?? data[0].length;
  if (!(Number.isInteger(n) && n >= 0))
    throw new AudioFileError(path, `write: frames must be a whole number ≥ 0, got ${n}`);
  for (let c = 0; c < channels; c++) {
    if (data[c].length < n) {
      throw new AudioFileError(
        path,
        `write: channel ${c} has ${data[c].length} samples, fewer than frames (${n})`,
      );
    }
  }
  return n;
}

/** Throws when a sample is NaN or infinite (it would become noise or silence without anyone noticing). */
export function checkFinite(path: string, c: number, x: Float32Array, frames: number, at: number): void {
  for (let i = 0; i < frames; i++) {
    if (!Number.isFinite(x[i])) {
      throw new AudioFileError(path, `write: channel ${c} sample ${at + i} is ${x[i]} (not a finite number)`);
    }
  }
}
