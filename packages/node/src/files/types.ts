/**
 * The contracts every audio file reader and writer in Control Room follows.
 * Readers stream: they never need the whole file in memory.
 */

/** Broadcast Wave `bext` chunk fields (EBU Tech 3285). */
export interface BextMetadata {
  /** Free text, up to 256 ASCII characters. */
  description?: string;
  /** Name of the originator (person or organisation), up to 32 characters. */
  originator?: string;
  /** Reference of the originator, up to 32 characters. */
  originatorReference?: string;
  /** Date of creation, `yyyy-mm-dd`. */
  originationDate?: string;
  /** Time of creation, `hh:mm:ss`. */
  originationTime?: string;
  /** Sample count since midnight of the first sample (the BWF time reference), in samples. */
  timeReference?: number;
  /** BWF version number. */
  version?: number;
  /** Coding history text. */
  codingHistory?: string;
}

/** What a file is, as learned from its header. */
export interface AudioFileInfo {
  /** Path as given by the caller. */
  path: string;
  /** Container: `wav` (RIFF), `rf64`, `flac`, `mp3`, `ogg`. */
  format: "wav" | "rf64" | "flac" | "mp3" | "ogg";
  /** Human-readable codec, e.g. `pcm_s24le`, `pcm_f32le`, `pcm_u8`, `flac`, `mp3`, `vorbis`. */
  codec: string;
  /** Samples per second per channel, in Hz. */
  sampleRate: number;
  /** Number of channels (1 … 64). */
  channels: number;
  /** Stored bits per sample (8, 16, 24, 32, 64), or null for lossy codecs. */
  bitDepth: number | null;
  /** Integer PCM, IEEE float, or a lossy codec. */
  sampleFormat: "int" | "float" | "lossy";
  /** Total frames (samples per channel), or null when the header does not say (streamed WAV, some MP3s). */
  frames: number | null;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask, when the file has one. */
  channelMask?: number;
  /** Metadata kept from the file. */
  metadata: {
    bext?: BextMetadata;
    /** The raw iXML document. */
    ixml?: string;
    /** Vorbis comments / ID3 text tags, lower-case keys. */
    tags?: Record<string, string>;
  };
  /** Readable oddities found while parsing, one sentence each (the file is still read). */
  warnings: string[];
}

/** A streaming reader over one audio file. */
export interface AudioReader {
  readonly info: AudioFileInfo;
  /**
   * Reads up to `maxFrames` frames as planar float channels (full scale = ±1.0).
   * Returns null at the end of the file. The returned arrays may be reused by the next call:
   * copy what must be kept.
   */
  read(maxFrames: number): Promise<Float32Array[] | null>;
  /**
   * Where a format can: decodes up to `out[0].length` frames straight into the caller's arrays (one per
   * channel, e.g. views of shared memory for workers) and returns how many, 0 at the end of the file.
   */
  readInto?(out: Float32Array[]): Promise<number>;
  /**
   * Moves the read position to `frame` (0-based, in frames). Exact for every format: WAV seeks directly;
   * compressed formats may decode and discard (reopening to go backwards). Seeking past the end makes the
   * next `read` return null.
   */
  seek(frame: number): Promise<void>;
  /** Releases the file handle. Safe to call twice. */
  close(): Promise<void>;
}

/** How to write a file. */
export interface AudioWriterOptions {
  sampleRate: number;
  channels: number;
  /** 16 or 24 (integer PCM, TPDF-dithered when reducing word length) or 32 (IEEE float for WAV; FLAC max 24). */
  bitDepth: 16 | 24 | 32;
  /** Container, default from the file extension. */
  format?: "wav" | "flac";
  /**
   * Dither when reducing word length to 16/24-bit; default `tpdf`. `shaped` adds noise shaping that moves the
   * noise out of 1–5 kHz (for 16-bit masters at 44.1/48 kHz); `none` rounds.
   */
  dither?: "tpdf" | "shaped" | "none";
  /** Seed for the dither noise so renders are reproducible. */
  ditherSeed?: number;
  /** BWF metadata (WAV only). */
  bext?: BextMetadata;
  /** iXML document to embed (WAV only). */
  ixml?: string;
  /** Text tags (FLAC Vorbis comments). */
  tags?: Record<string, string>;
}

/**
 * A streaming writer. Data goes to a temporary file beside the target; `close()` finalises headers,
 * fsyncs and renames it to the final name, so a crash or kill never leaves a half-written file there.
 */
export interface AudioWriter {
  /** Appends planar float frames (full scale = ±1.0); values beyond ±1 are clipped for integer formats. */
  write(channels: readonly Float32Array[], frames?: number): Promise<void>;
  /** Finishes the file and moves it into place. */
  close(): Promise<void>;
  /** Abandons the file: removes the temporary file, leaves nothing under the final name. */
  abort(): Promise<void>;
}

/** One clear, single-line problem with a file. The CLI prints `file: message` without a stack trace. */
export class AudioFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "AudioFileError";
  }
  /** `path: problem`, the line the CLI prints. */
  override toString(): string {
    return `${this.file}: ${this.message}`;
  }
}
