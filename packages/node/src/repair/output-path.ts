import { access } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { AudioFileError } from "../files/types.ts";

/**
 * Checks an output path before any work: .wav or .flac, not the input itself, a word length the container
 * holds, and (unless `force`) nothing there yet.
 * @throws AudioFileError naming the path.
 */
export async function checkOutputPath(
  path: string,
  opts: { force?: boolean; bits?: number; inputs: string[] },
): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== ".wav" && ext !== ".flac") {
    throw new AudioFileError(path, `the output must be .wav or .flac, got "${ext || "(no extension)"}"`);
  }
  if (ext === ".flac" && opts.bits === 32) {
    throw new AudioFileError(path, "FLAC holds at most 24 bits; use --bits 24 or .wav");
  }
  if (opts.inputs.some((i) => resolve(i) === resolve(path))) {
    throw new AudioFileError(path, "is also the input; write the result to a new file");
  }
  if (opts.force) return;
  try {
    await access(path);
  } catch {
    return;
  }
  throw new AudioFileError(path, "already exists; not overwriting it (use --force to replace it)");
}
