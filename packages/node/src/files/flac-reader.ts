import {
  type ChunkDecoder,
  type DecodedChunk,
  DecodedReader,
  quietly,
  STEP_OUTPUT_BYTES,
} from "./decoded-reader.ts";
import type { FileSource } from "./file-source.ts";
import { type FlacDecoded, FlacFrameDecoder, type FlacStreamShape } from "./flac-decoder.ts";
import { locateFrame } from "./flac-frames.ts";
import { readFlacHeader } from "./flac-header.ts";
import type { AudioFileInfo } from "./types.ts";

/** Opens a native FLAC file: header from STREAMINFO/VORBIS_COMMENT, audio by the libFLAC WebAssembly decoder. */
export async function openFlac(src: FileSource, base = 0): Promise<DecodedReader> {
  const h = await readFlacHeader(src, base);
  const info: AudioFileInfo = {
    path: src.path,
    format: "flac",
    codec: "flac",
    sampleRate: h.sampleRate,
    channels: h.channels,
    bitDepth: h.bitDepth,
    sampleFormat: "int",
    frames: h.frames,
    metadata: h.tags ? { tags: h.tags } : {},
    warnings: h.warnings,
  };
  // The decoder is fed from the "fLaC" marker: it needs the marker and STREAMINFO to sync.
  if (base > 0) info.warnings.push(`ID3 tag of ${base} bytes in front of the FLAC stream skipped`);
  // Seeking jumps to the frame before the target (found by bisection over frame headers) and decodes from there.
  const locate = (frame: number) => locateFrame(src, frame, h);
  const shape = { sampleRate: h.sampleRate, channels: h.channels, bitDepth: h.bitDepth };
  const decoder =
    h.bitDepth >= 4 && h.bitDepth <= 24 ? () => frameDecoder(shape) : () => makeFlacDecoder(h.bitDepth);
  return new DecodedReader(src, info, decoder, base, locate);
}

/**
 * x ← round(x·up)·down in place. |x·up| < 2^23, so adding and removing 1.5·2^52 rounds it to the nearest integer
 * in double precision (no ties: the decoder's error is ≤ 0.25 LSB). A function of its own at the top level so it
 * is optimised once for every decoder (inside the closure it ran at a third of the speed).
 */
function recoverIntegers(x: Float32Array, up: number, down: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) x[i] = (x[i] * up + ROUNDER - ROUNDER) * down;
}

/** 1.5·2^52: x + ROUNDER − ROUNDER is x rounded to the nearest integer, for |x| < 2^51. */
const ROUNDER = 6755399441055744;
const NO_ERRORS: string[] = [];

/**
 * The TypeScript frame decoder (flac-decoder.ts), handing over to libFLAC from the first frame it does not take
 * (damage, tags after the audio, an unfinished last frame): libFLAC reports and conceals those as before.
 */
async function frameDecoder(shape: FlacStreamShape): Promise<ChunkDecoder> {
  const fast = new FlacFrameDecoder(shape);
  // A step's output, as the reader aims for it, whatever the bytes fed stand for.
  const maxFrames = Math.max(1, Math.floor(STEP_OUTPUT_BYTES / (4 * shape.channels)));
  let lib: ChunkDecoder | null = null;
  /** `r`'s samples, then what libFLAC makes of the bytes the frame decoder left (and `flush` at the end). */
  const handOver = async (r: FlacDecoded, flush: boolean): Promise<DecodedChunk> => {
    if (!r.rest && !flush) return { channels: r.channels, errors: NO_ERRORS, more: r.more };
    if (r.rest && !lib) lib = await makeFlacDecoder(shape.bitDepth);
    const parts: DecodedChunk[] = [];
    if (lib && r.rest) parts.push(await lib.decode(r.rest));
    if (lib && flush) parts.push(await lib.flush());
    let channels = r.channels;
    let errors = NO_ERRORS;
    for (const x of parts) {
      if (x.errors.length > 0) errors = [...errors, ...x.errors];
      if ((x.channels[0]?.length ?? 0) > 0)
        channels = channels.length === 0 ? x.channels : concat(channels, x.channels);
    }
    return { channels, errors };
  };
  return {
    decode: async (bytes) => (lib ? lib.decode(bytes) : handOver(fast.push(bytes, maxFrames), false)),
    flush: async () => (lib ? lib.flush() : handOver(fast.end(), true)),
    free: () => lib?.free(),
  };
}

/** Channel-wise concatenation. */
function concat(a: Float32Array[], b: Float32Array[]): Float32Array[] {
  return a.map((x, c) => {
    const y = b[c] ?? new Float32Array(b[0].length);
    const o = new Float32Array(x.length + y.length);
    o.set(x);
    o.set(y, x.length);
    return o;
  });
}

/**
 * libFLAC's WebAssembly package, imported on first use: loading it cost each thread that opens a FLAC file
 * ~60–70 ms (on the critical path of a render's start, in every render thread), and most files never need it.
 */
let libflac: Promise<typeof import("@wasm-audio-decoders/flac")> | undefined;

async function makeFlacDecoder(bits: number): Promise<ChunkDecoder> {
  const { FLACDecoder } = await (libflac ??= import("@wasm-audio-decoders/flac"));
  const d = new FLACDecoder();
  await d.ready;
  // The decoder scales integers by 1/(2^(bits−1) − 1). Float keeps enough precision (error ≤ 0.25 LSB up to 24
  // bits) to recover the integer and rescale by 1/2^(bits−1), the convention of every other reader here.
  const up = 2 ** (bits - 1) - 1;
  const down = 1 / 2 ** (bits - 1);
  const wrap = (r: { channelData: Float32Array[]; errors: { message: string }[] }) => {
    if (bits <= 24) for (const x of r.channelData) recoverIntegers(x, up, down);
    const errors = r.errors.length === 0 ? NO_ERRORS : r.errors.map((e) => e.message);
    return { channels: r.channelData, errors };
  };
  return {
    decode: async (bytes) => wrap(await quietly(() => d.decode(bytes))),
    flush: async () => wrap(await quietly(() => d.flush())),
    free: () => d.free(),
  };
}
