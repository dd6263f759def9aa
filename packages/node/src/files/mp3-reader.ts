import { MPEGDecoder } from "mpg123-decoder";
import { type ChunkDecoder, DecodedReader, wasmChunkDecoder } from "./decoded-reader.ts";
import type { FileSource } from "./file-source.ts";
import { parseMpegHeader } from "./sniff.ts";
import { AudioFileError, type AudioFileInfo } from "./types.ts";

/** How far past the ID3 tag the first frame is searched for. */
const SYNC_SEARCH_BYTES = 64 * 1024;
/** ID3v2 tags larger than this (cover art) are skipped without reading their text frames. */
const MAX_ID3_BYTES = 4 * 1024 * 1024;

/** ID3v2 frame ids and the tag names we give them (Vorbis-comment style). */
const ID3_TAGS: Record<string, string> = {
  TIT2: "title",
  TPE1: "artist",
  TALB: "album",
  TPE2: "albumartist",
  TRCK: "tracknumber",
  TCON: "genre",
  TYER: "date",
  TDRC: "date",
  TCOM: "composer",
  TSSE: "encoder",
  TCOP: "copyright",
  TBPM: "bpm",
  TKEY: "key",
};

/**
 * Opens an MPEG Layer III file: ID3v2 text tags and the first frame header parsed here; the length from the
 * Xing/Info and LAME headers when present (gapless: encoder delay and padding removed); audio by mpg123.
 */
export async function openMp3(src: FileSource): Promise<DecodedReader> {
  const fail = (msg: string): never => {
    throw new AudioFileError(src.path, msg);
  };
  let pos = 0;
  let tags: Record<string, string> | undefined;
  const warnings: string[] = [];
  const id3 = await src.readAt(0, 10);
  if (id3.length >= 3 && String.fromCharCode(...id3.subarray(0, 3)) === "ID3") {
    if (id3.length < 10) fail("truncated header (file ends inside the ID3 tag)");
    const size = syncsafe(id3, 6) + 10 + (id3[5] & 0x10 ? 10 : 0);
    if (size > src.size) fail("truncated header (file ends inside the ID3 tag)");
    if (size <= MAX_ID3_BYTES) tags = parseId3(await src.readAt(0, size), id3[3]);
    pos = size;
  }
  const b = await src.readAt(pos, SYNC_SEARCH_BYTES);
  let at = -1;
  for (let i = 0; i + 4 <= b.length; i++) {
    const h = parseMpegHeader(b, i);
    if (h && (i + h.frameBytes + 4 > b.length || parseMpegHeader(b, i + h.frameBytes))) {
      at = i;
      break;
    }
  }
  if (at < 0)
    fail(b.length === 0 ? "no MPEG audio after the ID3 tag (truncated file)" : "no MPEG audio frame found");
  if (at > 0) warnings.push(`${at} bytes of junk before the first MPEG frame skipped`);
  const h = parseMpegHeader(b, at)!;
  const info: AudioFileInfo = {
    path: src.path,
    format: "mp3",
    codec: "mp3",
    sampleRate: h.sampleRate,
    channels: h.channels,
    bitDepth: null,
    sampleFormat: "lossy",
    frames: xingFrames(b, at, h.samplesPerFrame),
    metadata: tags && Object.keys(tags).length ? { tags } : {},
    warnings,
  };
  return new DecodedReader(src, info, makeDecoder, pos + at);
}

function makeDecoder(): Promise<ChunkDecoder> {
  // mpg123 holds nothing back that more input would not release: no flush.
  return wasmChunkDecoder(new MPEGDecoder(), null);
}

function syncsafe(b: Uint8Array, at: number): number {
  return ((b[at] & 0x7f) << 21) | ((b[at + 1] & 0x7f) << 14) | ((b[at + 2] & 0x7f) << 7) | (b[at + 3] & 0x7f);
}

/** Frames from a Xing/Info header (minus LAME encoder delay and padding), or null when absent. */
function xingFrames(b: Uint8Array, at: number, samplesPerFrame: number): number | null {
  const mpeg1 = ((b[at + 1] >> 3) & 3) === 3;
  const mono = b[at + 3] >> 6 === 3;
  const x = at + 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
  if (x + 12 > b.length) return null;
  const tag = String.fromCharCode(...b.subarray(x, x + 4));
  if (tag !== "Xing" && tag !== "Info") return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const flags = v.getUint32(x + 4, false);
  if (!(flags & 1)) return null;
  const count = v.getUint32(x + 8, false);
  const lame = x + 8 + 4 + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  let delay = 0;
  let padding = 0;
  if (lame + 24 <= b.length && /^(LAME|Lavc|Lavf)/.test(String.fromCharCode(...b.subarray(lame, lame + 4)))) {
    delay = (b[lame + 21] << 4) | (b[lame + 22] >> 4);
    padding = ((b[lame + 22] & 0x0f) << 8) | b[lame + 23];
  }
  const frames = count * samplesPerFrame - delay - padding;
  return frames > 0 ? frames : null;
}

function parseId3(b: Uint8Array, version: number): Record<string, string> {
  const tags: Record<string, string> = {};
  if (version < 3) return tags; // ID3v2.2 uses 3-letter frames; rare, skipped
  let p = 10;
  if (b[5] & 0x40) {
    // Extended header: its size is syncsafe in v2.4 and includes itself; plain in v2.3 and excludes itself.
    p += version === 4 ? syncsafe(b, 10) : ((b[10] << 24) | (b[11] << 16) | (b[12] << 8) | b[13]) + 4;
  }
  while (p + 10 <= b.length) {
    const id = String.fromCharCode(...b.subarray(p, p + 4));
    if (!/^[A-Z0-9]{4}$/.test(id)) break; // padding
    const size =
      version === 4
        ? syncsafe(b, p + 4)
        : ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    const body = b.subarray(p + 10, Math.min(b.length, p + 10 + size));
    p += 10 + size;
    const key = ID3_TAGS[id] ?? (id === "COMM" ? "comment" : id[0] === "T" ? id.toLowerCase() : null);
    if (!key || body.length < 2) continue;
    const text =
      id === "COMM"
        ? decodeId3Text(body[0], body.subarray(4)).split("\0").pop()
        : decodeId3Text(body[0], body.subarray(1));
    if (text) tags[key] = text.replace(/\0+$/, "").replace(/\0/g, "; ");
  }
  return tags;
}

function decodeId3Text(encoding: number, b: Uint8Array): string {
  switch (encoding) {
    case 0:
      return new TextDecoder("latin1").decode(b);
    case 1:
      return new TextDecoder("utf-16").decode(b);
    case 2:
      return new TextDecoder("utf-16be").decode(b);
    default:
      return new TextDecoder("utf-8").decode(b);
  }
}
