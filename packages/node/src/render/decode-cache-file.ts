/**
 * The decoded-audio cache's file format: a raw planar float32 file behind a fixed header saying what it holds
 * and which source (by content hash, size and mtime) it was decoded from, so a changed source never matches.
 *
 * File layout (native little-endian): a 128-byte header, then channel 0's frames, channel 1's frames, …
 * (float32 each, exactly as DecodedReader returns them).
 *
 *   0  8  magic "CRDECODE"          40 8  source file size, bytes
 *   8  4  version (1)               48 8  source mtime, ns since the epoch
 *  12  4  header bytes (128)        56 32 sha256 of the source (the session's identity of the audio)
 *  16  4  channels                  88 40 zero
 *  20  4  sample rate, Hz
 *  24  8  decoded frames
 *  32  8  frames the source's header declares, -1 when it does not say
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";

const MAGIC = "CRDECODE";
const VERSION = 1;
/** Header bytes before the samples. */
export const CACHE_HEADER_BYTES = 128;

/** What a cache file's header says. */
export interface CacheHeader {
  channels: number;
  sampleRate: number;
  /** Frames of audio in the file (per channel). */
  decodedFrames: number;
  /** Frames the source's own header declares, null when it does not say. */
  declaredFrames: number | null;
  sourceSize: number;
  sourceMtimeNs: bigint;
  sha256: string;
}

export function encodeHeader(h: CacheHeader): Uint8Array {
  const b = new Uint8Array(CACHE_HEADER_BYTES);
  const v = new DataView(b.buffer);
  b.set(Buffer.from(MAGIC, "latin1"), 0);
  v.setUint32(8, VERSION, true);
  v.setUint32(12, CACHE_HEADER_BYTES, true);
  v.setUint32(16, h.channels, true);
  v.setUint32(20, h.sampleRate, true);
  v.setBigUint64(24, BigInt(h.decodedFrames), true);
  v.setBigInt64(32, BigInt(h.declaredFrames ?? -1), true);
  v.setBigUint64(40, BigInt(h.sourceSize), true);
  v.setBigInt64(48, h.sourceMtimeNs, true);
  b.set(Buffer.from(h.sha256, "hex"), 56);
  return b;
}

/** Parses a header; null when it is not one of ours (wrong magic, version or sizes). */
export function decodeHeader(b: Uint8Array): CacheHeader | null {
  if (b.length < CACHE_HEADER_BYTES) return null;
  if (Buffer.from(b.subarray(0, 8)).toString("latin1") !== MAGIC) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(8, true) !== VERSION || v.getUint32(12, true) !== CACHE_HEADER_BYTES) return null;
  const channels = v.getUint32(16, true);
  const sampleRate = v.getUint32(20, true);
  if (channels < 1 || channels > 64 || sampleRate < 1) return null;
  const declared = v.getBigInt64(32, true);
  return {
    channels,
    sampleRate,
    decodedFrames: Number(v.getBigUint64(24, true)),
    declaredFrames: declared < 0n ? null : Number(declared),
    sourceSize: Number(v.getBigUint64(40, true)),
    sourceMtimeNs: v.getBigInt64(48, true),
    sha256: Buffer.from(b.subarray(56, 88)).toString("hex"),
  };
}

/** Bytes a cache file of this shape has. */
export function cacheFileBytes(channels: number, frames: number): number {
  return CACHE_HEADER_BYTES + channels * frames * 4;
}

/**
 * Reads and checks the header of an open cache file: ours, complete (length matches), and for this audio.
 * @returns the header, or null when the file must not be used.
 */
export function checkedHeader(
  fd: number,
  ref: AudioRef,
  source?: { size: number; mtimeNs: bigint },
): CacheHeader | null {
  const b = new Uint8Array(CACHE_HEADER_BYTES);
  if (readSync(fd, b, 0, b.length, 0) !== b.length) return null;
  const h = decodeHeader(b);
  if (!h) return null;
  if (h.sha256 !== ref.sha256 || h.channels !== ref.channels || h.sampleRate !== ref.sampleRate) return null;
  if (source && (h.sourceSize !== source.size || h.sourceMtimeNs !== source.mtimeNs)) return null;
  // A truncated (or padded) file is rejected here: its length must be exactly what the header describes.
  if (fstatSync(fd).size !== cacheFileBytes(h.channels, h.decodedFrames)) return null;
  return h;
}

/** The cache file name for a source: its sha256, size and mtime, so a changed file never matches. */
export function cacheFileName(sha256: string, size: number, mtimeNs: bigint): string {
  return `${sha256}-${size}-${mtimeNs}.f32`;
}

/** True when `file` is a complete cache file for `ref` made from the source as it is now. */
export async function usable(
  file: string,
  ref: AudioRef,
  source: { size: number; mtimeNs: bigint },
): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return false;
  }
  try {
    return checkedHeader(fd, ref, source) !== null;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
