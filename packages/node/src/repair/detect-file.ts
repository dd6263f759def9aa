/**
 * Scanning a file for every problem the repair tools know, in bounded memory: a file that fits in one chunk
 * (a minute by default) is read whole and scanned by `detectProblems`, as before; a longer one (or one whose
 * header does not give its length) is read twice, in order, by `ChunkedDetection` — a measuring pass, then
 * chunks with margins, the margins kept from one chunk to the next rather than read again (a compressed
 * file cannot seek back cheaply). Memory: a chunk and its margins per channel plus the detector's work on it
 * (see README, repair).
 */
import type { ProblemReport } from "@controlroom/engine/repair/detect.ts";
import { detectProblems } from "@controlroom/engine/repair/detect.ts";
import { ChunkedDetection } from "@controlroom/engine/repair/detect-chunked.ts";
import { openAudioFile, readWholeFile } from "../files/open.ts";
import { AudioFileError } from "../files/types.ts";
import { MAX_REPAIR_FRAMES } from "./repair-file.ts";

/** Options for `detectFile`. */
export interface DetectFileOptions {
  /** Click sensitivity 0 … 1 (default 0.5). */
  sensitivity?: number;
  /** Called with the fraction done, 0 … 1. */
  onProgress?: (fraction: number) => void;
  /** Core length of a chunk, s (default 60, at most 60 s at 48 kHz in samples). */
  chunkSeconds?: number;
}

/** Share of the work the measuring pass takes (it only sums; the scan finds clicks). */
const MEASURE_SHARE = 0.05;

/** Frames read at a time. */
const READ_FRAMES = 65536;

/** Scans a file for every problem the repair tools know. */
export async function detectFile(
  inputPath: string,
  options: DetectFileOptions = {},
): Promise<ProblemReport & { input: string }> {
  const progress = options.onProgress ?? (() => {});
  const r = await openAudioFile(inputPath);
  try {
    const { info } = r;
    const d = new ChunkedDetection(info.sampleRate, info.channels, {
      sensitivity: options.sensitivity,
      chunkSeconds: options.chunkSeconds,
      onProgress: (f) => progress(MEASURE_SHARE + (1 - MEASURE_SHARE) * f),
    });
    const empty = () => new AudioFileError(inputPath, "has no audio (0 samples)");
    if (info.frames !== null && info.frames <= d.chunkFrames) {
      // Fits in one chunk: read whole and scanned as always (the same report as before chunking).
      await r.close();
      const { channels } = await readWholeFile(inputPath, { maxFrames: MAX_REPAIR_FRAMES });
      if (channels[0].length === 0) throw empty();
      return {
        input: inputPath,
        ...detectProblems(channels, info.sampleRate, {
          sensitivity: options.sensitivity,
          onProgress: progress,
        }),
      };
    }
    let measured = 0;
    for (;;) {
      const block = await r.read(READ_FRAMES);
      if (!block) break;
      d.measure(block);
      measured += block[0].length;
      if (info.frames) progress((MEASURE_SHARE * measured) / info.frames);
    }
    if (measured === 0) throw empty();
    const chunks = d.chunks();
    await r.seek(0);
    const longest = Math.max(...chunks.map((c) => c.end - c.start));
    const buffers = Array.from({ length: info.channels }, () => new Float32Array(longest));
    let bufStart = 0;
    let bufLength = 0;
    for (const chunk of chunks) {
      // Keep the overlap with the last chunk, read the rest.
      const drop = chunk.start - bufStart;
      if (drop > 0) {
        for (const b of buffers) b.copyWithin(0, drop, bufLength);
        bufLength -= drop;
        bufStart = chunk.start;
      }
      while (bufStart + bufLength < chunk.end) {
        const block = await r.read(Math.min(READ_FRAMES, chunk.end - bufStart - bufLength));
        if (!block || block[0].length === 0)
          throw new AudioFileError(inputPath, `changed while being read (ended at ${bufStart + bufLength})`);
        for (let c = 0; c < buffers.length; c++) buffers[c].set(block[c], bufLength);
        bufLength += block[0].length;
      }
      d.scan(
        chunk,
        buffers.map((b) => b.subarray(0, chunk.end - chunk.start)),
      );
    }
    return { input: inputPath, ...d.finish() };
  } finally {
    await r.close();
  }
}
