import { AtomicFile } from "./atomic-file.ts";
import { loadLibFlac } from "./libflac.ts";
import { AudioFileError, type AudioWriter, type AudioWriterOptions } from "./types.ts";
import { buildVorbisComment } from "./vorbis-comment.ts";
import { checkFinite, checkWriteArgs, checkWriterOptions, Quantizer } from "./writer-options.ts";

/** Written into the Vorbis comment block's vendor field. */
const VENDOR = "Control Room";
/** libFLAC compression level (0 fastest … 8 smallest); 5 is flac's own default. */
const COMPRESSION_LEVEL = 5;
/** Frames handed to the encoder per call. */
const BLOCK = 16384;

/**
 * Creates a FLAC writer (16 or 24 bits, TPDF-dithered when reducing word length) with Vorbis-comment tags.
 * Frames come from libFLAC; the metadata (STREAMINFO with length and MD5, then the tags) is written here once
 * the stream is finished, into room reserved at the start of a temporary file that `close()` renames into place.
 */
export async function createFlacWriter(path: string, opts: AudioWriterOptions): Promise<AudioWriter> {
  checkWriterOptions(path, opts, 24);
  let comment: Uint8Array;
  try {
    comment = buildVorbisComment(VENDOR, opts.tags ?? {});
  } catch (e) {
    throw new AudioFileError(path, (e as Error).message);
  }
  if (comment.length >= 1 << 24) throw new AudioFileError(path, "tags too large for a FLAC metadata block");
  const flac = await loadLibFlac();
  const enc = flac.create_libflac_encoder(
    opts.sampleRate,
    opts.channels,
    opts.bitDepth,
    COMPRESSION_LEVEL,
    0,
    false,
    0,
  );
  if (!enc) throw new AudioFileError(path, "FLAC encoder could not be created for these settings");
  const file = await AtomicFile.create(path);
  return new FlacWriter(path, opts, file, enc, comment);
}

class FlacWriter implements AudioWriter {
  private readonly headerBytes: number;
  private pending: Uint8Array[] = [];
  private written = 0;
  private streamInfo: Uint8Array | null = null;
  private readonly quantizer: Quantizer;
  private readonly codes: Int32Array<ArrayBuffer>[];
  private finished = false;
  private inited = false;

  constructor(
    private readonly path: string,
    private readonly opts: AudioWriterOptions,
    private readonly file: AtomicFile,
    private readonly enc: number,
    private readonly comment: Uint8Array,
  ) {
    this.headerBytes = 4 + 4 + 34 + 4 + comment.length;
    this.quantizer = new Quantizer(opts.channels, opts.bitDepth, opts.dither ?? "tpdf", opts.ditherSeed ?? 1);
    this.codes = Array.from({ length: opts.channels }, () => new Int32Array(BLOCK));
  }

  private async init(): Promise<void> {
    const flac = await loadLibFlac();
    const status = flac.init_encoder_stream(
      this.enc,
      (data, n, samples) => {
        // libFLAC's own metadata (samples = 0) is replaced by ours at close.
        if (samples > 0) this.pending.push(data.slice(0, n));
      },
      (meta) => {
        if (meta) this.streamInfo = streamInfoBlock(meta);
      },
    );
    if (status !== 0) throw new AudioFileError(this.path, `FLAC encoder failed to start (status ${status})`);
    this.inited = true;
  }

  async write(channels: readonly Float32Array[], frames?: number): Promise<void> {
    if (this.finished) throw new AudioFileError(this.path, "write after close or abort");
    const n = checkWriteArgs(this.path, this.opts.channels, channels, frames);
    if (!this.inited) await this.init();
    const flac = await loadLibFlac();
    for (let at = 0; at < n; at += BLOCK) {
      const k = Math.min(BLOCK, n - at);
      for (let c = 0; c < this.opts.channels; c++) {
        const x = channels[c].subarray(at, at + k);
        checkFinite(this.path, c, x, k, at);
        this.codes[c].set(this.quantizer.quantize(c, x, k).subarray(0, k));
      }
      const ok = flac.FLAC__stream_encoder_process(
        this.enc,
        this.codes.map((c) => c.subarray(0, k)),
        k,
      );
      if (!ok) {
        throw new AudioFileError(
          this.path,
          `FLAC encoder failed (state ${flac.FLAC__stream_encoder_get_state(this.enc)})`,
        );
      }
      await this.flushPending();
    }
  }

