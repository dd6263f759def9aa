/** Content hashes of audio files: the identity a session keeps for each file. */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

/** Bytes read per step when hashing (a scratch buffer of this size serves `sha256File`). */
export const HASH_READ_BYTES = 1 << 20;

/**
 * sha256 of a file's bytes, 64 lower-case hex digits, read in 1 MB steps (memory does not grow with the file).
 * @param scratch a buffer to read into (any size ≥ 64 KB), for callers hashing many files: one buffer reused
 *   instead of a fresh one per step. A read stream's new buffer per megabyte was fresh pages to fault in and
 *   copy (hashing song1's seven stems: 70 → 35 ms before a render's first block). Not shared between calls
 *   running at the same time.
 */
export async function sha256File(path: string, scratch?: Uint8Array): Promise<string> {
  const buf = scratch && scratch.length >= 1 << 16 ? scratch : new Uint8Array(HASH_READ_BYTES);
  const h = createHash("sha256");
  const file = await open(path, "r");
  try {
    for (let at = 0; ; ) {
      const { bytesRead } = await file.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await file.close();
  }
  return h.digest("hex");
}
