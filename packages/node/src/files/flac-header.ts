import type { FileSource } from "./file-source.ts";
import { AudioFileError } from "./types.ts";
import { parseVorbisComment } from "./vorbis-comment.ts";

/** What a FLAC file's metadata blocks say. */
export interface FlacHeader {
  sampleRate: number;
  channels: number;
  bitDepth: number;
  /** Total frames from STREAMINFO, or null when the encoder did not know (0 in the file). */
  frames: number | null;
  tags?: Record<string, string>;
  /** Byte offset of the first audio frame. */
  audioOffset: number;
  /** STREAMINFO block sizes (samples) and largest frame (bytes, 0 = unknown), for seeking. */
  minBlockSize: number;
  maxBlockSize: number;
  maxFrameBytes: number;
  warnings: string[];
}

const MAX_COMMENT_BYTES = 16 * 1024 * 1024;

/**
 * Reads the metadata blocks of a native FLAC stream (STREAMINFO, VORBIS_COMMENT; others skipped).
 * @param base byte offset of the "fLaC" marker (non-zero when a tagger put an ID3 tag in front).
 */
export async function readFlacHeader(src: FileSource, base = 0): Promise<FlacHeader> {
  const fail = (msg: string): never => {
    throw new AudioFileError(src.path, msg);
  };
  const warnings: string[] = [];
  let pos = base + 4;
  let info: Omit<FlacHeader, "audioOffset" | "warnings" | "tags"> | null = null;
  let tags: Record<string, string> | undefined;
  for (let first = true; ; first = false) {
    const h = await src.readAt(pos, 4);
    if (h.length < 4) fail("truncated header (file ends inside the FLAC metadata)");
    const last = (h[0] & 0x80) !== 0;
    const type = h[0] & 0x7f;
    const len = (h[1] << 16) | (h[2] << 8) | h[3];
    if (first && type !== 0) fail("corrupt FLAC header: first metadata block is not STREAMINFO");
    if (type === 0) {
      if (len < 34) fail(`corrupt FLAC STREAMINFO (${len} bytes, need 34)`);
      const b = await src.readAt(pos + 4, 34);
      if (b.length < 34) fail("truncated header (file ends inside STREAMINFO)");
      const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
      const channels = ((b[12] >> 1) & 7) + 1;
      const bitDepth = (((b[12] & 1) << 4) | (b[13] >> 4)) + 1;
      const total = (b[13] & 0x0f) * 2 ** 32 + ((b[14] << 24) >>> 0) + (b[15] << 16) + (b[16] << 8) + b[17];
      if (sampleRate === 0) fail("FLAC STREAMINFO sample rate is 0 Hz");
      info = {
        sampleRate,
        channels,
        bitDepth,
        frames: total > 0 ? total : null,
        minBlockSize: (b[0] << 8) | b[1],
        maxBlockSize: (b[2] << 8) | b[3],
        maxFrameBytes: (b[7] << 16) | (b[8] << 8) | b[9],
      };
    } else if (type === 4 && len <= MAX_COMMENT_BYTES) {
      const b = await src.readAt(pos + 4, len);
      const t = parseVorbisComment(b);
      if (t) tags = t;
      else warnings.push("malformed Vorbis comment block ignored");
    } else if (type === 127) {
      fail(`corrupt FLAC metadata block type 127 at byte ${pos}`);
    }
    pos += 4 + len;
    if (last) break;
    if (pos >= src.size) fail("truncated header (file ends inside the FLAC metadata)");
  }
  if (!info) fail("no FLAC STREAMINFO");
  const header = info!;
  if (pos >= src.size) {
    // An empty stream is valid (length 0); one that promised audio is a truncated file.
    if (header.frames === null) header.frames = 0;
    else warnings.push(`file ends early: no audio frames after the header, which promises ${header.frames}`);
  }
  return { ...header, ...(tags ? { tags } : {}), audioOffset: pos, warnings };
}
