/**
 * Filling a decoded-audio cache file while the render decodes the source itself: for a source one clip reads
 * from its first frame to its last (song1's stems: one clip per track), decoding it into the cache first and
 * then reading the cache back would only put the whole decode in front of the first block. Instead its clip
 * decodes it as usual (ReaderSource), and every chunk the decoder hands over is also written into the cache
 * file; when the last frame is in, the file is published as `decodeToCache` publishes it (header, fsync,
 * rename), so the next render finds the same file. Reads that jump (a seek) or stop early abandon the file.
 */
import { closeSync, fsync, openSync, writeSync } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { BackgroundFlush } from "../files/atomic-file.ts";
import { CACHE_HEADER_BYTES, encodeHeader } from "./decode-cache-file.ts";

/** A cache file to fill while rendering (structured-clonable: sent to track workers). */
export interface CacheFill {
  /** Cache file to publish. */
  file: string;
  /** Temporary name it is written under (room for it was made before the render). */
  temp: string;
  ref: AudioRef;
  /** Source size, bytes, and mtime, ns since the epoch (recorded in the header). */
  size: number;
  mtimeNs: bigint;
}

/** Receives a source's decoded chunks in order; see the file's comment. */
export class CacheFiller {
  private fd: number | null = null;
  /** Frames written so far (the next chunk must start here). */
  private written = 0;
  private finishing: Promise<void> | null = null;
  private done = false;
  private gaveUp = false;
  /** Flushes the file as it fills, so publishing it at the end has little left to write. */
  private readonly flush = new BackgroundFlush();

  /**
   * @param frames the source's length as its header declares it (the file holds exactly this many).
   */
  constructor(
    private readonly fill: CacheFill,
    private readonly channels: number,
    private readonly sampleRate: number,
    private readonly frames: number,
  ) {}

  /**
   * Frames `start … start + n` of every channel, as the decoder handed them over (valid only during the call).
   * A chunk that does not continue the last one abandons the file.
   */
  chunk(start: number, data: readonly Float32Array[], n: number): void {
    if (this.done) return;
    if (start !== this.written || data.length !== this.channels || this.written + n > this.frames) {
      this.abandon();
      return;
    }
    try {
      this.fd ??= openSync(this.fill.temp, "wx");
      for (let c = 0; c < this.channels; c++) {
        const x = data[c];
        writeAll(
          this.fd,
          new Uint8Array(x.buffer, x.byteOffset, n * 4),
          CACHE_HEADER_BYTES + (c * this.frames + start) * 4,
        );
      }
      this.flush.wrote(this.fd, n * 4 * this.channels);
    } catch {
      this.abandon();
      return;
    }
    this.written += n;
    if (this.written === this.frames) this.finishing = this.publish();
  }

  /** Waits for the file to be published, or removes what was written when the source was not read to its end. */
  async close(): Promise<void> {
    if (!this.done) this.abandon();
    await this.finishing;
  }

  /** True once the file was given up (a write failed, a chunk out of order, closed early): nothing is published. */
  get abandoned(): boolean {
    return this.gaveUp;
  }

  private abandon(): void {
    if (this.done) return;
    this.done = true;
    this.gaveUp = true;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      // Not closed under a flush in flight (the descriptor number could be reused by then).
      this.finishing = this.flush
        .settle()
        .then(() => closeSync(fd))
        .then(() => unlink(this.fill.temp))
        .catch(() => {});
    }
  }

  private async publish(): Promise<void> {
    this.done = true;
    const fd = this.fd as number;
    this.fd = null;
    try {
      const f = this.fill;
      writeAll(
        fd,
        encodeHeader({
          channels: this.channels,
          sampleRate: this.sampleRate,
          decodedFrames: this.frames,
          declaredFrames: this.frames,
          sourceSize: f.size,
          sourceMtimeNs: f.mtimeNs,
          sha256: f.ref.sha256,
        }),
        0,
      );
      // On the thread pool: the render goes on while the disk catches up.
      await this.flush.settle();
      await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
    } catch {
      closeSync(fd);
      await unlink(this.fill.temp).catch(() => {});
      return;
    }
    closeSync(fd);
    await rename(this.fill.temp, this.fill.file).catch(() => unlink(this.fill.temp).catch(() => {}));
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
