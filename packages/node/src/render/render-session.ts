/**
 * Renders a session to files: the stereo mix, and optionally every stem (a folder of WAVs with a text
 * manifest, or a zip of them). Writers are atomic, so a cancelled or failed render leaves nothing under the
 * final names.
 */
import { mkdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type RenderOptions, SessionRenderer, type StemInfo } from "@controlroom/engine/render/renderer.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { TempoMap } from "@controlroom/engine/session/tempo-map.ts";
import { removeStaleTemps, tempPathBeside, writeFileAtomic } from "../files/atomic-file.ts";
import type { AudioWriter } from "../files/types.ts";
import { closeWriters, createAudioWriter } from "../files/write.ts";
import { type ThreadedFile, ThreadedWriters } from "../files/writer-thread.ts";
import { checkAudioFiles } from "../session/audio-check.ts";
import { DecodeAhead } from "./decode-ahead.ts";
import { type DecodeCacheOption, decodeCacheSettings } from "./decode-cache-settings.ts";
import {
  audioIdsInRange,
  audioReadOnceWhole,
  framesReadByAudio,
  type PrepareResult,
  prepareDecodedSources,
} from "./decoded-cache.ts";
import { FileSourceProvider } from "./file-provider.ts";
import { loadSessionImpulseResponses } from "./impulse-responses.ts";
import { checkStemFolder, publishStemFolder, stemFileName, stemsManifest, writeStemsZip } from "./stems.ts";
import { defaultThreads, TrackWorkers } from "./track-workers.ts";

export interface RenderFilesOptions
  extends Omit<RenderOptions, "stems" | "trackMemory" | "remoteTracks" | "separateTrackOutputs"> {
  /** Output word length: 16/24-bit PCM (TPDF-dithered, seeded, so repeatable) or 32-bit float (default 24). */
  bits?: 16 | 24 | 32;
  /** Render at this rate, Hz, instead of the session's (sources are converted). */
  rate?: number;
  /** Stems: a folder (one WAV per stem + manifest.txt) or a path ending in `.zip`. */
  stems?: string;
  /**
   * Threads rendering tracks (the main thread counts as one; default: one per core for 4 tracks or more).
   * More than one (or the default on a machine with several cores) also writes the stems on a thread of
   * their own. The result is bit-identical whatever the number.
   */
  threads?: number;
  /** Check sha256 of every audio file first (default true). */
  verifyHashes?: boolean;
  onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /**
   * Decode compressed sources (FLAC, MP3, Ogg) once into a disk cache before rendering, instead of decoding
   * them in every clip (default true; `CONTROLROOM_CACHE_DIR=off` also turns it off). An object sets the
   * folder and size cap instead of the environment (see `decodeCacheSettings`). The output is the same either way.
   */
  decodeCache?: DecodeCacheOption;
  /** Called while sources are decoded into the cache, before rendering starts: audio seconds done, of all. */
  onPrepareProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /** Polled between blocks; when true the render stops and nothing is left under the final names. */
  cancelled?: () => boolean;
}

export interface RenderFilesResult {
  frames: number;
  sampleRate: number;
  latency: number;
  stems: StemInfo[];
  /** Stem files written (absolute paths or names inside the zip). */
  stemFiles: string[];
  /** What the decoded-audio cache did (null when it was off). */
  decodeCache: Omit<PrepareResult, "files" | "fills"> | null;
}

/** Seconds of timeline around the render's span whose cached sources are looked up too (latency compensation). */
const PREPARE_MARGIN_SECONDS = 5;

/** The render was cancelled (Ctrl-C): no output was left. */
export class RenderCancelledError extends Error {
  constructor() {
    super("cancelled; no output written");
    this.name = "RenderCancelledError";
  }
}

/**
 * Renders `session` (whose audio paths are relative to `baseDir`) to `mixPath`.
 * @throws SessionError for missing or changed audio (all listed), a bad range or section.
 */
