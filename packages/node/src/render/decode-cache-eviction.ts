/**
 * Keeping the decoded-audio cache under its size cap: least recently used files go first, files a render is
 * using or writing never, and temporary files a crashed writer left behind are deleted.
 */
import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { DecodeCacheSettings } from "./decode-cache-settings.ts";

/** Temporary files older than this are left over from a crashed writer and are deleted. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Evicts least recently used cache files (oldest mtime first; never those in `keep`) until `need` more bytes
 * fit under the cap; also deletes temporary files a crashed writer left. False when they cannot fit.
 * @param running temporary files being written now → their full size, bytes (counted at that size, not at
 * what they hold so far).
 */
export async function makeRoom(
  settings: DecodeCacheSettings,
  need: number,
  keep: ReadonlySet<string>,
  running: ReadonlyMap<string, number> = new Map(),
): Promise<boolean> {
  const { total: taken, files } = await scanFolder(settings, keep, running);
  let total = taken;
  files.sort((a, b) => a.used - b.used);
  for (const f of files) {
    if (total + need <= settings.maxBytes) break;
    await unlink(f.path).catch(() => {});
    total -= f.size;
  }
  return total + need <= settings.maxBytes;
}

/**
 * True when `need` more bytes fit under the cap as the folder is, without evicting anything (counting
 * `running` as `makeRoom` does); also deletes temporary files a crashed writer left.
 */
export async function hasRoom(
  settings: DecodeCacheSettings,
  need: number,
  running: ReadonlyMap<string, number> = new Map(),
): Promise<boolean> {
  const { total } = await scanFolder(settings, new Set(), running);
  return total + need <= settings.maxBytes;
}

/** Bytes the folder's cache files and temporary files take (plus `running`), and the files that may be evicted. */
async function scanFolder(
  settings: DecodeCacheSettings,
  keep: ReadonlySet<string>,
  running: ReadonlyMap<string, number>,
): Promise<{ total: number; files: { path: string; size: number; used: number }[] }> {
  const files: { path: string; size: number; used: number }[] = [];
  let total = 0;
  for (const n of running.values()) total += n;
  const now = Date.now();
  for (const name of await readdir(settings.dir)) {
    const path = join(settings.dir, name);
    try {
      const st = await stat(path);
      if (!st.isFile()) continue;
      if (name.endsWith(".partial")) {
        if (running.has(path)) continue;
        // Another writer's file in progress counts; one untouched for long is debris.
        if (now - st.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => {});
        else total += st.size;
        continue;
      }
      if (!name.endsWith(".f32")) continue;
      total += st.size;
      if (!keep.has(path)) files.push({ path, size: st.size, used: st.mtimeMs });
    } catch {}
  }
  return { total, files };
}
