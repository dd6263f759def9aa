import { type AnalysisReport, Analyzer } from "@controlroom/engine";
import { openAudioFile } from "../files/open.ts";
import type { AudioFileInfo } from "../files/types.ts";

/** A file's header facts and its full analysis. */
export interface FileAnalysis {
  info: AudioFileInfo;
  report: AnalysisReport;
}

export interface AnalyzeFileOptions {
  /** Frames read per block (default 65 536). Results do not depend on it. */
  blockFrames?: number;
  /** Called after each block with the audio seconds done and the total (null when unknown). */
  onProgress?: (doneSeconds: number, totalSeconds: number | null) => void;
}

/** Streams a file through the engine's Analyzer; memory does not grow with the file's length. */
export async function analyzeFile(path: string, opts: AnalyzeFileOptions = {}): Promise<FileAnalysis> {
  const reader = await openAudioFile(path);
  try {
    const { info } = reader;
    const analyzer = new Analyzer({
      sampleRate: info.sampleRate,
      channels: info.channels,
      channelMask: info.channelMask,
      bitDepth: info.sampleFormat === "int" ? info.bitDepth : null,
    });
    const block = opts.blockFrames ?? 65536;
    const total = info.frames === null ? null : info.frames / info.sampleRate;
    let done = 0;
    for (;;) {
      const chunk = await reader.read(block);
      if (!chunk) break;
      const frames = chunk[0].length;
      analyzer.process(chunk, frames);
      done += frames;
      opts.onProgress?.(done / info.sampleRate, total);
    }
    return { info, report: analyzer.finish() };
  } finally {
    await reader.close();
  }
}