export async function renderSessionToFiles(
  session: Session,
  baseDir: string,
  mixPath: string,
  opts: RenderFilesOptions = {},
): Promise<RenderFilesResult> {
  // The audio files are checked (hashed) while the renderers and threads start; missing or changed audio is
  // still what is reported first, and stops everything started.
  const checking = checkAudioFiles(session, baseDir, { verifyHash: opts.verifyHashes ?? true });
  checking.catch(() => {}); // awaited below
  const audioProblems = async () => {
    const problems = await checking;
    if (problems.length) throw new SessionError(problems, "session audio");
  };
  const s = opts.rate && opts.rate !== session.sampleRate ? { ...session, sampleRate: opts.rate } : session;
  const threads = opts.threads ?? defaultThreads(s, readSpan(s, opts));
  /** Whether work may go to threads besides this one (the stem writer, decoding ahead): `--threads 1` keeps all here. */
  const helperThreads = (opts.threads ?? availableParallelism()) > 1;
  const pool = TrackWorkers.plan(s, threads, opts.blockFrames, Boolean(opts.stems));
  // Compressed sources the render reads at least their whole length of (loops, comps, reused takes) are decoded
  // once, before any renderer (main or worker) opens them; sources already cached are used whatever the range.
  const cache = decodeCacheSettings(opts.decodeCache);
  // The main renderer first: it checks the range, section and chains and reports problems clearly, before any
  // decoding. Renderers open sources only when their clips start, so the track workers can start (load, build
  // their renderers) while the sources decode; both learn the cache files before the first block.
  const provider = new FileSourceProvider(baseDir);
  let renderer: SessionRenderer;
  try {
    renderer = await SessionRenderer.create(s, provider, {
      ...opts,
      stems: Boolean(opts.stems),
      ...(pool ? { trackMemory: pool.memory, remoteTracks: pool } : {}),
    });
  } catch (e) {
    await audioProblems();
    throw e;
  }
  let prepared: PrepareResult | null = null;
  let ahead: DecodeAhead | null = null;
  /** Set once every file is in place: sources decoded ahead are then published, not abandoned. */
  let finished = false;
  const starting = pool?.start(baseDir, { ...opts, stems: Boolean(opts.stems) });
  starting?.catch(() => {}); // awaited below; a failure is reported there
  const sr = renderer.sampleRate;
  const bitDepth = opts.bits ?? 24;
  const zip = opts.stems?.toLowerCase().endsWith(".zip") ?? false;
  // Stems are written first into a hidden folder beside their destination (`.<name>.<pid>-<random>.staging`),
  // which a later render removes if this one is killed: a zip is made from it, a folder moved into place once
  // every stem and the manifest are complete — a killed render leaves no stem folder that looks finished.
  if (opts.stems) {
    if (!zip) checkStemFolder(opts.stems);
    removeStaleTemps(opts.stems);
  }
  const stemDir = opts.stems ? tempPathBeside(opts.stems, "staging") : null;
  const stemSpecs: ThreadedFile[] = stemDir
    ? renderer.stems.map((st, i) => ({
        path: join(stemDir, stemFileName(i, st)),
        options: { sampleRate: sr, channels: 2, bitDepth, ditherSeed: 2 + i },
      }))
    : [];
  // Dithering and writing the stems costs more than rendering a plain session: on a second core it runs beside
  // the render instead of after each block. The writer thread starts now, so it loads while the sources decode.
  // (Once the audio is found sound: a render that stops there leaves no stem folder.)
  const stemThreadOpening =
    stemDir && stemSpecs.length > 0 && helperThreads
      ? checking.then((problems) =>
          problems.length > 0
            ? null
            : mkdir(stemDir, { recursive: true }).then(() => ThreadedWriters.open(stemSpecs)),
        )
      : null;
  stemThreadOpening?.catch(() => {}); // awaited below; a failure is reported there
  try {
    await audioProblems();
    await loadSessionImpulseResponses(renderer, baseDir);
    if (cache) {
      const span = readSpan(s, opts);
      const near = { start: span.start - PREPARE_MARGIN_SECONDS, end: span.end + PREPARE_MARGIN_SECONDS };
      prepared = await prepareDecodedSources(s, baseDir, cache, audioIdsInRange(s, near), {
        framesRead: framesReadByAudio(s, span),
        fillWhileRendering: audioReadOnceWhole(s, span),
        // The track workers, loaded meanwhile, would only wait for the sources: they decode some of them.
        lentThreads: pool?.decodeThreads(),
        onProgress: opts.onPrepareProgress,
        cancelled: opts.cancelled,
      });
    }
    await starting;
    if (opts.cancelled?.()) throw new RenderCancelledError();
    const cacheFiles = prepared?.files ?? {};
    const fills = prepared?.fills ?? {};
    provider.setCacheFiles(cacheFiles);
    if (!pool && Object.keys(fills).length > 0 && helperThreads) {
      // The tracks render here alone: another core decodes their sources just ahead (decode-ahead.ts).
      ahead = DecodeAhead.start(fills, (fill) => provider.pathOf(fill.ref));
      provider.setAhead(ahead);
    } else provider.setFills(fills);
    pool?.setCacheFiles(cacheFiles, fills);
  } catch (e) {
    await ahead?.close(true);
    await starting?.catch(() => {});
    await stemThreadOpening?.then(
      (w) => w?.abort(),
      () => {},
    );
    if (stemDir) await rm(stemDir, { recursive: true, force: true });
    await renderer.close();
    await pool?.close();
    throw e;
  }
  const writers: AudioWriter[] = [];
  const stemWriters: AudioWriter[] = [];
  let stemThread: ThreadedWriters | null = null;
  const stemFiles = stemSpecs.map((f) => f.path);
  try {
    if (stemThreadOpening) stemThread = await stemThreadOpening;
    const mix = await createAudioWriter(mixPath, { sampleRate: sr, channels: 2, bitDepth, ditherSeed: 1 });
    writers.push(mix);
    if (stemDir && !stemThread) {
      await mkdir(stemDir, { recursive: true });
      for (const f of stemSpecs) {
        const w = await createAudioWriter(f.path, f.options);
        writers.push(w);
        stemWriters.push(w);
      }
    }
    await writeBlocks(renderer, stemThread, stemWriters, mix, opts);
    if (opts.cancelled?.()) throw new RenderCancelledError();
    // Stems first, the mix last: a mix file under its name means the whole render finished.
    await closeWriters(stemWriters);
    await stemThread?.close();
    stemThread = null;
    if (stemDir) {
      const manifest = stemsManifest(s, renderer, bitDepth);
      if (zip) {
        await writeStemsZip(opts.stems!, stemFiles, manifest, stemDir);
      } else {
        await writeFileAtomic(join(stemDir, "manifest.txt"), manifest);
        await publishStemFolder(stemDir, opts.stems!);
      }
    }
    await mix.close();
    finished = true;
    return {
      frames: renderer.frames,
      sampleRate: sr,
      latency: renderer.latency,
      stems: renderer.stems,
      stemFiles: stemFiles.map((f) => {
        const name = f.slice(stemDir!.length + 1);
        return zip ? name : join(opts.stems!, name);
      }),
      decodeCache: prepared && {
        decoded: prepared.decoded,
        filling: prepared.filling,
        reused: prepared.reused,
        uncached: prepared.uncached,
        direct: prepared.direct,
        seconds: prepared.seconds,
      },
    };
  } catch (e) {
    for (const w of writers) await w.abort().catch(() => {});
    await stemThread?.abort().catch(() => {});
    // The staged stems are scratch files: nothing of a failed render stays.
    if (stemDir) await rm(stemDir, { recursive: true, force: true });
    throw e;
  } finally {
    await renderer.close();
    await pool?.close();
    await ahead?.close(!finished);
  }
}

