/** Creating audio files: WAV (RIFF, RF64 past 4 GiB) or FLAC, chosen by option or file extension. */
import { extname } from "node:path";
import { createFlacWriter } from "./flac-writer.ts";
import { AudioFileError, type AudioWriter, type AudioWriterOptions } from "./types.ts";
import { createWavWriter } from "./wav-writer.ts";

/**
 * Opens a streaming writer. The file appears under `path` only when `close()` succeeds.
 * @param path target file; `.wav` or `.flac` decides the format unless `opts.format` is given.
 * @param opts rate, channels, bit depth (16/24 PCM, 32 float for WAV), dither, metadata.
 * @throws AudioFileError for an unknown extension, bad options or a folder that cannot be written.
 */
export async function createAudioWriter(path: string, opts: AudioWriterOptions): Promise<AudioWriter> {
  const ext = extname(path).toLowerCase();
  const format = opts.format ?? (ext === ".wav" || ext === ".wave" ? "wav" : ext === ".flac" ? "flac" : null);
  if (format === "wav") return createWavWriter(path, opts);
  if (format === "flac") return createFlacWriter(path, opts);
  if (opts.format !== undefined) {
    throw new AudioFileError(
      path,
      `unknown output format ${JSON.stringify(opts.format)} (use "wav" or "flac")`,
    );
  }
  throw new AudioFileError(
    path,
    `cannot tell the output format from the extension "${ext || "(none)"}"; use .wav or .flac, or set format`,
  );
}

/**
 * Closes `writers` together (their fsyncs overlap on the thread pool); once every close has settled, throws the
 * first failure in their order, if any.
 */
export async function closeWriters(writers: readonly AudioWriter[]): Promise<void> {
  const done = await Promise.allSettled(writers.map((w) => w.close()));
  const failed = done.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}
