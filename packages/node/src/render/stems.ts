/** Stem files: names, the text manifest, and the zip of stems (streamed, stored without compression). */

import { statSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { SessionRenderer, StemInfo } from "@controlroom/engine/render/renderer.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { AudioFileError } from "../files/types.ts";

/** `01-kick.wav`: order, then the track or bus id. */
export function stemFileName(index: number, stem: StemInfo): string {
  return `${String(index + 1).padStart(2, "0")}-${stem.id}.wav`;
}

/** The manifest: what each stem is, where it feeds, and which stems sum to the mix. */
export function stemsManifest(session: Session, r: SessionRenderer, bits: number): string {
  const sr = r.sampleRate;
  const masterInserts = session.master.inserts.map((p) => String(p.type)).join(", ");
  const lines = [
    "Control Room stems",
    `session: ${session.name}`,
    `format: stereo WAV, ${sr} Hz, ${bits === 32 ? "32-bit float" : `${bits}-bit PCM`}`,
    `range: ${(r.startSample / sr).toFixed(6)} s to ${((r.startSample + r.frames) / sr).toFixed(6)} s (${r.frames} frames)`,
    `latency compensated: ${r.latency} samples (removed; stems and mix start together)`,
    `master inserts: ${masterInserts || "none"}; master fader ${session.master.volumeDb} dB is applied to every stem`,
    masterInserts
      ? "the stems feeding master sum to the master's input (the mix before its inserts)"
      : "the stems marked * (those feeding master) sum to the mix",
    "",
    "file\tkind\tname\tfeeds\taudible",
  ];
  for (const [i, st] of r.stems.entries()) {
    const mark = st.feeds === "master" ? "*" : " ";
    lines.push(
      `${mark}${stemFileName(i, st)}\t${st.kind}\t${st.name}\t${st.feeds}\t${st.audible ? "yes" : "no (muted)"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Streams `files` and the manifest into a zip at `zipPath` (atomically: temporary file, fsync, rename), then
 * removes `partsDir` (the folder the stems were rendered into).
 */
export async function writeStemsZip(
  zipPath: string,
  files: readonly string[],
  manifest: string,
  partsDir: string,
): Promise<void> {
  try {
    // Loaded here: a render without a zip of stems does not compile the zip writer (fflate).
    const { writeStoredZip } = await import("../files/zip-file.ts");
    writeStoredZip(zipPath, [
      { name: "manifest.txt", text: manifest },
      ...files.map((file) => ({ name: basename(file), file })),
    ]);
  } finally {
    await rm(partsDir, { recursive: true, force: true });
  }
}

/** Refuses a stems folder path that names something other than a folder, before anything is rendered. */
export function checkStemFolder(folder: string): void {
  const st = statSync(folder, { throwIfNoEntry: false });
  if (st && !st.isDirectory())
    throw new AudioFileError(folder, "is not a folder (stems go into a folder or a .zip)");
}

/**
 * Moves a complete staging folder (every stem and manifest.txt) into place as `folder`. A folder that does not
 * exist yet, or is empty, is replaced in one rename, so a render killed before this leaves no stem folder at all.
 * Into a folder that already holds files, the old manifest goes first, then the stems replace their namesakes
 * one by one and the new manifest comes last: a manifest marks a finished set.
 */
export async function publishStemFolder(staging: string, folder: string): Promise<void> {
  try {
    await rename(staging, folder);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
  }
  await rm(join(folder, "manifest.txt"), { force: true });
  const names = (await readdir(staging)).filter((n) => n !== "manifest.txt");
  for (const n of [...names, "manifest.txt"]) await rename(join(staging, n), join(folder, n));
  await rm(staging, { recursive: true, force: true });
}
