import type { FileSource } from "./file-source.ts";
import { decodePcm, PCM_CODEC } from "./pcm.ts";
import { parseWavLayout, type WavLayout } from "./riff-chunks.ts";
import { AudioFileError, type AudioFileInfo, type AudioReader } from "./types.ts";

/** Frames decoded per file read when the caller asks for more; bounds the byte buffer. */
const MAX_FRAMES_PER_READ = 1 << 16;

/** Header facts of a WAV/RF64 file as AudioFileInfo. */
export function wavInfo(path: string, l: WavLayout): AudioFileInfo {
  return {
    path,
    format: l.format,
    codec: PCM_CODEC[l.encoding],
    sampleRate: l.sampleRate,
    channels: l.channels,
    bitDepth: l.bitDepth,
    sampleFormat: l.encoding === "f32" || l.encoding === "f64" ? "float" : "int",
    frames: l.framesKnown ? l.frames : null,
    ...(l.channelMask !== undefined ? { channelMask: l.channelMask } : {}),
    metadata: {
      ...(l.bext ? { bext: l.bext } : {}),
      ...(l.ixml !== undefined ? { ixml: l.ixml } : {}),
      ...(l.tags ? { tags: l.tags } : {}),
    },
    warnings: l.warnings,
  };
}

/** Streaming reader of PCM/float WAV and RF64: reads straight from the data chunk, seeks directly. */
export class WavReader implements AudioReader {
  readonly info: AudioFileInfo;
  private position = 0;
  private bytes = new Uint8Array(0);
  private out: Float32Array[] = [];
  private closed = false;

  private constructor(
    private readonly src: FileSource,
    private readonly layout: WavLayout,
  ) {
    this.info = wavInfo(src.path, layout);
  }

  /** Parses the header of an opened WAV/RF64 file. */
  static async open(src: FileSource, container: "wav" | "rf64"): Promise<WavReader> {
    return new WavReader(src, await parseWavLayout(src, container));
  }

  async read(maxFrames: number): Promise<Float32Array[] | null> {
    if (this.closed) throw new AudioFileError(this.src.path, "read after close");
    if (!(maxFrames > 0)) throw new RangeError(`read: maxFrames must be positive, got ${maxFrames}`);
    const l = this.layout;
    const want = Math.min(Math.floor(maxFrames), l.frames - this.position);
    if (want <= 0) return null;
    if (this.out.length === 0 || this.out[0].length < want) {
      this.out = Array.from({ length: l.channels }, () => new Float32Array(want));
    }
    const done = await this.decodeInto(this.out, want);
    if (done === 0) return null;
    return this.out.map((o) => (o.length === done ? o : o.subarray(0, done)));
  }

  async readInto(out: Float32Array[]): Promise<number> {
    if (this.closed) throw new AudioFileError(this.src.path, "read after close");
    if (out.length !== this.layout.channels) {
      throw new RangeError(`readInto: expected ${this.layout.channels} arrays, got ${out.length}`);
    }
    return this.decodeInto(out, Math.min(out[0].length, this.layout.frames - this.position));
  }

  /** Decodes up to `want` frames at the read position into `out`, advancing it; returns the frames. */
  private async decodeInto(out: Float32Array[], want: number): Promise<number> {
    const l = this.layout;
    if (want <= 0) return 0;
    let done = 0;
    while (done < want) {
      const n = Math.min(want - done, MAX_FRAMES_PER_READ);
      const nb = n * l.blockAlign;
      if (this.bytes.length < nb) this.bytes = new Uint8Array(nb);
      const got = await this.src.readAt(l.dataOffset + (this.position + done) * l.blockAlign, nb, this.bytes);
      const frames = Math.floor(got.length / l.blockAlign);
      if (frames === 0) break; // file shrank underneath us
      decodePcm(
        l.encoding,
        got,
        out.map((o) => o.subarray(done)),
        frames,
      );
      done += frames;
      if (frames < n) break;
    }
    this.position += done;
    return done;
  }

  async seek(frame: number): Promise<void> {
    if (!(Number.isInteger(frame) && frame >= 0)) {
      throw new RangeError(`seek: frame must be a whole number ≥ 0, got ${frame}`);
    }
    this.position = Math.min(frame, this.layout.frames);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.src.close();
  }
}
