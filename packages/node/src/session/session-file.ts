/**
 * Session files on disk. Saving is atomic: the JSON goes to a temporary file beside the target, is fsynced,
 * then renamed over the old file (and the folder fsynced), so a crash or kill during a save leaves either the
 * previous version or the new one under the name, never a half-written or empty file.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { writeFileAtomic } from "../files/atomic-file.ts";

/** A loaded session and where it lives. */
export interface LoadedSession {
  session: Session;
  /** Absolute path of the session file. */
  path: string;
  /** Its folder: relative audio paths are resolved against it. */
  dir: string;
}

/**
 * Reads, migrates and checks a session file.
 * @throws SessionError listing every problem (with JSON paths), or naming the file when it cannot be read.
 */
export async function loadSessionFile(path: string): Promise<LoadedSession> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SessionError(
      [{ path: "", message: code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(e)})` }],
      path,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SessionError([{ path: "", message: `not valid JSON: ${(e as Error).message}` }], path);
  }
  return { session: parseSession(json, path), path: abs, dir: dirname(abs) };
}

/** Session JSON as written to disk: two-space indented, ending in a newline. */
export function sessionToText(session: Session): string {
  return `${JSON.stringify(session, null, 2)}\n`;
}

/**
 * Writes a session atomically (temporary file, fsync, rename, fsync of the folder).
 * @param path target file; its folder must exist.
 */
export async function saveSessionFile(path: string, session: Session): Promise<void> {
  await writeFileAtomic(path, sessionToText(session));
}
