/** Aligning one recording of a source to another (polarity and delay) and writing it atomically. */
import { alignRecordings } from "@controlroom/engine/repair/align.ts";
import { readWholeFile } from "../files/open.ts";
import { AudioFileError } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { defaultBits } from "../processing/process-file.ts";
import { checkOutputPath } from "./output-path.ts";
import { MAX_REPAIR_FRAMES } from "./repair-file.ts";

/** What aligning found and wrote. */
export interface AlignFileReport {
  reference: string;
  other: string;
  output: string;
  sampleRate: number;
  /** How late `other` was against `reference`, samples (fractional). */
  delaySamples: number;
  /** The same in milliseconds. */
  delayMs: number;
  /** `other` was inverted (and has been put back the right way). */
  inverted: boolean;
  /** Normalised correlation after alignment, 0 … 1. */
  correlation: number;
}

/**
 * Finds the delay and polarity of `otherPath` against `referencePath` and writes `otherPath` aligned.
 * @throws AudioFileError for unreadable files, different sample rates, or an existing output without `force`.
 */
export async function alignFiles(
  referencePath: string,
  otherPath: string,
  outputPath: string,
  options: { force?: boolean; bits?: 16 | 24 | 32 } = {},
): Promise<AlignFileReport> {
  await checkOutputPath(outputPath, {
    force: options.force,
    bits: options.bits,
    inputs: [referencePath, otherPath],
  });
  const ref = await readWholeFile(referencePath, { maxFrames: MAX_REPAIR_FRAMES });
  const other = await readWholeFile(otherPath, { maxFrames: MAX_REPAIR_FRAMES });
  if (ref.info.sampleRate !== other.info.sampleRate) {
    throw new AudioFileError(
      otherPath,
      `sample rate ${other.info.sampleRate} Hz differs from the reference's ${ref.info.sampleRate} Hz`,
    );
  }
  if (other.channels[0].length === 0) throw new AudioFileError(otherPath, "has no audio (0 samples)");
  if (ref.channels[0].length === 0) throw new AudioFileError(referencePath, "has no audio (0 samples)");
  const r = alignRecordings(ref.channels, other.channels, ref.info.sampleRate);
  const writer = await createAudioWriter(outputPath, {
    sampleRate: other.info.sampleRate,
    channels: other.info.channels,
    bitDepth: options.bits ?? defaultBits(other.info, outputPath),
    ditherSeed: 1,
  });
  try {
    await writer.write(r.aligned);
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return {
    reference: referencePath,
    other: otherPath,
    output: outputPath,
    sampleRate: ref.info.sampleRate,
    delaySamples: r.delaySamples,
    delayMs: r.delayMs,
    inverted: r.inverted,
    correlation: Math.round(r.correlation * 10000) / 10000,
  };
}
