/**
 * Where the renderer's audio comes from. The engine reads no files: the host (the Node package) implements
 * `SourceProvider` over its file readers; tests use `MemorySource`.
 */
import type { AudioRef } from "../session/schema.ts";

/** Random-access audio at the session's sample rate (the provider converts other rates). */
export interface AudioSource {
  /** Sample rate in Hz (the session's). */
  readonly sampleRate: number;
  /** Channels (1 … 64). */
  readonly channels: number;
  /** Length in frames. */
  readonly frames: number;
  /**
   * Reads frames `start … start + frames` into `out[c][0 … frames)` for each channel; frames outside the
   * source (negative or past the end) are zeros. Sequential reads must be cheap; jumps may seek.
   */
  read(start: number, frames: number, out: Float32Array[]): Promise<void>;
  /** Releases the source. Safe to call twice. */
  close(): Promise<void>;
}

/** Opens sources for the session's audio references. */
export interface SourceProvider {
  /**
   * Opens audio `id` (a key of the session's `audio`) for reading at `sampleRate` Hz. Every call gives an
   * independent reader, since several clips of one file can play at once.
   */
  open(id: string, ref: AudioRef, sampleRate: number): Promise<AudioSource>;
}

/** A source over channels held in memory (tests, generated audio). */
export class MemorySource implements AudioSource {
  readonly channels: number;
  readonly frames: number;
  constructor(
    private readonly data: readonly Float32Array[],
    readonly sampleRate: number,
  ) {
    this.channels = data.length;
    this.frames = data[0]?.length ?? 0;
  }

  async read(start: number, frames: number, out: Float32Array[]): Promise<void> {
    copyFrames(this.data, this.frames, start, frames, out);
  }

  async close(): Promise<void> {}
}

/** Provides MemorySources from a map of audio id → channels. */
export class MemoryProvider implements SourceProvider {
  constructor(private readonly audio: Record<string, readonly Float32Array[]>) {}

  async open(id: string, ref: AudioRef, sampleRate: number): Promise<AudioSource> {
    const data = this.audio[id];
    if (!data) throw new Error(`audio "${id}" (${ref.path}) is not loaded`);
    if (ref.sampleRate !== sampleRate) {
      throw new Error(`audio "${id}" is at ${ref.sampleRate} Hz; MemoryProvider does not convert rates`);
    }
    return new MemorySource(data, sampleRate);
  }
}

/** Copies `frames` frames from `start` of `data` (length `length`) into `out`, zero outside. */
export function copyFrames(
  data: readonly Float32Array[],
  length: number,
  start: number,
  frames: number,
  out: Float32Array[],
): void {
  const a = Math.max(0, Math.min(frames, -start));
  const b = Math.max(a, Math.min(frames, length - start));
  for (let c = 0; c < out.length; c++) {
    const o = out[c];
    const d = data[c];
    if (a > 0) o.fill(0, 0, a);
    if (b > a) o.set(d.subarray(start + a, start + b), a);
    if (frames > b) o.fill(0, b, frames);
  }
}
