/**
 * Decoding one compressed source into its cache file, streaming (memory stays at one block whatever the
 * source's length), published atomically.
 */
import { readSync, writeSync } from "node:fs";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import type { AudioRef } from "@controlroom/engine/session/schema.ts";
import { BackgroundFlush, tempPathBeside } from "../files/atomic-file.ts";
import { openAudioFile } from "../files/open.ts";
import type { AudioReader } from "../files/types.ts";
import { makeRoom } from "./decode-cache-eviction.ts";
import { CACHE_HEADER_BYTES, cacheFileBytes, encodeHeader } from "./decode-cache-file.ts";
import type { DecodeCacheSettings } from "./decode-cache-settings.ts";

/** Frames decoded per step while filling a cache file (memory stays at this, whatever the file's length). */
const DECODE_FRAMES = 65536;

/** See `decodeToCache`. */
export type DecodeOutcome = "cached" | "written" | "skipped" | "failed";

/**
 * Decodes the compressed file `path` into the cache file `file` (temporary name, fsync, rename: readers
 * and concurrent writers only ever see complete files; two writers of one source both publish identical data).
 * @returns "cached"; "written" when `source.publishLater` (complete under `source.temp`, not yet published);
 * "skipped" for PCM files and sources whose format the session does not expect (the normal path reports
 * those); "failed" when the cache could not take it (size cap, disk, permissions, a decode error — the normal
 * path then decodes, or reports the error).
 */
export async function decodeToCache(
  path: string,
  ref: AudioRef,
  file: string,
  settings: DecodeCacheSettings,
  keep: ReadonlySet<string>,
  source: {
    size: number;
    mtimeNs: bigint;
    /** Temporary file to write (default a fresh name beside `file`). */
    temp?: string;
    /** The caller made room in the folder for this file already (`makeRoom` is not run again). */
    roomMade?: boolean;
    onProgress?: (doneSeconds: number) => void;
    cancelled?: () => boolean;
    /**
     * Leave the complete file under `temp` for the caller to publish (`publishCacheFile`), so this thread can
     * go on decoding while the disk catches up with the fsync.
     */
    publishLater?: boolean;
    /** Read the source on this thread (FileSourceOptions.syncReads): for a thread that only decodes. */
    syncReads?: boolean;
  },
): Promise<DecodeOutcome> {
  let reader: AudioReader;
  try {
    reader = await openAudioFile(path, { syncReads: source.syncReads === true });
  } catch {
    return "failed";
  }
  let fh: FileHandle | null = null;
  let temp = "";
  // The file goes to disk while it is decoded, so the fsync that publishes it has little left to write.
  const flush = new BackgroundFlush();
  try {
    const info = reader.info;
    if (info.format === "wav" || info.format === "rf64") return "skipped";
    if (info.channels !== ref.channels || info.sampleRate !== ref.sampleRate) return "skipped";
    const channels = info.channels;
    // Slots of `stride` frames per channel; the header's length (or the session's, when the file's header
    // does not say) is only a first guess for streams of unknown length.
    let stride = Math.max(1, info.frames ?? ref.frames);
    if (cacheFileBytes(channels, stride) > settings.maxBytes) return "failed";
    await mkdir(settings.dir, { recursive: true });
    if (!source.roomMade && !(await makeRoom(settings, cacheFileBytes(channels, stride), keep))) {
      return "failed";
    }
    temp = source.temp ?? tempPathBeside(file, "partial");
    fh = await open(temp, "wx+"); // read too: rearranging channels reads back
    let n = 0;
    for (;;) {
      if (source.cancelled?.()) return "failed";
      const want = info.frames === null ? DECODE_FRAMES : Math.min(DECODE_FRAMES, info.frames - n);
      if (want <= 0) break;
      const block = await reader.read(want);
      if (!block) break;
      const k = block[0].length;
      if (k === 0) break;
      if (n + k > stride) {
        const grown = Math.max(stride * 2, n + k);
        if (cacheFileBytes(channels, grown) > settings.maxBytes) return "failed";
        relayout(fh.fd, channels, stride, grown, n);
        stride = grown;
      }
      // Written at once, not through the thread pool: into the page cache this costs tens of microseconds per
      // channel, while an asynchronous write made the decoder wait for a pool thread every block.
      for (let c = 0; c < channels; c++) {
        const x = block[c];
        writeAll(
          fh.fd,
          new Uint8Array(x.buffer, x.byteOffset, k * 4),
          CACHE_HEADER_BYTES + (c * stride + n) * 4,
        );
      }
      flush.wrote(fh.fd, k * 4 * channels);
      n += k;
      source.onProgress?.(n / info.sampleRate);
    }
    if (n !== stride) {
      // Ended early (or the length was a guess): close the gaps between the channels.
      relayout(fh.fd, channels, stride, n, n);
      await fh.truncate(cacheFileBytes(channels, n));
    }
    writeAll(
      fh.fd,
      encodeHeader({
        channels,
        sampleRate: info.sampleRate,
        decodedFrames: n,
        declaredFrames: info.frames,
        sourceSize: source.size,
        sourceMtimeNs: source.mtimeNs,
        sha256: ref.sha256,
      }),
      0,
    );
    // Not closed under a flush in flight (the descriptor number could be reused by then).
    await flush.settle();
    if (source.publishLater) {
      await fh.close();
      fh = null;
      temp = "";
      return "written";
    }
    await fh.sync();
    await fh.close();
    fh = null;
    await rename(temp, file);
    temp = "";
    return "cached";
  } catch {
    return "failed";
  } finally {
    await reader.close().catch(() => {});
    if (fh) {
      await flush.settle();
      await fh.close().catch(() => {});
    }
    if (temp) await unlink(temp).catch(() => {});
  }
}

/**
 * Publishes a cache file that `decodeToCache` left complete under `temp` (`publishLater`) as `file`: fsync,
 * then rename, as `decodeToCache` does itself.
 * @returns false when that failed (the temporary file is removed).
 */
export async function publishCacheFile(temp: string, file: string): Promise<boolean> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(temp, "r+");
    await fh.sync();
    await fh.close();
    fh = null;
    await rename(temp, file);
    return true;
  } catch {
    await fh?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    return false;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/**
 * Moves channels 1 … from slots of `from` frames to slots of `to` frames (the first `n` frames of each);
 * channel 0 stays. Growing moves the last channel first, shrinking the first, so nothing is overwritten
 * before it has moved.
 */
function relayout(fd: number, channels: number, from: number, to: number, n: number): void {
  if (from === to || channels === 1 || n === 0) return;
  const order = Array.from({ length: channels - 1 }, (_, i) => i + 1);
  if (to > from) order.reverse();
  const buf = new Uint8Array(Math.min(n * 4, 1 << 20));
  for (const c of order) {
    const src = CACHE_HEADER_BYTES + c * from * 4;
    const dst = CACHE_HEADER_BYTES + c * to * 4;
    const len = n * 4;
    // Within one channel, copy in the direction that never overwrites bytes not yet copied.
    const chunks: number[] = [];
    for (let at = 0; at < len; at += buf.length) chunks.push(at);
    if (dst > src) chunks.reverse();
    for (const at of chunks) {
      const k = Math.min(buf.length, len - at);
      if (readSync(fd, buf, 0, k, src + at) !== k)
        throw new Error("short read while rearranging a cache file");
      writeAll(fd, buf.subarray(0, k), dst + at);
    }
  }
}
