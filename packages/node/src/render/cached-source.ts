/** Reading a decoded-audio cache file as a render's audio source. */
import { closeSync, openSync, readSync } from "node:fs";
import type { AudioSource } from "@controlroom/engine/render/source.ts";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { CACHE_HEADER_BYTES, type CacheHeader, checkedHeader } from "./decode-cache-file.ts";

/**
 * An AudioSource over a cache file: reads go straight from the file into the caller's arrays with
 * `readSync` (page-cache reads of a block take microseconds; a promise per read would cost more than it saves).
 */
export class CachedSource implements AudioSource {
  readonly sampleRate: number;
  readonly channels: number;
  /** Length in frames, as the reader over the original file reports it. */
  readonly frames: number;
  /** Frames actually in the file (fewer when the source ended early). */
  private readonly stored: number;
  /** Frames per channel slot in the file. */
  private readonly stride: number;
  private fd: number | null;

  private constructor(fd: number, h: CacheHeader, frames: number) {
    this.fd = fd;
    this.sampleRate = h.sampleRate;
    this.channels = h.channels;
    this.frames = frames;
    this.stored = Math.min(frames, h.decodedFrames);
    this.stride = h.decodedFrames;
  }

  /**
   * Opens a cache file for audio `ref`.
   * @returns null when the file is missing, not ours, incomplete, or for other audio (callers then decode).
   */
  static open(path: string, ref: AudioRef): CachedSource | null {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return null;
    }
    try {
      const h = checkedHeader(fd, ref);
      if (h) return new CachedSource(fd, h, h.declaredFrames ?? ref.frames);
    } catch {}
    closeSync(fd);
    return null;
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    const fd = this.fd;
    if (fd === null) throw new Error("read after close");
    readPlanar(fd, this.channels, this.stride, this.stored, start, frames, out);
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Reads frames `start … start + frames` of a cache file's planar audio (`channels` slots of `stride` frames after
 * the header, the first `stored` of each holding audio) into `out`: zeros outside the stored frames, and outputs
 * past the channels repeat the last one (as ReaderSource does).
 */
export function readPlanar(
  fd: number,
  channels: number,
  stride: number,
  stored: number,
  start: number,
  frames: number,
  out: Float32Array[],
): void {
  // Frames [a, b) of the request lie inside the stored audio; the rest are zeros.
  const a = Math.max(0, Math.min(frames, -start));
  const b = Math.max(a, Math.min(frames, stored - start));
  const shared = Math.min(out.length, channels);
  for (let c = 0; c < shared; c++) {
    const o = out[c];
    if (a > 0) o.fill(0, 0, a);
    if (b > a) readFloats(fd, o, a, b - a, CACHE_HEADER_BYTES + (c * stride + start + a) * 4);
    if (frames > b) o.fill(0, b, frames);
  }
  for (let c = shared; c < out.length; c++) out[c].set(out[shared - 1].subarray(0, frames));
}

/**
 * Fills `dst[at … at + n)` with `n` floats from byte `position` of `fd`, zero-copy (zeros if the file
 * is shorter, which only a file cut while open can be).
 */
function readFloats(fd: number, dst: Float32Array, at: number, n: number, position: number): void {
  const bytes = n * 4;
  let done = 0;
  while (done < bytes) {
    const r = readSync(fd, dst, at * 4 + done, bytes - done, position + done);
    if (r === 0) {
      dst.fill(0, at + Math.floor(done / 4), at + n);
      return;
    }
    done += r;
  }
}
