/**
 * Checking and cleaning the blob store after a crash. Every write puts bytes in a temporary file under
 * `<root>/tmp` and renames them into place whole, and the `blobs` row is added after the file is in place; so
 * a process killed at any moment can leave (a) temporary files and job scratch folders in `tmp`, and (b) a
 * stored file whose row was never added — never a row without its file, never a half-written blob. The sweep
 * removes (a) and (b) once they are older than a grace period, so uploads and jobs still running (perhaps in
 * another process sharing the folder) are left alone.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Studio } from "../context.ts";

/** What a check of the blob store found. */
export interface BlobStoreCheck {
  /** `blobs` rows whose file is missing (must never happen). */
  rowsWithoutFile: string[];
  /** Files in the blob layout without a `blobs` row (left by a crash between the rename and the row). */
  filesWithoutRow: string[];
  /** Files whose bytes do not hash to their name (a half-written blob; must never happen). Only with `hashes`. */
  corruptFiles: string[];
  /** Entries in `<root>/tmp` (temporary files, job scratch folders). */
  temporary: string[];
}

const SHA = /^[0-9a-f]{64}$/;

/** Every file in the `<aa>/<bb>/<sha256>` layout, with its path and modification time. */
async function storedFiles(root: string): Promise<{ sha: string; path: string; mtimeMs: number }[]> {
  const out: { sha: string; path: string; mtimeMs: number }[] = [];
  const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
  for (const a of await list(root)) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of await list(join(root, a))) {
      for (const name of await list(join(root, a, b))) {
        const path = join(root, a, b, name);
        const st = await stat(path).catch(() => null);
        if (st?.isFile()) out.push({ sha: name, path, mtimeMs: st.mtimeMs });
      }
    }
  }
  return out;
}

async function sha256Of(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * Compares the blob folder with the `blobs` table.
 * @param hashes also re-hash every stored file (reads all of them: for tests and audits).
 */
export async function checkBlobStore(s: Studio, hashes = false): Promise<BlobStoreCheck> {
  if (!s.blobs) throw new Error("no blob store configured");
  const root = s.blobs.root;
  const rows = new Set((await s.db.selectFrom("blobs").select("sha256").execute()).map((r) => r.sha256));
  const files = await storedFiles(root);
  const onDisk = new Set(files.map((f) => f.sha));
  const corruptFiles: string[] = [];
  if (hashes)
    for (const f of files)
      if (!SHA.test(f.sha) || (await sha256Of(f.path)) !== f.sha) corruptFiles.push(f.path);
  return {
    rowsWithoutFile: [...rows].filter((sha) => !onDisk.has(sha)),
    filesWithoutRow: files.filter((f) => !rows.has(f.sha)).map((f) => f.path),
    corruptFiles,
    temporary: (await readdir(join(root, "tmp")).catch(() => [] as string[])).map((n) =>
      join(root, "tmp", n),
    ),
  };
}

/** What a sweep removed. */
export interface BlobSweep {
  temporaryRemoved: number;
  orphansRemoved: number;
}

/**
 * Removes temporary files, job scratch folders and files without a `blobs` row that are older than
 * `graceMs` (default 1 hour; a crash's leftovers, not work in progress).
 * @param now the clock, ms since the epoch (tests pass their own).
 */
export async function sweepBlobStore(
  s: Studio,
  opts: { graceMs?: number; now?: number } = {},
): Promise<BlobSweep> {
  if (!s.blobs) return { temporaryRemoved: 0, orphansRemoved: 0 };
  const before = (opts.now ?? Date.now()) - (opts.graceMs ?? 3600_000);
  const root = s.blobs.root;
  let temporaryRemoved = 0;
  for (const name of await readdir(join(root, "tmp")).catch(() => [] as string[])) {
    const p = join(root, "tmp", name);
    const st = await stat(p).catch(() => null);
    if (!st || st.mtimeMs > before) continue;
    await rm(p, { recursive: true, force: true });
    temporaryRemoved++;
  }
  const rows = new Set((await s.db.selectFrom("blobs").select("sha256").execute()).map((r) => r.sha256));
  let orphansRemoved = 0;
  for (const f of await storedFiles(root)) {
    if (rows.has(f.sha) || f.mtimeMs > before) continue;
    // Checked again just before removing: an upload may have added its row meanwhile.
    const row = await s.db
      .selectFrom("blobs")
      .select("sha256")
      .where("sha256", "=", f.sha)
      .executeTakeFirst();
    if (row) continue;
    await rm(f.path, { force: true });
    orphansRemoved++;
  }
  return { temporaryRemoved, orphansRemoved };
}
