import type { FileSource } from "./file-source.ts";
import { AudioFileError, type AudioFileInfo, type AudioReader } from "./types.ts";

/** Bytes fed to a decoder per step: small enough to keep memory flat, large enough that awaiting the reads does not
 * show (64 KB left the decoding thread idle a sixth of the time). */
const CHUNK_BYTES = 256 * 1024;
/**
 * The first step's size, and the smallest. A few bytes of FLAC can stand for 65,535 samples of silence (a 30 KB
 * file can hold half an hour), so a step starts small and grows (×4 per step) only while what the last one
 * decoded to stays under {@link STEP_OUTPUT_BYTES}: memory follows what is read, not what the file claims.
 */
const MIN_CHUNK_BYTES = 256;
/**
 * Decoded bytes (float samples, all channels) one step aims to stay under; the FLAC frame decoder holds frames
 * back beyond it (ChunkDecoder `more`). A decoder's output buffers grow to its largest step and every page of
 * them is touched: at 8 MB and no hold-back, a cold render of song1's seven stems faulted in ~50 MB for them
 * (sparse FLAC decodes to 10x its size and more). 512 KB keeps a step in the core's cache while it is used.
 */
export const STEP_OUTPUT_BYTES = 512 * 1024;
/** Decoder complaints kept as warnings (the rest are counted). */
const MAX_WARNINGS = 5;

/** Frames ahead beyond which a forward seek jumps (when the format can) instead of decoding the gap. */
const FAR_FRAMES = 1 << 17;

/** Finds a place to restart decoding at or before `frame`: a byte offset and the frame number found there. */
export type Locate = (frame: number) => Promise<{ byte: number; frame: number } | null>;

/** A streaming decoder fed file bytes in arbitrary chunks. */
export interface ChunkDecoder {
  /**
   * Decodes what it can of `bytes`; returns planar channels (possibly empty) and any error messages. `bytes` is
   * the reader's to reuse once the returned promise settles: a decoder copies what it keeps of them.
   */
  decode(bytes: Uint8Array): Promise<DecodedChunk>;
  /** Decodes what is left at the end of the file. */
  flush(): Promise<DecodedChunk>;
  /** Releases the decoder. */
  free(): void;
}

/** One decoder step's output. */
export interface DecodedChunk {
  /**
   * Planar channels, possibly empty. May be views of the decoder's own memory: the reader uses them before it
   * calls the decoder again.
   */
  channels: Float32Array[];
  /** Error messages from the decoder. */
  errors: string[];
  /** Whole frames held back (the step reached its size): call `decode` again, with no bytes, before feeding more. */
  more?: boolean;
}

const NO_BYTES = new Uint8Array(0);

/**
 * AudioReader over a compressed file: feeds the file to a decoder in chunks (up to CHUNK_BYTES) and hands out
 * frames. Seeking decodes and discards; going backwards reopens the decoder from the start, or — for formats that can
 * locate a frame by its header (`locate`) — from the nearest frame before the target.
 */
export class DecodedReader implements AudioReader {
  private decoder: ChunkDecoder | null = null;
  private filePos = 0;
  private ended = false;
  /**
   * The last decoder step's output (the decoder's own memory, valid until it is called again): frames `head …
   * stepFrames` of it are not handed out yet. Reads within a step are views of it; a read across steps gathers
   * into `carry`. (Copying every step into a queue of our own was every decoded sample copied once more, and the
   * queue's pages — up to 8 MB a source — faulted in.)
   */
  private step: Float32Array[] = [];
  private head = 0;
  private stepFrames = 0;
  /** Per channel, where a read spanning two steps is gathered (as long as the longest such read). */
  private carry: Float32Array[] = [];
  /** The decoder held whole frames back: the next step decodes them before any more bytes are read. */
  private more = false;
  /** Frames handed out or skipped so far. */
  private position = 0;
  private errorCount = 0;
  private closed = false;
  /** Bytes the next decoder step is fed (see MIN_CHUNK_BYTES). */
  private chunkBytes = MIN_CHUNK_BYTES;
  /** File bytes of a step, reused (the decoders copy what they keep): a fresh buffer per read was fresh pages. */
  private readBuf = new Uint8Array(0);

