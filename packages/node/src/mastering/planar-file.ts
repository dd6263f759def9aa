/**
 * A raw float32 working file for mastering programmes too long to hold in memory, in chunks of
 * `PLANAR_CHUNK` frames: chunk 0's channel 0, chunk 0's channel 1, …, chunk 1's channel 0, … (native floats,
 * no header; the last chunk's slot is full size), so it can be written before its length is known. Read and
 * written through one chunk-sized buffer each. Synchronous, so the engine's limiter loop (`limitFrames`) can
 * call it block by block, on the main thread or in a worker.
 */
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import type { LimiterIO } from "@controlroom/engine/mastering/master.ts";

/** Frames per buffered read or write (256 KiB per channel). */
export const PLANAR_CHUNK = 65536;

/** Where a worker finds a working file pair (structured-clonable). */
export interface PlanarFiles {
  /** The pre-limiter programme. */
  pre: string;
  /** The master. */
  out: string;
  frames: number;
  channels: number;
}

/** One planar working file, opened for reading and writing. */
export class PlanarFile {
  private fd: number | null;
  private readStart = -1;
  private readLength = 0;
  private readonly readBuf: Float32Array[];
  private writeStart = 0;
  private writeLength = 0;
  private readonly writeBuf: Float32Array[];

  private constructor(
    readonly path: string,
    fd: number,
    private length: number,
    readonly channels: number,
  ) {
    this.fd = fd;
    this.readBuf = Array.from({ length: channels }, () => new Float32Array(PLANAR_CHUNK));
    this.writeBuf = Array.from({ length: channels }, () => new Float32Array(PLANAR_CHUNK));
  }

  /** Frames in the programme. */
  get frames(): number {
    return this.length;
  }

  /** Creates (or empties) a working file sized for `frames` × `channels` (0 frames: grown by `append`). */
  static create(path: string, frames: number, channels: number): PlanarFile {
    const fd = openSync(path, "w+");
    try {
      ftruncateSync(fd, Math.ceil(frames / PLANAR_CHUNK) * PLANAR_CHUNK * channels * 4);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new PlanarFile(path, fd, frames, channels);
  }

  /**
   * Adds `n` frames from `from[c][0 …]` at the end; every append but the last must hold a whole chunk.
   * @throws Error after a partial chunk.
   */
  append(from: readonly Float32Array[], n: number): void {
    if (this.frames % PLANAR_CHUNK !== 0) throw new Error(`${this.path}: append after a partial chunk`);
    let done = 0;
    while (done < n) {
      const k = Math.min(PLANAR_CHUNK, n - done);
      for (let c = 0; c < this.channels; c++) this.writeRun(c, this.frames, from[c], done, k);
      this.length += k;
      done += k;
    }
  }

  /** Opens an existing working file of this shape. */
  static open(path: string, frames: number, channels: number): PlanarFile {
    return new PlanarFile(path, openSync(path, "r+"), frames, channels);
  }

  /** Copies frames [pos, pos + n) into `into[c][offset …]`; reads past the end are an error. */
  read(pos: number, n: number, into: Float32Array[], offset = 0): void {
    if (pos < 0 || pos + n > this.frames) throw new RangeError(`${this.path}: read beyond the programme`);
    let done = 0;
    while (done < n) {
      const at = pos + done;
      if (at < this.readStart || at >= this.readStart + this.readLength) this.fill(at);
      const k = Math.min(n - done, this.readStart + this.readLength - at);
      const from = at - this.readStart;
      for (let c = 0; c < this.channels; c++) {
        into[c].set(this.readBuf[c].subarray(from, from + k), offset + done);
      }
      done += k;
    }
  }

  /**
   * Stores frames [pos, pos + n) from `from[c][offset …]`. Consecutive writes are gathered into chunks;
   * `flush` (or `close`) writes what is gathered.
   */
  write(pos: number, n: number, from: Float32Array[], offset = 0): void {
    if (pos < 0 || pos + n > this.frames) throw new RangeError(`${this.path}: write beyond the programme`);
    let done = 0;
    while (done < n) {
      const at = pos + done;
      if (this.writeLength > 0 && at !== this.writeStart + this.writeLength) this.flush();
      if (this.writeLength === 0) this.writeStart = at;
      // A gathered run stays inside one chunk's slot.
      const room = PLANAR_CHUNK - (this.writeStart % PLANAR_CHUNK) - this.writeLength;
      const k = Math.min(n - done, room);
      for (let c = 0; c < this.channels; c++) {
        this.writeBuf[c].set(from[c].subarray(offset + done, offset + done + k), this.writeLength);
      }
      this.writeLength += k;
      done += k;
      if (k === room) this.flush();
    }
  }

  /** Writes the gathered frames to the file. */
  flush(): void {
    const n = this.writeLength;
    if (n === 0) return;
    for (let c = 0; c < this.channels; c++) this.writeRun(c, this.writeStart, this.writeBuf[c], 0, n);
    // What was read from this range is stale now.
    if (this.writeStart < this.readStart + this.readLength && this.writeStart + n > this.readStart) {
      this.readStart = -1;
      this.readLength = 0;
    }
    this.writeLength = 0;
  }

  /** Writes what is gathered and forgets what was read (another thread wrote the file). */
  forget(): void {
    this.flush();
    this.readStart = -1;
    this.readLength = 0;
  }

  /** Flushes and closes; safe to call twice. */
  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /** The engine's view for a limiter pass: reads from `pre`, writes into `out`. */
  static limiterIO(pre: PlanarFile, out: PlanarFile): LimiterIO {
    return {
      frames: pre.frames,
      channels: pre.channels,
      read: (pos, n, into) => pre.read(pos, n, into),
      write: (pos, n, from, offset) => out.write(pos, n, from, offset),
    };
  }

  /** Byte offset of frame `pos` of channel `c`. */
  private offset(c: number, pos: number): number {
    const chunk = Math.floor(pos / PLANAR_CHUNK);
    return ((chunk * this.channels + c) * PLANAR_CHUNK + (pos - chunk * PLANAR_CHUNK)) * 4;
  }

  /** Writes `n` frames of channel `c` at `pos` (inside one chunk) from `src[at …]`. */
  private writeRun(c: number, pos: number, src: Float32Array, at: number, n: number): void {
    const fd = this.handle();
    const bytes = new Uint8Array(src.buffer, src.byteOffset + at * 4, n * 4);
    const position = this.offset(c, pos);
    for (let done = 0; done < bytes.length; ) {
      done += writeSync(fd, bytes, done, bytes.length - done, position + done);
    }
  }

  /** Reads the chunk holding frame `at` into the read buffer. */
  private fill(at: number): void {
    this.flush();
    const fd = this.handle();
    const start = Math.floor(at / PLANAR_CHUNK) * PLANAR_CHUNK;
    const n = Math.min(PLANAR_CHUNK, this.frames - start);
    for (let c = 0; c < this.channels; c++) {
      const b = this.readBuf[c];
      const bytes = new Uint8Array(b.buffer, 0, n * 4);
      const position = this.offset(c, start);
      let done = 0;
      while (done < bytes.length) {
        const r = readSync(fd, bytes, done, bytes.length - done, position + done);
        if (r === 0) throw new Error(`${this.path}: the working file is shorter than the programme`);
        done += r;
      }
    }
    this.readStart = start;
    this.readLength = n;
  }

  private handle(): number {
    if (this.fd === null) throw new Error(`${this.path}: used after close`);
    return this.fd;
  }
}
