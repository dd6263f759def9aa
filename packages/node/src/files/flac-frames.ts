import type { FileSource } from "./file-source.ts";

/** What seeking needs from STREAMINFO. */
export interface FlacStreamFacts {
  /** Byte offset of the first audio frame. */
  audioOffset: number;
  /** STREAMINFO minimum and maximum block size, in samples (equal for fixed-blocksize streams). */
  minBlockSize: number;
  maxBlockSize: number;
  /** STREAMINFO maximum frame size in bytes (0 when unknown). */
  maxFrameBytes: number;
  /** Total frames (samples per channel), or null when unknown. */
  frames: number | null;
}

/** A frame start found in the file. */
export interface FlacFrameSpot {
  /** Byte offset of the frame header. */
  byte: number;
  /** Number of its first sample (per channel). */
  frame: number;
}

const SCAN_BYTES = 64 * 1024;

/** CRC-8, polynomial x⁸+x²+x+1 (0x07), as FLAC frame headers use. */
const CRC8 = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[i] = c;
  }
  return t;
})();

/**
 * Parses a FLAC frame header at `at` and returns the number of its first sample, or null when the bytes are not
 * a valid header (bad sync, reserved codes, CRC-8 mismatch, or a blocking strategy other than the stream's).
 */
export function parseFrameHeader(b: Uint8Array, at: number, facts: FlacStreamFacts): number | null {
  if (at + 6 > b.length || b[at] !== 0xff || (b[at + 1] & 0xfe) !== 0xf8) return null;
  const variable = (b[at + 1] & 1) === 1;
  if (variable !== (facts.minBlockSize !== facts.maxBlockSize)) return null;
  const bsCode = b[at + 2] >> 4;
  const srCode = b[at + 2] & 0x0f;
  const chCode = b[at + 3] >> 4;
  const ssCode = (b[at + 3] >> 1) & 7;
  if (bsCode === 0 || srCode === 15 || chCode > 10 || ssCode === 3 || (b[at + 3] & 1) !== 0) return null;
  // UTF-8-style coded frame or sample number.
  let p = at + 4;
  const first = b[p++];
  let extra: number;
  let n: number;
  if (first < 0x80) {
    extra = 0;
    n = first;
  } else if ((first & 0xe0) === 0xc0) {
    extra = 1;
    n = first & 0x1f;
  } else if ((first & 0xf0) === 0xe0) {
    extra = 2;
    n = first & 0x0f;
  } else if ((first & 0xf8) === 0xf0) {
    extra = 3;
    n = first & 0x07;
  } else if ((first & 0xfc) === 0xf8) {
    extra = 4;
    n = first & 0x03;
  } else if ((first & 0xfe) === 0xfc) {
    extra = 5;
    n = first & 0x01;
  } else if (first === 0xfe) {
    extra = 6;
    n = 0;
  } else return null;
  if (p + extra > b.length) return null;
  for (let i = 0; i < extra; i++) {
    const c = b[p++];
    if ((c & 0xc0) !== 0x80) return null;
    n = n * 64 + (c & 0x3f);
  }
  if (bsCode === 6) p += 1;
  else if (bsCode === 7) p += 2;
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length) return null;
  let crc = 0;
  for (let i = at; i < p; i++) crc = CRC8[crc ^ b[i]];
  if (crc !== b[p]) return null;
  const sample = variable ? n : n * facts.minBlockSize;
  if (facts.frames !== null && sample >= facts.frames) return null;
  return sample;
}

/**
 * The first frame that starts at or after byte `from` and is confirmed by the header of the frame after it
 * (a lone CRC-8 match inside audio data happens about once in 256 sync-like byte pairs). Null if none.
 */
export async function findFrame(
  src: FileSource,
  from: number,
  facts: FlacStreamFacts,
): Promise<FlacFrameSpot | null> {
  const maxFrame = facts.maxFrameBytes > 0 ? facts.maxFrameBytes : 1 << 20;
  for (let base = from; base < src.size; base += SCAN_BYTES) {
    const b = await src.readAt(base, SCAN_BYTES + maxFrame + 32);
    const limit = Math.min(SCAN_BYTES, b.length);
    for (let i = 0; i < limit; i++) {
      if (b[i] !== 0xff) continue;
      const sample = parseFrameHeader(b, i, facts);
      if (sample === null) continue;
      if (confirmed(b, i, sample, facts, base + i, src.size)) return { byte: base + i, frame: sample };
    }
  }
  return null;
}

/** Whether the next valid header after the one at `i` continues the numbering (or the file ends there). */
function confirmed(
  b: Uint8Array,
  i: number,
  sample: number,
  facts: FlacStreamFacts,
  byte: number,
  size: number,
): boolean {
  for (let j = i + 6; j < b.length; j++) {
    if (b[j] !== 0xff) continue;
    const next = parseFrameHeader(b, j, facts);
    if (next === null) continue;
    const step = next - sample;
    return step > 0 && step <= facts.maxBlockSize;
  }
  // No next header in the window: fine only if this is the last frame of the file.
  return byte + b.length >= size;
}

/**
 * Locates the last frame starting at or before sample `target` by bisection over the file's bytes.
 * Returns null when no frame can be found (the caller then decodes from the start).
 */
export async function locateFrame(
  src: FileSource,
  target: number,
  facts: FlacStreamFacts,
): Promise<FlacFrameSpot | null> {
  let best = await findFrame(src, facts.audioOffset, facts);
  if (!best || best.frame > target) return null;
  let lo = best.byte + 1;
  let hi = src.size;
  // Narrow until the window is about one scan long; the decoder discards the rest exactly.
  while (hi - lo > SCAN_BYTES) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const spot = await findFrame(src, mid, facts);
    if (spot && spot.frame <= target) {
      best = spot;
      lo = spot.byte + 1;
    } else {
      hi = mid;
    }
  }
  return best;
}
