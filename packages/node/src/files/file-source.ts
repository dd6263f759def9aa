import { readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { AudioFileError } from "./types.ts";

/** How a FileSource reads. */
export interface FileSourceOptions {
  /**
   * Read on the calling thread (`readSync`) instead of on libuv's thread pool. For a thread that can do nothing
   * else until the bytes arrive (a render's track threads): a pooled read waits in the pool's queue behind
   * whatever else is there, and during a render that is the written files' background fsyncs (four pool
   * threads, up to fifteen files flushing), which stalled both render threads together for 10–40 ms at a time.
   * Not for a thread that serves others meanwhile (the studio's event loop). Default false.
   */
  syncReads?: boolean;
}

/**
 * Random-access byte reads from one file, with every operating-system failure turned into an
 * AudioFileError that names the file ("file not found", "is a directory", "permission denied").
 */
export class FileSource {
  private constructor(
    readonly path: string,
    private handle: FileHandle | null,
    /** File length in bytes when opened. */
    readonly size: number,
    private readonly syncReads: boolean,
  ) {}

  /** Opens `path` for reading. */
  static async open(path: string, options: FileSourceOptions = {}): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, "r");
    } catch (e) {
      throw osError(path, e);
    }
    try {
      const st = await handle.stat();
      if (st.isDirectory()) throw new AudioFileError(path, "is a directory, not an audio file");
      return new FileSource(path, handle, st.size, options.syncReads === true);
    } catch (e) {
      await handle.close().catch(() => {});
      throw osError(path, e);
    }
  }

  /**
   * Reads up to `length` bytes at byte offset `position`; fewer only at the end of the file.
   * @param into optional buffer to fill (must hold `length` bytes); a new one otherwise.
   */
  async readAt(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    if (!this.handle) throw new AudioFileError(this.path, "read after close");
    const n = Math.max(0, Math.min(length, this.size - position));
    const buf = into && into.length >= n ? into : new Uint8Array(n);
    let done = 0;
    try {
      while (done < n) {
        const bytesRead = this.syncReads
          ? readSync(this.handle.fd, buf, done, n - done, position + done)
          : (await this.handle.read(buf, done, n - done, position + done)).bytesRead;
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (e) {
      throw osError(this.path, e);
    }
    return buf.subarray(0, done);
  }

  /** Closes the handle; safe to call twice. */
  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    if (h) await h.close().catch(() => {});
  }
}

/** Turns a Node file-system error into a one-line AudioFileError. */
export function osError(path: string, e: unknown): AudioFileError {
  if (e instanceof AudioFileError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return new AudioFileError(path, "file not found");
    case "EISDIR":
      return new AudioFileError(path, "is a directory, not an audio file");
    case "EACCES":
    case "EPERM":
      return new AudioFileError(path, "permission denied");
    case "ENOSPC":
      return new AudioFileError(path, "no space left on the disk");
    default:
      return new AudioFileError(path, `cannot access the file (${code ?? (e as Error)?.message ?? e})`);
  }
}