/**
 * Renders every block and writes it: stems first (the writer thread works on them while this thread writes the
 * mix), then the mix. A function of its own: an async function is optimised whole once its awaits have resumed
 * it often enough, and `renderSessionToFiles` around this loop is large (~64 ms of the optimising compiler's time
 * in a cold song1 render, for code that runs once).
 */
async function writeBlocks(
  renderer: SessionRenderer,
  stemThread: ThreadedWriters | null,
  stemWriters: readonly AudioWriter[],
  mix: AudioWriter,
  opts: RenderFilesOptions,
): Promise<void> {
  const sr = renderer.sampleRate;
  const total = renderer.frames / sr;
  for (let b = await renderer.next(); b; b = await renderer.next()) {
    if (opts.cancelled?.()) throw new RenderCancelledError();
    if (stemThread) await stemThread.write(b.stems, b.frames);
    for (const [i, w] of stemWriters.entries()) await w.write(b.stems[i], b.frames);
    await mix.write(b.mix, b.frames);
    opts.onProgress?.(renderer.position / sr, total);
  }
}

/**
 * The timeline span (seconds) a render reads sources over, as the renderer works it out: the section or
 * start … end, with pre-roll before and the tail after (`end` is Infinity when the render runs to the song's end).
 * Latency compensation reads a little further; PREPARE_MARGIN_SECONDS covers that.
 */
function readSpan(s: Session, opts: RenderFilesOptions): { start: number; end: number } {
  let start = opts.start ?? 0;
  let end = opts.end ?? Number.POSITIVE_INFINITY;
  const sec = opts.section !== undefined ? s.sections.find((x) => x.name === opts.section) : undefined;
  if (sec) ({ start, end } = new TempoMap(s.tempo, s.timeSignatures).barsToSeconds(sec.startBar, sec.endBar));
  return { start: start - Math.max(0, opts.preRollSeconds ?? 0), end: end + (opts.tailSeconds ?? 0) };
}
