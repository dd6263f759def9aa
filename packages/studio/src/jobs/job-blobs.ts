/**
 * The blob store as a job worker sees it: only the folder (no database). Results are written to scratch
 * files under `<root>/tmp` and moved into the content-addressed layout by rename (same file system), so a
 * reader never sees a half-written blob; the `blobs` row is added when the job's result is recorded.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { sha256File } from "@controlroom/node/session/hash.ts";

/** Where blob `sha` lives under `root` (the layout of BlobStore). */
export function blobFile(root: string, sha: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error("blobSha256: not a sha256 digest");
  return join(root, sha.slice(0, 2), sha.slice(2, 4), sha);
}

/** A fresh scratch folder for one job's output, inside the blob root so results can be renamed into place. */
export async function scratchDir(root: string, prefix: string): Promise<string> {
  const dir = join(root, "tmp", `${prefix}-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** A file moved into the blob store. */
export interface JobBlob {
  sha256: string;
  /** Bytes. */
  size: number;
  /** "wav" or "zip". */
  format: string;
}

/** Moves a finished file into the blob store under its sha256 (dropping it when those bytes are already there). */
export async function storeFileAsBlob(root: string, path: string, format: string): Promise<JobBlob> {
  const sha256 = await sha256File(path);
  const { size } = await stat(path);
  const dest = blobFile(root, sha256);
  const exists = await stat(dest).then(
    () => true,
    () => false,
  );
  if (exists) await unlink(path);
  else {
    await mkdir(join(dest, ".."), { recursive: true });
    await rename(path, dest);
  }
  return { sha256, size, format };
}
