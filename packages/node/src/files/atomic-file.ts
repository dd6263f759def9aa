import { randomBytes } from "node:crypto";
import { fdatasync, readdirSync, rmSync, writeSync } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { osError } from "./file-source.ts";
import { AudioFileError } from "./types.ts";

/** Longest stretch of synchronous writing between two turns of the event loop, ms. */
const TURN_MS = 20;
let lastTurn = 0;

/**
 * Bytes written between two background flushes of a file (see `BackgroundFlush`). Small enough that the final
 * fsync has little left to write (seven stems' final fsyncs run after the last block: 4 MB left each made cold
 * song1 ~3 % slower, median of 11 alternating pairs), large enough that a flush is a few calls per file.
 */
export const FLUSH_EVERY_BYTES = 1 * 2 ** 20;

/**
 * Flushes a file being written to disk in the background, a few MB at a time, so that the fsync that makes it
 * durable before its rename finds little left to write. Without it a render's files (mix, stems, decoded cache:
 * 245 MB for song1 cold) were all flushed at the very end, one after another on the 4 threads of libuv's pool,
 * ~0.1–0.2 s of waiting on the disk after the last block. fdatasync runs on the pool while the writing thread
 * goes on (writes and syncs of one descriptor may overlap); at most one is in flight per file, and its failure
 * is left to the final fsync to report.
 */
export class BackgroundFlush {
  private pending = 0;
  private flushing: Promise<void> | null = null;

  /** Counts `bytes` just written to `fd`; starts a flush once FLUSH_EVERY_BYTES have gathered. */
  wrote(fd: number, bytes: number): void {
    this.pending += bytes;
    if (this.pending < FLUSH_EVERY_BYTES || this.flushing) return;
    this.pending = 0;
    this.flushing = new Promise<void>((resolve) =>
      fdatasync(fd, () => {
        this.flushing = null;
        resolve();
      }),
    );
  }

  /** Waits for the flush in flight (before the final fsync, or before closing the descriptor). */
  async settle(): Promise<void> {
    await this.flushing;
  }
}

/**
 * A file written under a temporary name beside its target and renamed into place only when complete
 * (after fsync), so a crash or kill never leaves a half-written file under the final name.
 */
export class AtomicFile {
  private handle: FileHandle | null;
  private done = false;
  private readonly flush = new BackgroundFlush();

  private constructor(
    /** The final name. */
    readonly path: string,
    /** The temporary name it is written under. */
    readonly tempPath: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  /** Creates the temporary file beside `path` (removing those a killed process left for the same name). */
  static async create(path: string): Promise<AtomicFile> {
    removeStaleTemps(path);
    const temp = tempPathBeside(path, "partial");
    try {
      return new AtomicFile(path, temp, await open(temp, "wx"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === "ENOENT") {
        throw new AudioFileError(path, `cannot create: folder ${dirname(path)} does not exist`);
      }
      throw osError(path, e);
    }
  }

  /**
   * Writes `bytes` at byte offset `position`. Synchronously: audio writers call this once per block of a few
   * hundred KB, which the page cache takes in microseconds, while an awaited write cost the (usually busiest)
   * calling thread about 0.1 ms of bookkeeping per call — 0.2 s of a 4-minute render. Every ~20 ms it still
   * gives the event loop a turn, as the awaited writes did: render and mastering loops are driven by their
   * writes, and the studio runs them beside its HTTP server and learns of cancellations through the loop.
   */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    if (!this.handle) throw new AudioFileError(this.path, "write after close or abort");
    const now = performance.now();
    if (now - lastTurn > TURN_MS) {
      lastTurn = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.handle) throw new AudioFileError(this.path, "write after close or abort");
    }
    try {
      let done = 0;
      while (done < bytes.length) {
        const bytesWritten = writeSync(this.handle.fd, bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    } catch (e) {
      throw osError(this.path, e);
    }
    this.flush.wrote(this.handle.fd, bytes.length);
  }

  /** Flushes to disk, closes, and renames over the final name. */
  async commit(): Promise<void> {
    if (this.done) return;
    const h = this.handle;
    if (!h) throw new AudioFileError(this.path, "close after abort");
    try {
      this.handle = null;
      await this.flush.settle();
      await publish(h, this.tempPath, this.path);
      this.done = true;
    } catch (e) {
      await h.close().catch(() => {});
      await this.abort();
      throw osError(this.path, e);
    }
    await syncFolder(this.path);
  }

  /** Closes and deletes the temporary file; nothing appears under the final name. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const h = this.handle;
    this.handle = null;
    await this.flush.settle();
    if (h) await h.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }
}

/**
 * Writes text or bytes to `path` atomically in one go (temporary file beside it, fsync, rename, folder fsync).
 * Errors are the file system's own (an `ErrnoException`), for callers to name in their own terms.
 * @param path target file; its folder must exist.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const abs = resolve(path);
  removeStaleTemps(abs);
  const temp = tempPathBeside(abs, "tmp");
  const fh = await open(temp, "wx");
  try {
    await fh.writeFile(data);
    await publish(fh, temp, abs);
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw e;
  }
  await syncFolder(abs);
}

/**
 * A hidden, random temporary name in the folder of `path` (a rename within one folder is atomic):
 * `.<name>.<pid>-<random>.<suffix>`, so a later writer can tell a killed process's leftovers from a live one's.
 */
export function tempPathBeside(path: string, suffix: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.${suffix}`);
}

/** True while process `pid` exists on this machine (one we may not signal exists too). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files (and staging folders) that processes no longer running left beside `path` (a
 * write killed before its rename). Those of live processes, and names this module did not make, are left alone.
 */
export function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{8}\.(partial|tmp|staging|work)$/.exec(n.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      rmSync(join(dirname(path), n), { recursive: true, force: true });
    } catch {}
  }
}

/** Flushes and closes the temporary file, then renames it over the final name. */
async function publish(handle: FileHandle, tempPath: string, path: string): Promise<void> {
  await handle.sync();
  await handle.close();
  await rename(tempPath, path);
}

/** Makes a rename in the folder of `path` durable; not every file system allows syncing a folder. */
async function syncFolder(path: string): Promise<void> {
  try {
    const d = await open(dirname(path), "r");
    await d.sync().catch(() => {});
    await d.close();
  } catch {}
}