  constructor(
    private readonly src: FileSource,
    readonly info: AudioFileInfo,
    private readonly makeDecoder: () => Promise<ChunkDecoder>,
    /** Byte offset where decoding starts. */
    private readonly startOffset: number,
    /** Optional frame finder for fast seeking. */
    private readonly locate?: Locate,
  ) {
    this.filePos = startOffset;
  }

  async read(maxFrames: number): Promise<Float32Array[] | null> {
    if (this.closed) throw new AudioFileError(this.src.path, "read after close");
    if (!(maxFrames > 0)) throw new RangeError(`read: maxFrames must be positive, got ${maxFrames}`);
    let want = Math.floor(maxFrames);
    if (this.info.frames !== null) want = Math.min(want, this.info.frames - this.position);
    if (want <= 0) return null;
    // Views, valid until the next call (AudioReader.read's contract): of the decoder's step while it holds them
    // all, else of `carry`.
    if (this.queued === 0 && !this.ended) await this.fill();
    if (this.queued >= want) {
      const at = this.head;
      this.take(want);
      return this.step.map((c) => c.subarray(at, at + want));
    }
    const channels = this.info.channels;
    if (this.carry.length !== channels || this.carry[0].length < want) {
      this.carry = Array.from({ length: channels }, () => new Float32Array(want));
    }
    let got = 0;
    while (got < want) {
      if (this.queued === 0) {
        if (this.ended) break;
        await this.fill();
        continue;
      }
      const k = Math.min(want - got, this.queued);
      for (let c = 0; c < channels; c++) {
        this.carry[c].set(this.step[c].subarray(this.head, this.head + k), got);
      }
      this.take(k);
      got += k;
    }
    if (got === 0) return null;
    return this.carry.map((c) => c.subarray(0, got));
  }

