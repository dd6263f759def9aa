/** Stem files: names, the text manifest, and the zip of stems (streamed, stored without compression). */

import { rm } from "node:fs/promises";
import { basename } from "node:path";
import type { SessionRenderer, StemInfo } from "@controlroom/engine/render/renderer.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";

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