  private async flushPending(): Promise<void> {
    const parts = this.pending;
    this.pending = [];
    for (const p of parts) {
      await this.file.writeAt(p, this.headerBytes + this.written);
      this.written += p.length;
    }
  }

  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const flac = await loadLibFlac();
    try {
      if (!this.inited) await this.init();
      if (!flac.FLAC__stream_encoder_finish(this.enc)) {
        throw new AudioFileError(this.path, "FLAC encoder failed to finish the stream");
      }
      await this.flushPending();
      if (!this.streamInfo) throw new AudioFileError(this.path, "FLAC encoder gave no STREAMINFO");
      const head = new Uint8Array(this.headerBytes);
      head.set([0x66, 0x4c, 0x61, 0x43], 0); // "fLaC"
      head.set(this.streamInfo, 4);
      const c = this.comment.length;
      head.set([0x84, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff], 42); // last block, type 4
      head.set(this.comment, 46);
      await this.file.writeAt(head, 0);
      await this.file.commit();
    } catch (e) {
      await this.file.abort();
      throw e;
    } finally {
      flac.FLAC__stream_encoder_delete(this.enc);
    }
  }

  async abort(): Promise<void> {
    if (this.finished) {
      await this.file.abort();
      return;
    }
    this.finished = true;
    const flac = await loadLibFlac();
    if (this.inited) flac.FLAC__stream_encoder_finish(this.enc);
    flac.FLAC__stream_encoder_delete(this.enc);
    this.pending = [];
    await this.file.abort();
  }
}

interface StreamInfoFields {
  min_blocksize: number;
  max_blocksize: number;
  min_framesize: number;
  max_framesize: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  total_samples: number;
  md5sum: string;
}

/** The STREAMINFO block (header + 34 bytes, not last), from the encoder's final figures. */
function streamInfoBlock(m: StreamInfoFields): Uint8Array {
  const b = new Uint8Array(38);
  b.set([0x00, 0x00, 0x00, 34], 0);
  const s = b.subarray(4);
  s[0] = m.min_blocksize >> 8;
  s[1] = m.min_blocksize & 0xff;
  s[2] = m.max_blocksize >> 8;
  s[3] = m.max_blocksize & 0xff;
  s.set([(m.min_framesize >> 16) & 0xff, (m.min_framesize >> 8) & 0xff, m.min_framesize & 0xff], 4);
  s.set([(m.max_framesize >> 16) & 0xff, (m.max_framesize >> 8) & 0xff, m.max_framesize & 0xff], 7);
  const total = m.total_samples;
  const hi = Math.floor(total / 2 ** 32) & 0x0f;
  const lo = total >>> 0;
  s[10] = (m.sampleRate >> 12) & 0xff;
  s[11] = (m.sampleRate >> 4) & 0xff;
  s[12] = ((m.sampleRate & 0x0f) << 4) | (((m.channels - 1) & 7) << 1) | (((m.bitsPerSample - 1) >> 4) & 1);
  s[13] = (((m.bitsPerSample - 1) & 0x0f) << 4) | hi;
  s[14] = (lo >>> 24) & 0xff;
  s[15] = (lo >>> 16) & 0xff;
  s[16] = (lo >>> 8) & 0xff;
  s[17] = lo & 0xff;
  const md5 = m.md5sum ?? "";
  for (let i = 0; i < 16 && md5.length >= 32; i++)
    s[18 + i] = Number.parseInt(md5.slice(2 * i, 2 * i + 2), 16);
  return b;
}
