/** Checks that every audio file a session uses is there and unchanged (by sha256), listing all problems at once. */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { SessionProblem } from "@controlroom/engine/session/problems.ts";
import type { AudioRef, Session } from "@controlroom/engine/session/schema.ts";
import { HASH_READ_BYTES, sha256File } from "./hash.ts";

/** Where a reference points, relative paths against the session's folder. */
export function audioPath(baseDir: string, refPath: string): string {
  return isAbsolute(refPath) ? refPath : resolve(baseDir, refPath);
}

/**
 * Finds missing and changed audio.
 * @param session the session.
 * @param baseDir the session file's folder.
 * @param opts.verifyHash compare sha256 of each file with the session's (default true; false only checks presence).
 * @returns one problem per bad file, e.g. `audio.vox: missing file /x/vox.flac (expected sha256 3f…)`.
 */
export async function checkAudioFiles(
  session: Session,
  baseDir: string,
  opts: { verifyHash?: boolean } = {},
): Promise<SessionProblem[]> {
  // A few files at a time (reads overlap on the thread pool, hashing takes turns on this thread): seven 2 MB
  // stems took 40–70 ms one after another, on the path to a render's first block. Bounded, so a session of
  // hundreds of takes does not open and buffer them all at once. Problems keep the session's order.
  const refs = Object.entries(session.audio);
  const found: (SessionProblem | null)[] = refs.map(() => null);
  let next = 0;
  const checker = async () => {
    // One read buffer per checker, reused from file to file.
    const scratch = new Uint8Array(HASH_READ_BYTES);
    for (let i = next++; i < refs.length; i = next++) {
      const [id, ref] = refs[i];
      found[i] = await checkAudioFile(`audio.${id}`, ref, baseDir, opts, scratch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, refs.length) }, checker));
  return found.filter((p): p is SessionProblem => p !== null);
}

/** Files checked at once: libuv's thread pool (its 4 threads read them) is full with these. */
const CHECKS_AT_ONCE = 4;

/** One reference's problem (see checkAudioFiles), or null when its file is there and unchanged. */
async function checkAudioFile(
  at: string,
  ref: AudioRef,
  baseDir: string,
  opts: { verifyHash?: boolean },
  scratch: Uint8Array,
): Promise<SessionProblem | null> {
  const path = audioPath(baseDir, ref.path);
  try {
    const st = await stat(path);
    if (!st.isFile()) return { path: at, message: `${path} is not a file (expected sha256 ${ref.sha256})` };
  } catch {
    return { path: at, message: `missing file ${path} (expected sha256 ${ref.sha256})` };
  }
  if (opts.verifyHash === false) return null;
  const actual = await sha256File(path, scratch);
  if (actual === ref.sha256) return null;
  return { path: at, message: `${path} has changed: sha256 ${actual}, expected ${ref.sha256}` };
}
