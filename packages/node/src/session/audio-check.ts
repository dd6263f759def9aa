/** Checks that every audio file a session uses is there and unchanged (by sha256), listing all problems at once. */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { SessionProblem } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { sha256File } from "./hash.ts";

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
  const problems: SessionProblem[] = [];
  for (const [id, ref] of Object.entries(session.audio)) {
    const path = audioPath(baseDir, ref.path);
    const at = `audio.${id}`;
    try {
      const st = await stat(path);
      if (!st.isFile()) {
        problems.push({ path: at, message: `${path} is not a file (expected sha256 ${ref.sha256})` });
        continue;
      }
    } catch {
      problems.push({ path: at, message: `missing file ${path} (expected sha256 ${ref.sha256})` });
      continue;
    }
    if (opts.verifyHash === false) continue;
    const actual = await sha256File(path);
    if (actual !== ref.sha256) {
      problems.push({
        path: at,
        message: `${path} has changed: sha256 ${actual}, expected ${ref.sha256}`,
      });
    }
  }
  return problems;
}
