/** Decodes MP3 bytes with the project's own MP3 reader (through a private temporary file, removed after). */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWholeFile } from "../files/open.ts";

/** Decoded planar audio of an MP3 byte stream. */
export async function readMp3Bytes(
  bytes: Uint8Array,
): Promise<{ sampleRate: number; channels: Float32Array[] }> {
  const dir = await mkdtemp(join(tmpdir(), "controlroom-qc-"));
  try {
    const path = join(dir, "check.mp3");
    await writeFile(path, bytes);
    const { info, channels } = await readWholeFile(path, { maxFrames: 2 ** 31 - 1 });
    return { sampleRate: info.sampleRate, channels };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
