import { OggVorbisDecoder } from "@wasm-audio-decoders/ogg-vorbis";
import { concatBytes } from "./bytes.ts";
import { type ChunkDecoder, DecodedReader, wasmChunkDecoder } from "./decoded-reader.ts";
import type { FileSource } from "./file-source.ts";
import { AudioFileError, type AudioFileInfo } from "./types.ts";
import { parseVorbisComment } from "./vorbis-comment.ts";

/** How much of the file start is searched for the Vorbis headers, and of the end for the last granule. */
const HEAD_BYTES = 1024 * 1024;
const TAIL_BYTES = 64 * 1024;

/** Opens an Ogg Vorbis file: identification and comment headers parsed here, audio by libvorbis (WebAssembly). */
export async function openOggVorbis(src: FileSource): Promise<DecodedReader> {
  const fail = (msg: string): never => {
    throw new AudioFileError(src.path, msg);
  };
  const head = await src.readAt(0, HEAD_BYTES);
  const packets = firstPackets(head, 2);
  const id = packets[0];
  if (!id || id.length < 30) fail("truncated header (file ends inside the Vorbis identification header)");
  if (id[0] !== 1 || String.fromCharCode(...id.subarray(1, 7)) !== "vorbis") {
    fail("unsupported codec: first Ogg stream is not Vorbis");
  }
  const v = new DataView(id.buffer, id.byteOffset, id.length);
  const channels = id[11];
  const sampleRate = v.getUint32(12, true);
  if (channels === 0) fail("Vorbis header channels is 0");
  if (sampleRate === 0) fail("Vorbis header sample rate is 0 Hz");
  const warnings: string[] = [];
  let tags: Record<string, string> | undefined;
  const c = packets[1];
  if (c && c[0] === 3 && String.fromCharCode(...c.subarray(1, 7)) === "vorbis") {
    tags = parseVorbisComment(c.subarray(7)) ?? undefined;
  } else warnings.push("Vorbis comment header not found or too large; tags not read");
  const serial = new DataView(head.buffer, head.byteOffset).getUint32(14, true);
  const frames = await lastGranule(src, serial);
  const info: AudioFileInfo = {
    path: src.path,
    format: "ogg",
    codec: "vorbis",
    sampleRate,
    channels,
    bitDepth: null,
    sampleFormat: "lossy",
    frames,
    metadata: tags ? { tags } : {},
    warnings,
  };
  return new DecodedReader(src, info, makeDecoder, 0);
}

function makeDecoder(): Promise<ChunkDecoder> {
  const d = new OggVorbisDecoder();
  return wasmChunkDecoder(d, () => d.flush());
}

/** The first `count` packets of the stream in `b` (pages parsed in order; stops when bytes run out). */
function firstPackets(b: Uint8Array, count: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let cur: Uint8Array[] = [];
  let p = 0;
  while (p + 27 <= b.length && packets.length < count) {
    if (String.fromCharCode(...b.subarray(p, p + 4)) !== "OggS") break;
    const nseg = b[p + 26];
    if (p + 27 + nseg > b.length) break;
    let body = p + 27 + nseg;
    for (let i = 0; i < nseg; i++) {
      const len = b[p + 27 + i];
      if (body + len > b.length) return packets;
      cur.push(b.subarray(body, body + len));
      body += len;
      if (len < 255) {
        // A packet within one page stays a view of the file's bytes.
        packets.push(cur.length === 1 ? cur[0] : concatBytes(cur));
        cur = [];
        if (packets.length === count) return packets;
      }
    }
    p = body;
  }
  return packets;
}

/** Granule position (= total frames for Vorbis) of the last page of the stream, or null. */
async function lastGranule(src: FileSource, serial: number): Promise<number | null> {
  const start = Math.max(0, src.size - TAIL_BYTES);
  const b = await src.readAt(start, TAIL_BYTES);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  for (let p = b.length - 27; p >= 0; p--) {
    if (b[p] !== 0x4f || b[p + 1] !== 0x67 || b[p + 2] !== 0x67 || b[p + 3] !== 0x53) continue;
    if (v.getUint32(p + 14, true) !== serial) continue;
    const lo = v.getUint32(p + 6, true);
    const hi = v.getInt32(p + 10, true);
    if (hi < 0) continue; // −1: no packet ends on this page
    const g = hi * 2 ** 32 + lo;
    // 0 is a header page's granule: the audio pages are missing, so the length is unknown.
    return g > 0 ? g : null;
  }
  return null;
}
