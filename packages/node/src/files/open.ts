/**
 * Opening audio files for reading. The format is recognised from the content (magic bytes), never the
 * file name: RIFF/WAVE, RF64/BW64, FLAC, Ogg Vorbis and MP3.
 */
import { FileSource, type FileSourceOptions } from "./file-source.ts";
import { SNIFF_BYTES, sniff } from "./sniff.ts";
import { AudioFileError, type AudioFileInfo, type AudioReader } from "./types.ts";
import { WavReader } from "./wav-reader.ts";

// The decoders are WebAssembly modules that take tens of milliseconds each to load: every process (the CLI,
// each worker) loads a reader only when it first opens a file of its format. Each import is made once.
let flacReader: Promise<typeof import("./flac-reader.ts")> | undefined;
let mp3Reader: Promise<typeof import("./mp3-reader.ts")> | undefined;
let oggReader: Promise<typeof import("./ogg-reader.ts")> | undefined;
const loadFlac = () => (flacReader ??= import("./flac-reader.ts"));
const loadMp3 = () => (mp3Reader ??= import("./mp3-reader.ts"));
const loadOgg = () => (oggReader ??= import("./ogg-reader.ts"));

/**
 * Opens an audio file for streaming reads.
 * @param path file to read; its content decides the format.
 * @param options how the file is read (FileSourceOptions: on the calling thread or on the pool).
 * @throws AudioFileError (one line, naming the file) when it is missing, not audio, truncated or unsupported.
 */
export async function openAudioFile(path: string, options: FileSourceOptions = {}): Promise<AudioReader> {
  const src = await FileSource.open(path, options);
  try {
    const kind = sniff(await src.readAt(0, SNIFF_BYTES));
    if ("notAudio" in kind) throw new AudioFileError(path, kind.notAudio);
    switch (kind.audio) {
      case "wav":
      case "rf64":
        return await WavReader.open(src, kind.audio);
      case "flac":
        return await (await loadFlac()).openFlac(src);
      case "ogg":
        return await (await loadOgg()).openOggVorbis(src);
      case "mp3": {
        const flacAt = await flacBehindId3(src);
        return flacAt > 0
          ? await (await loadFlac()).openFlac(src, flacAt)
          : await (await loadMp3()).openMp3(src);
      }
    }
  } catch (e) {
    await src.close();
    if (e instanceof AudioFileError) throw e;
    throw new AudioFileError(path, `cannot read: ${(e as Error)?.message ?? e}`);
  }
}

/**
 * Reads only the header of an audio file.
 * @param path file to inspect.
 * @returns format, codec, rate, channels, depth, length (null when the header does not say) and metadata.
 */
export async function probeAudioFile(path: string): Promise<AudioFileInfo> {
  const r = await openAudioFile(path);
  const info = r.info;
  await r.close();
  return info;
}

/**
 * Reads a short file completely (an impulse response, a sample), as planar float channels.
 * @param path file to read.
 * @param opts.maxFrames the longest file accepted, in frames; longer files are an AudioFileError.
 */
export async function readWholeFile(
  path: string,
  opts: { maxFrames: number },
): Promise<{ info: AudioFileInfo; channels: Float32Array[] }> {
  const { maxFrames } = opts;
  if (!(Number.isInteger(maxFrames) && maxFrames > 0)) {
    throw new RangeError(`readWholeFile: maxFrames must be a whole number > 0, got ${maxFrames}`);
  }
  const r = await openAudioFile(path);
  try {
    const { info } = r;
    const tooLong = (n: number | string) =>
      new AudioFileError(
        path,
        `too long: ${n} frames (${seconds(n, info.sampleRate)}), at most ${maxFrames} (${seconds(maxFrames, info.sampleRate)}) accepted here`,
      );
    if (info.frames !== null && info.frames > maxFrames) throw tooLong(info.frames);
    // A WAV's length is its data size, checked against the file; a compressed file's header can claim any
    // length, so its buffers start at most a few MB and grow with what really decodes.
    const trusted = info.format === "wav" || info.format === "rf64";
    let cap = Math.min(maxFrames, trusted ? (info.frames ?? 65536) : Math.min(info.frames ?? 65536, 1 << 18));
    let out = Array.from({ length: info.channels }, () => new Float32Array(cap));
    let n = 0;
    for (;;) {
      // Ask for one frame more than allowed so an over-long file without a length in its header is caught.
      const block = await r.read(Math.min(65536, maxFrames + 1 - n));
      if (!block) break;
      const k = block[0].length;
      if (n + k > maxFrames) throw tooLong(`more than ${maxFrames}`);
      if (n + k > cap) {
        cap = Math.min(maxFrames, Math.max(cap * 2, n + k));
        out = out.map((c) => {
          const g = new Float32Array(cap);
          g.set(c.subarray(0, n));
          return g;
        });
      }
      for (let c = 0; c < info.channels; c++) out[c].set(block[c], n);
      n += k;
    }
    return { info, channels: out.map((c) => (c.length === n ? c : c.slice(0, n))) };
  } finally {
    await r.close();
  }
}

/** Offset of a "fLaC" stream right after a leading ID3v2 tag (some taggers add one), or 0. */
async function flacBehindId3(src: FileSource): Promise<number> {
  const h = await src.readAt(0, 10);
  if (h.length < 10 || h[0] !== 0x49 || h[1] !== 0x44 || h[2] !== 0x33) return 0;
  const size =
    10 +
    (((h[6] & 0x7f) << 21) | ((h[7] & 0x7f) << 14) | ((h[8] & 0x7f) << 7) | (h[9] & 0x7f)) +
    (h[5] & 0x10 ? 10 : 0);
  const m = await src.readAt(size, 4);
  return m.length === 4 && String.fromCharCode(...m) === "fLaC" ? size : 0;
}

function seconds(n: number | string, rate: number): string {
  return typeof n === "number" ? `${(n / rate).toFixed(2)} s` : "unknown length";
}
