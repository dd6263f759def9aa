/**
 * Repairing and scanning files: read whole, repair in the engine, write atomically (temporary file beside the
 * target, renamed into place only when complete), so a failure or Ctrl-C leaves nothing under the output name.
 */
import {
  type RepairFix,
  type RepairReport,
  repairChannels,
} from "@controlroom/engine/repair/repair-channels.ts";
import { readWholeFile } from "../files/open.ts";
import { AudioFileError, type AudioFileInfo } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { defaultBits } from "../processing/process-file.ts";
import { checkOutputPath } from "./output-path.ts";

/** Longest file repaired: 30 minutes at 192 kHz (it is held in memory). */
export const MAX_REPAIR_FRAMES = 30 * 60 * 192000;

/** Options for `repairFile`. */
export interface RepairFileOptions {
  /** Fixes to make, or "auto" (default) for those the detection finds a need for. */
  fixes?: RepairFix[] | "auto";
  /** Denoise: noise-only stretch [start, end] in seconds. */
  noiseFrom?: [number, number];
  /** Denoise: largest reduction in dB (1 … 40, default 12). */
  amountDb?: number;
  /** Declick sensitivity 0 … 1 (default 0.5). */
  sensitivity?: number;
  /** Output word length; default follows the input. */
  bits?: 16 | 24 | 32;
  /** Replace an existing output file. */
  force?: boolean;
  /** Called with the fraction done, 0 … 1. */
  onProgress?: (fraction: number) => void;
}

/** A repair's report with the files it concerned. */
export interface RepairFileReport extends RepairReport {
  input: string;
  output: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  bits: number;
}

async function readForRepair(path: string): Promise<{ info: AudioFileInfo; channels: Float32Array[] }> {
  const r = await readWholeFile(path, { maxFrames: MAX_REPAIR_FRAMES });
  if (r.channels[0].length === 0) throw new AudioFileError(path, "has no audio (0 samples)");
  return r;
}

/**
 * Reads `inputPath`, repairs it, writes `outputPath` (.wav/.flac) and returns the report.
 * @throws AudioFileError naming the file (unreadable input, output exists, bad extension) or a RangeError
 *   naming the option (noise range outside the file, amount out of range, unknown fix).
 */
export async function repairFile(
  inputPath: string,
  outputPath: string,
  options: RepairFileOptions = {},
): Promise<RepairFileReport> {
  await checkOutputPath(outputPath, { force: options.force, bits: options.bits, inputs: [inputPath] });
  const { info, channels } = await readForRepair(inputPath);
  const duration = channels[0].length / info.sampleRate;
  if (options.noiseFrom) {
    const [a, b] = options.noiseFrom;
    if (!(a >= 0 && b > a && b <= duration)) {
      throw new RangeError(`--noise-from ${a}-${b}: not inside ${inputPath} (0-${duration.toFixed(3)} s)`);
    }
  }
  const result = repairChannels(channels, info.sampleRate, {
    fixes: options.fixes ?? "auto",
    noiseFrom: options.noiseFrom,
    amountDb: options.amountDb,
    sensitivity: options.sensitivity,
    onProgress: options.onProgress,
  });
  const bits = options.bits ?? defaultBits(info, outputPath);
  const writer = await createAudioWriter(outputPath, {
    sampleRate: info.sampleRate,
    channels: info.channels,
    bitDepth: bits,
    ditherSeed: 1,
  });
  try {
    await writer.write(result.channels);
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return {
    input: inputPath,
    output: outputPath,
    sampleRate: info.sampleRate,
    channels: info.channels,
    durationSeconds: duration,
    bits,
    ...result.report,
  };
}
