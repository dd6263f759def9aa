/**
 * Sources for the renderer from audio files: each clip gets its own reader (openAudioFile + exact seek), or
 * reads the source's decoded-cache file when the render prepared one (decoded-cache.ts), converted with the
 * engine's resampler when the file's rate differs from the session's.
 */
import { isAbsolute, resolve } from "node:path";
import { ResampledSource } from "@controlroom/engine/render/resampled-source.ts";
import type { AudioSource, SourceProvider } from "@controlroom/engine/render/source.ts";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { openAudioFile } from "../files/open.ts";
import { AudioFileError, type AudioReader } from "../files/types.ts";
import { CachedSource } from "./cached-source.ts";
import type { DecodeAhead } from "./decode-ahead.ts";
import { type CacheFill, CacheFiller } from "./decode-cache-fill.ts";

/** Reads frames from an AudioReader at any position, seeking only when a read does not follow the last. */
export class ReaderSource implements AudioSource {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  /** Frame the reader will return next. */
  private pos = 0;
  /** The reader's last chunk, frames not yet used (readers return what they have, not always what was asked). */
  private carry: Float32Array[] = [];
  private carryStart = 0;
  private carryLen = 0;
  private closed = false;

  /**
   * @param filler receives every chunk the reader hands over (it fills a cache file; see decode-cache-fill.ts).
   */
  constructor(
    private readonly reader: AudioReader,
    frames: number,
    private readonly filler: CacheFiller | null = null,
  ) {
    this.sampleRate = reader.info.sampleRate;
    this.channels = reader.info.channels;
    this.frames = frames;
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    for (const o of out) o.fill(0, 0, frames);
    let a = Math.max(0, start);
    const b = Math.min(start + frames, this.frames);
    while (a < b) {
      // Use buffered frames first.
      if (a >= this.carryStart && a < this.carryStart + this.carryLen) {
        const from = a - this.carryStart;
        const n = Math.min(b - a, this.carryLen - from);
        for (let c = 0; c < out.length; c++) {
          out[c].set(this.carry[Math.min(c, this.channels - 1)].subarray(from, from + n), a - start);
        }
        a += n;
        continue;
      }
      this.carryLen = 0; // about to call the reader: the old chunk may be overwritten
      if (a !== this.pos) {
        await this.reader.seek(a);
        this.pos = a;
      }
      const chunk = await this.reader.read(Math.max(b - a, 4096));
      if (!chunk || chunk[0].length === 0) break; // shorter than its header said: the rest stays silent
      const n = chunk[0].length;
      this.filler?.chunk(this.pos, chunk, n);
      // Kept by reference, not copied: a reader's arrays stay valid until its next call, and the carry is only
      // read before that call (it is replaced right after it).
      this.carry = chunk;
      this.carryStart = this.pos;
      this.carryLen = n;
      this.pos += n;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader.close();
    await this.filler?.close();
  }
}

/** Opens session audio from files, resolving path hints against the session's folder. */
export class FileSourceProvider implements SourceProvider {
  /** Cache files to fill while rendering (audio id → file), each taken by the first open of its id. */
  private fills: Record<string, CacheFill> = {};
  /** Sources another thread decodes just ahead of the render (see decode-ahead.ts). */
  private ahead: DecodeAhead | null = null;

  /**
   * @param baseDir folder relative audio paths are resolved against (the session file's folder).
   * @param cacheFiles audio id → decoded-cache file to read instead of decoding (from
   * `prepareDecodedSources`); an id whose file is missing or does not check out is decoded as usual.
   */
  constructor(
    private readonly baseDir: string,
    private cacheFiles: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * Sources to decode while rendering and write into the cache in passing (`PrepareResult.fills`): the first
   * clip to open one fills its file, and publishes it if it reads the source from start to end.
   */
  setFills(fills: Readonly<Record<string, CacheFill>>): void {
    this.fills = { ...fills };
  }

  /**
   * Sources another thread decodes into their cache files just ahead of the render (decode-ahead.ts): their
   * clips read those files behind it, and decode the source themselves only if that thread gives it up.
   */
  setAhead(ahead: DecodeAhead | null): void {
    this.ahead = ahead;
  }

  /**
   * The decoded-cache files, when they are known only after the provider was made (sources are decoded while
   * the renderers start). Sources opened later use them.
   */
  setCacheFiles(cacheFiles: Readonly<Record<string, string>>): void {
    this.cacheFiles = cacheFiles;
  }

  /** The file a reference points at. */
  pathOf(ref: AudioRef): string {
    return isAbsolute(ref.path) ? ref.path : resolve(this.baseDir, ref.path);
  }

  async open(id: string, ref: AudioRef, sampleRate: number): Promise<AudioSource> {
    const cacheFile = Object.hasOwn(this.cacheFiles, id) ? this.cacheFiles[id] : undefined;
    const cached = cacheFile ? CachedSource.open(cacheFile, ref) : null;
    if (cached) return cached.sampleRate === sampleRate ? cached : new ResampledSource(cached, sampleRate);
    if (ref.sampleRate === sampleRate) {
      const ahead = this.ahead?.source(id, sampleRate, () => this.decoding(id, ref, sampleRate, false));
      if (ahead) return ahead;
    }
    return this.decoding(id, ref, sampleRate, true);
  }

  /** A source decoding the file itself, filling its cache file in passing when `fill` and one is planned. */
  private async decoding(id: string, ref: AudioRef, sampleRate: number, fill: boolean): Promise<AudioSource> {
    const path = this.pathOf(ref);
    // On this thread: a render thread has nothing else to do until the bytes are in (FileSourceOptions).
    const reader = await openAudioFile(path, { syncReads: true });
    const info = reader.info;
    if (info.channels !== ref.channels || info.sampleRate !== ref.sampleRate) {
      await reader.close();
      throw new AudioFileError(
        path,
        `audio "${id}" changed: the session expects ${ref.channels} ch at ${ref.sampleRate} Hz, the file has ${info.channels} ch at ${info.sampleRate} Hz`,
      );
    }
    const planned = fill && Object.hasOwn(this.fills, id) ? this.fills[id] : undefined;
    let filler: CacheFiller | null = null;
    if (planned && info.frames !== null && info.format !== "wav" && info.format !== "rf64") {
      delete this.fills[id];
      filler = new CacheFiller(planned, info.channels, info.sampleRate, info.frames);
    }
    const src = new ReaderSource(reader, info.frames ?? ref.frames, filler);
    return info.sampleRate === sampleRate ? src : new ResampledSource(src, sampleRate);
  }
}
