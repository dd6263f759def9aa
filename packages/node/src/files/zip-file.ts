/**
 * Zip archives written in one stream: entries stored without compression (audio does not compress and
 * storing keeps memory flat), the archive built under a temporary name and renamed into place only when
 * complete (after fsync), so a crash never leaves a half-written zip under the final name.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { Zip, ZipPassThrough } from "fflate";
import { removeStaleTemps, tempPathBeside } from "./atomic-file.ts";

/** One entry: `text` (stored as UTF-8) or the bytes of the file at `file`, read 1 MiB at a time. */
export type ZipEntry = { name: string; text: string } | { name: string; file: string };

/**
 * Writes `entries`, in order, into a zip at `zipPath` (its folder must exist).
 * @param cannotOpen turns a failure to open an entry's file into the error thrown (default: the OS error).
 */
export function writeStoredZip(
  zipPath: string,
  entries: Iterable<ZipEntry>,
  cannotOpen: (file: string, error: unknown) => unknown = (_file, error) => error,
): void {
  const abs = resolve(zipPath);
  removeStaleTemps(abs);
  const temp = tempPathBeside(abs, "tmp");
  const fd = openSync(temp, "wx");
  try {
    let failed: Error | null = null;
    const zip = new Zip((err, chunk) => {
      if (err) failed = err;
      else writeSync(fd, chunk);
    });
    const buf = new Uint8Array(1 << 20);
    for (const entry of entries) {
      const e = new ZipPassThrough(entry.name);
      zip.add(e);
      if ("text" in entry) {
        e.push(new TextEncoder().encode(entry.text), true);
        continue;
      }
      let src: number;
      try {
        src = openSync(entry.file, "r");
      } catch (err) {
        throw cannotOpen(entry.file, err);
      }
      try {
        for (;;) {
          const n = readSync(src, buf, 0, buf.length, null);
          if (n === 0) break;
          e.push(buf.slice(0, n), false);
        }
        e.push(new Uint8Array(0), true);
      } finally {
        closeSync(src);
      }
    }
    zip.end();
    if (failed) throw failed;
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, abs);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {}
    try {
      unlinkSync(temp);
    } catch {}
    throw e;
  }
}
