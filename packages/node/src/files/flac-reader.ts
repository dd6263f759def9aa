import { FLACDecoder } from "@wasm-audio-decoders/flac";
import { type ChunkDecoder, DecodedReader, quietly } from "./decoded-reader.ts";
import type { FileSource } from "./file-source.ts";
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
  return new DecodedReader(src, info, () => makeFlacDecoder(h.bitDepth), base, locate);
}

async function makeFlacDecoder(bits: number): Promise<ChunkDecoder> {
  const d = new FLACDecoder();
  await d.ready;
  // The decoder scales integers by 1/(2^(bits−1) − 1). Float keeps enough precision (error ≤ 0.25 LSB up to 24
  // bits) to recover the integer and rescale by 1/2^(bits−1), the convention of every other reader here.
  const up = 2 ** (bits - 1) - 1;
  const down = 1 / 2 ** (bits - 1);
  const wrap = (r: { channelData: Float32Array[]; errors: { message: string }[] }) => {
    if (bits <= 24) {
      for (const c of r.channelData) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i] * up) * down;
    }
    return { channels: r.channelData, errors: r.errors.map((e) => e.message) };
  };
  return {
    decode: async (bytes) => wrap(await quietly(() => d.decode(bytes))),
    flush: async () => wrap(await quietly(() => d.flush())),
    free: () => d.free(),
  };
}
