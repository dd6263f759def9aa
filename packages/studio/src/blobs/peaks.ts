/**
 * Waveform peaks of a stored audio file, for drawing long files without downloading and decoding them:
 * per channel, the smallest and largest sample of each bucket of frames, flattened as
 * `[min0, max0, min1, max1, …]` (the shape the web app hands to wavesurfer.js). Computed once by streaming
 * the file through the reader (memory does not grow with the file's length) and cached beside the blob —
 * the blob is content-addressed, so the cache never goes stale — written atomically (temporary file, then
 * rename), so a reader never sees half a cache file.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openAudioFile } from "@controlroom/node/files/open.ts";
import { AudioFileError } from "@controlroom/node/files/types.ts";
import type { Actor, Studio } from "../context.ts";
import { invalid, StudioError } from "../errors.ts";
import type { BlobStore } from "./blob-store.ts";
import { authorizeBlob } from "./uploads.ts";

/** Buckets per channel when none are asked for. */
export const DEFAULT_PEAK_BUCKETS = 2000;
/** Fewest and most buckets per channel that may be asked for. */
export const PEAK_BUCKETS_RANGE = { min: 100, max: 20_000 } as const;

/** A file's waveform peaks. */
export interface Peaks {
  /** Length of the file in seconds. */
  duration: number;
  /** Sample rate of the file in Hz. */
  sampleRate: number;
  /** Frames (samples per channel) in each bucket; the last bucket may hold fewer. */
  framesPerBucket: number;
  /** Per channel, `[min, max]` of each bucket flattened (full scale = ±1), 2 × buckets numbers. */
  peaks: number[][];
}

/** Frames per bucket while the length is unknown (merged down to the asked-for count at the end). */
const UNKNOWN_LENGTH_BUCKET = 256;
const READ_BLOCK = 65536;

/**
 * Computes the peaks of an audio file by streaming it once.
 * @param path the file (WAV, RF64, FLAC, Ogg Vorbis or MP3 by content).
 * @param buckets buckets per channel, 100…20 000; fewer when the file has fewer frames.
 * @throws AudioFileError when the file cannot be read.
 */
export async function computePeaks(path: string, buckets = DEFAULT_PEAK_BUCKETS): Promise<Peaks> {
  const reader = await openAudioFile(path);
  try {
    const { sampleRate, channels, frames: known } = reader.info;
    // With the length known, buckets are final from the start; otherwise fine buckets merged afterwards.
    let per = known !== null ? Math.max(1, Math.ceil(known / buckets)) : UNKNOWN_LENGTH_BUCKET;
    const mins: number[][] = Array.from({ length: channels }, () => []);
    const maxs: number[][] = Array.from({ length: channels }, () => []);
    let frames = 0;
    for (;;) {
      const block = await reader.read(READ_BLOCK);
      if (!block) break;
      const n = block[0].length;
      for (let c = 0; c < channels; c++) {
        const x = block[c];
        const lo = mins[c];
        const hi = maxs[c];
        for (let i = 0; i < n; i++) {
          const b = Math.floor((frames + i) / per);
          const v = x[i];
          if (b >= lo.length) {
            lo.push(v);
            hi.push(v);
          } else {
            if (v < lo[b]) lo[b] = v;
            if (v > hi[b]) hi[b] = v;
          }
        }
      }
      frames += n;
    }
    if (known === null) {
      const target = Math.max(1, Math.ceil(frames / buckets));
      const factor = Math.max(1, Math.ceil(target / per));
      if (factor > 1) {
        for (let c = 0; c < channels; c++) {
          mins[c] = merge(mins[c], factor, Math.min);
          maxs[c] = merge(maxs[c], factor, Math.max);
        }
        per *= factor;
      }
    }
    const peaks = mins.map((lo, c) => {
      const out = new Array<number>(lo.length * 2);
      for (let b = 0; b < lo.length; b++) {
        out[2 * b] = round(lo[b]);
        out[2 * b + 1] = round(maxs[c][b]);
      }
      return out;
    });
    return { duration: frames / sampleRate, sampleRate, framesPerBucket: per, peaks };
  } finally {
    await reader.close();
  }
}

/** Combines each run of `factor` values into one. */
function merge(xs: number[], factor: number, pick: (a: number, b: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i += factor) {
    let v = xs[i];
    for (let j = i + 1; j < Math.min(xs.length, i + factor); j++) v = pick(v, xs[j]);
    out.push(v);
  }
  return out;
}

/** Five significant decimals: far below a pixel, and a third of the JSON. */
function round(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}

/** Where the peaks of a blob at a bucket count are cached: beside the blob. */
export function peaksCachePath(blobs: BlobStore, sha256: string, buckets: number): string {
  return `${blobs.pathOf(sha256)}.peaks-${buckets}.json`;
}

/** Computations under way, so that simultaneous first requests read the file once. */
const inFlight = new Map<string, Promise<Peaks>>();

/**
 * The cached peaks of a stored blob, computing and caching them on first use.
 * @param buckets buckets per channel, 100…20 000.
 * @returns the peaks and whether they came from the cache.
 */
export async function cachedPeaks(
  blobs: BlobStore,
  sha256: string,
  buckets = DEFAULT_PEAK_BUCKETS,
): Promise<{ peaks: Peaks; cached: boolean }> {
  const file = peaksCachePath(blobs, sha256, buckets);
  const hit = await readFile(file, "utf8").then(
    (t) => JSON.parse(t) as Peaks,
    () => null,
  );
  if (hit) return { peaks: hit, cached: true };
  const key = `${blobs.root}\0${sha256}\0${buckets}`;
  let job = inFlight.get(key);
  if (!job) {
    job = (async () => {
      if (!(await blobs.has(sha256))) throw new StudioError(404, "not_found", `blob ${sha256} not found`);
      let peaks: Peaks;
      try {
        peaks = await computePeaks(blobs.pathOf(sha256), buckets);
      } catch (e) {
        if (e instanceof AudioFileError)
          throw new StudioError(422, "unreadable", `blob ${sha256}: ${e.message}`);
        throw e;
      }
      const tmpDir = join(blobs.root, "tmp");
      await mkdir(tmpDir, { recursive: true });
      const tmp = join(tmpDir, `${randomUUID()}.peaks.json`);
      try {
        await writeFile(tmp, JSON.stringify(peaks));
        await rename(tmp, file); // atomic on one file system
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
      return peaks;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return { peaks: await job, cached: false };
}

/**
 * Waveform peaks of a stored audio file, for anyone who may download it (same authorization).
 * @param sha256 the blob's digest.
 * @param buckets buckets per channel, 100…20 000 (default 2000).
 */
export async function blobPeaks(
  s: Studio,
  actor: Actor,
  sha256: string,
  buckets = DEFAULT_PEAK_BUCKETS,
): Promise<Peaks & { cached: boolean }> {
  if (!Number.isInteger(buckets) || buckets < PEAK_BUCKETS_RANGE.min || buckets > PEAK_BUCKETS_RANGE.max)
    throw invalid(
      "buckets",
      `must be a whole number from ${PEAK_BUCKETS_RANGE.min} to ${PEAK_BUCKETS_RANGE.max}`,
    );
  await authorizeBlob(s, actor, sha256);
  if (!s.blobs) throw new StudioError(503, "unavailable", "no blob store configured");
  const { peaks, cached } = await cachedPeaks(s.blobs, sha256, buckets);
  return { ...peaks, cached };
}