  async seek(frame: number): Promise<void> {
    if (this.closed) throw new AudioFileError(this.src.path, "seek after close");
    if (!(Number.isInteger(frame) && frame >= 0)) {
      throw new RangeError(`seek: frame must be a whole number ≥ 0, got ${frame}`);
    }
    const far = frame < this.position || frame - (this.position + this.queued) > FAR_FRAMES;
    if (this.locate && far) {
      const spot = await this.locate(frame);
      if (
        spot &&
        spot.frame <= frame &&
        (frame < this.position || spot.frame > this.position + this.queued)
      ) {
        this.restart(spot.byte, spot.frame);
      }
    }
    if (frame < this.position) this.restart(this.startOffset, 0);
    while (this.position < frame) {
      if (this.queued === 0) {
        if (this.ended) return;
        await this.fill();
        continue;
      }
      this.take(Math.min(frame - this.position, this.queued));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.decoder?.free();
    this.decoder = null;
    this.step = [];
    this.carry = [];
    this.readBuf = new Uint8Array(0);
    await this.src.close();
  }

  /** Starts a fresh decoder at byte `byte`, where frame number `frame` begins. */
  private restart(byte: number, frame: number): void {
    this.decoder?.free();
    this.decoder = null;
    this.filePos = byte;
    this.ended = false;
    this.step = [];
    this.head = 0;
    this.stepFrames = 0;
    this.more = false;
    this.position = frame;
    this.chunkBytes = MIN_CHUNK_BYTES;
  }

  /** Frames of the current step not handed out yet. */
  private get queued(): number {
    return this.stepFrames - this.head;
  }

  /** Hands out (or drops) the next `n` frames of the current step. */
  private take(n: number): void {
    this.head += n;
    this.position += n;
  }

  /**
   * Decodes the next step (the frames the decoder held back, the next chunk of the file, or what it keeps at
   * the end), replacing the current one — which must have been handed out: its memory may be reused.
   */
  private async fill(): Promise<void> {
    if (!this.decoder) this.decoder = await this.makeDecoder();
    this.step = [];
    this.head = 0;
    this.stepFrames = 0;
    let result: DecodedChunk;
    const at = this.filePos;
    try {
      if (this.more) {
        result = await this.decoder.decode(NO_BYTES);
      } else if (this.filePos < this.src.size) {
        if (this.readBuf.length < this.chunkBytes) this.readBuf = new Uint8Array(this.chunkBytes);
        const bytes = await this.src.readAt(this.filePos, this.chunkBytes, this.readBuf);
        this.filePos += bytes.length;
        result = await this.decoder.decode(bytes);
        this.chunkBytes = nextChunkBytes(this.chunkBytes, bytes.length, result.channels);
      } else {
        result = await this.decoder.flush();
        this.ended = true;
      }
      this.more = result.more === true && !this.ended;
    } catch (e) {
      if (e instanceof AudioFileError) throw e;
      // The WebAssembly decoders throw plain errors (even ReferenceErrors) on some corrupt input.
      const msg = String((e as Error)?.message ?? e).split("\n")[0];
      throw new AudioFileError(this.src.path, `corrupt ${this.info.codec} data after byte ${at}: ${msg}`);
    }
    for (const e of result.errors) {
      if (++this.errorCount <= MAX_WARNINGS) this.info.warnings.push(`decoder: ${e}`);
    }
    const got = result.channels[0]?.length ?? 0;
    if (got > 0) {
      if (result.channels.length < this.info.channels) {
        throw new AudioFileError(
          this.src.path,
          `decoder produced ${result.channels.length} channels, header says ${this.info.channels}`,
        );
      }
      this.step = result.channels.slice(0, this.info.channels);
      this.stepFrames = got;
    }
    if (this.ended && this.position + this.queued === 0 && this.src.size > this.startOffset) {
      if (!this.info.warnings.some((w) => w.startsWith("file ends early"))) {
        this.info.warnings.push("no audio could be decoded (corrupt or truncated data)");
      }
    } else if (this.ended && this.info.frames !== null) {
      const total = this.position + this.queued;
      if (total < this.info.frames && !this.info.warnings.some((w) => w.startsWith("file ends early"))) {
        this.info.warnings.push(
          `file ends early: decoded ${total} of ${this.info.frames} frames the header promises (truncated)`,
        );
      }
    }
  }
}

/**
 * The size of the next decoder step: ×4 while the last step's output stays well under STEP_OUTPUT_BYTES,
 * smaller when it decoded to more (scaled by its bytes-out per byte-in), within MIN_CHUNK_BYTES … CHUNK_BYTES;
 * unchanged after a step that decoded nothing.
 */
export function nextChunkBytes(current: number, fed: number, decoded: Float32Array[]): number {
  const out = (decoded[0]?.length ?? 0) * decoded.length * 4;
  // Nothing out yet (decoders hold back the first few KB): no evidence the next step is safe to enlarge.
  if (fed === 0 || out === 0) return current;
  const fits = Math.floor((STEP_OUTPUT_BYTES * fed) / Math.max(out, 1));
  return Math.max(MIN_CHUNK_BYTES, Math.min(CHUNK_BYTES, current * 4, fits));
}

/** What a WebAssembly decoder (mpg123-decoder, @wasm-audio-decoders/*) returns for a chunk. */
export interface WasmDecoded {
  channelData: Float32Array[];
  errors: { message: string }[];
}

/** The part of a WebAssembly decoder's interface the readers use. */
export interface WasmDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): WasmDecoded | Promise<WasmDecoded>;
  free(): void;
}

/**
 * A `ChunkDecoder` over a WebAssembly decoder, once it is ready; its console complaints are silenced and
 * its errors become messages.
 * @param flush the decoder's own end-of-stream call, or null for a decoder that holds nothing back (an
 * empty result then ends the stream).
 */
export async function wasmChunkDecoder(
  d: WasmDecoder,
  flush: (() => WasmDecoded | Promise<WasmDecoded>) | null,
): Promise<ChunkDecoder> {
  await d.ready;
  const wrap = (r: WasmDecoded) => ({ channels: r.channelData, errors: r.errors.map((e) => e.message) });
  return {
    decode: async (bytes) => wrap(await quietly(() => d.decode(bytes))),
    flush: flush ? async () => wrap(await quietly(flush)) : async () => ({ channels: [], errors: [] }),
    free: () => d.free(),
  };
}

/**
 * Runs a decoder call with console.error silenced: the WebAssembly decoders print their complaints there,
 * and we report them as warnings instead.
 */
export async function quietly<T>(f: () => T | Promise<T>): Promise<T> {
  const orig = console.error;
  console.error = () => {};
  let r: T | Promise<T>;
  try {
    r = f(); // the printing happens in the synchronous part; restore before awaiting anything
  } finally {
    console.error = orig;
  }
  return await r;
}
