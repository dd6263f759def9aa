import { dirname, resolve } from "node:path";
import { type Chain, ParamError, parseChain } from "@controlroom/engine";
import { Resampler } from "@controlroom/engine/dsp/resample/index.ts";
import { openAudioFile, readWholeFile } from "../files/open.ts";
import type { AudioFileInfo, AudioReader, AudioWriter } from "../files/types.ts";
import { createAudioWriter } from "../files/write.ts";
import { chooseCut, PipelinedChain } from "./pipelined-chain.ts";

export interface ProcessFileOptions {
  /** The chain as parsed JSON (an array of processors). */
  chain: unknown;
  /** Directory that relative paths in the chain (impulse responses) are resolved against. */
  chainDir?: string;
  /** Output word length; default follows the input (lossy/8-bit input → 24-bit). */
  bits?: 16 | 24 | 32;
  /** Output sample rate in Hz (8 000 … 384 000); default the input's. Converted after the chain. */
  rate?: number;
  /** Extra seconds rendered after the input ends, so reverb and delay tails ring out (default 0). */
  tailSeconds?: number;
  /** Frames per block (default 8192). Results do not depend on it. */
  blockFrames?: number;
  onProgress?: (doneSeconds: number, totalSeconds: number | null) => void;
  /** Checked between blocks; when it returns true the output is abandoned (nothing left under its name). */
  cancelled?: () => boolean;
  /**
   * Split the chain between this thread and a worker thread when that pays (long input, two cores, a chain
   * heavy enough). Default true; the output is identical either way.
   */
  parallel?: boolean;
}

export interface ProcessFileResult {
  input: AudioFileInfo;
  framesWritten: number;
  /** Sample rate of the output, Hz. */
  outputRate: number;
  latency: number;
  chain: Chain;
}

/** The word length to write when the caller does not say: the input's, within what the container holds. */
export function defaultBits(info: AudioFileInfo, outPath: string): 16 | 24 | 32 {
  const flac = /\.flac$/i.test(outPath);
  if (info.sampleFormat === "float") return flac ? 24 : 32;
  if (info.bitDepth === 16) return 16;
  if (info.bitDepth !== null && info.bitDepth > 24) return flac ? 24 : 32;
  return 24;
}

/**
 * Streams a file through a processor chain into a new file. The output is aligned with the input (the
 * chain's latency is removed) and as long as the input plus `tailSeconds`. Written atomically.
 */
export async function processFile(
  inPath: string,
  outPath: string,
  opts: ProcessFileOptions,
): Promise<ProcessFileResult> {
  const reader = await openAudioFile(inPath);
  let writer: AudioWriter | null = null;
  let pipeline: PipelinedChain | null = null;
  try {
    const info = reader.info;
    const chain = parseChain(opts.chain, { sampleRate: info.sampleRate, channels: info.channels });
    await loadImpulseResponses(chain, opts.chainDir ?? process.cwd());
    const outRate = opts.rate ?? info.sampleRate;
    // Sample-rate conversion after the chain, so processors run at the source rate they were set up for.
    const resampler =
      outRate === info.sampleRate
        ? null
        : new Resampler({ fromRate: info.sampleRate, toRate: outRate, channels: chain.outputChannels });
    writer = await createAudioWriter(outPath, {
      sampleRate: outRate,
      channels: chain.outputChannels,
      bitDepth: opts.bits ?? defaultBits(info, outPath),
      ditherSeed: 1,
    });
    const block = opts.blockFrames ?? 8192;
    const latency = chain.latency;
    const total = info.frames === null ? null : info.frames / info.sampleRate;
    let toSkip = latency;
    let written = 0;
    let read = 0;
    const put = async (out: Float32Array[]) => {
      const frames = out[0]?.length ?? 0;
      if (frames === 0) return;
      await writer!.write(out, frames);
      written += frames;
    };
    const emit = async (out: Float32Array[], frames: number) => {
      const skip = Math.min(toSkip, frames);
      toSkip -= skip;
      if (frames > skip) {
        const aligned = out.map((c) => c.subarray(skip, frames));
        await put(resampler ? resampler.process(aligned, frames - skip) : aligned);
      }
    };
    const ctx = { sampleRate: info.sampleRate, channels: info.channels };
    const cut =
      opts.parallel === false || !Array.isArray(opts.chain)
        ? null
        : chooseCut(opts.chain, info.frames, info.sampleRate);
    if (cut !== null) pipeline = new PipelinedChain(ctx, chain, opts.chain as unknown[], cut, block);
    const run = async (input: Float32Array[], n: number) => {
      if (pipeline) await pipeline.process(input, n, emit);
      else await emit(chain.process(input, n), n);
    };
    for (const next = readAhead(reader, block); ; ) {
      if (opts.cancelled?.()) throw new CancelledError();
      const chunk = await next();
      if (!chunk) break;
      const n = chunk[0].length;
      read += n;
      await run(chunk, n);
      opts.onProgress?.(read / info.sampleRate, total);
    }
    // Feed silence to flush the latency and let tails ring out.
    let flush = latency + Math.round((opts.tailSeconds ?? 0) * info.sampleRate);
    const zeros = Array.from({ length: info.channels }, () => new Float32Array(block));
    while (flush > 0) {
      if (opts.cancelled?.()) throw new CancelledError();
      const n = Math.min(block, flush);
      await run(zeros, n);
      flush -= n;
    }
    await pipeline?.finish(emit);
    if (resampler) await put(resampler.flush());
    await writer.close();
    return { input: info, framesWritten: written, outputRate: outRate, latency, chain };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    await pipeline?.close();
    await reader.close();
  }
}

/**
 * Blocks of `reader`, each read while the one before it is processed: the read (a trip through the I/O thread
 * pool) overlaps this thread's work instead of idling it. Two sets of buffers take turns, so a block stays
 * intact until the next one is asked for. Readers without `readInto` are read one block at a time.
 * @returns a function giving the next block (null at the end).
 */
function readAhead(reader: AudioReader, block: number): () => Promise<Float32Array[] | null> {
  if (!reader.readInto) return () => reader.read(block);
  const readInto = reader.readInto.bind(reader);
  const sets = [0, 1].map(() => Array.from({ length: reader.info.channels }, () => new Float32Array(block)));
  let turn = 0;
  let ahead = readInto(sets[0]);
  return async () => {
    const n = await ahead;
    if (n === 0) return null;
    const got = sets[turn];
    turn ^= 1;
    ahead = readInto(sets[turn]);
    ahead.catch(() => {}); // a failure is thrown by the next call
    return n === block ? got : got.map((c) => c.subarray(0, n));
  };
}

/** The user pressed Ctrl-C (or a job was cancelled): the output was abandoned. */
export class CancelledError extends Error {
  constructor() {
    super("cancelled; no output written");
    this.name = "CancelledError";
  }
}

/** Processors that take an impulse response file (`ir`) get it loaded here; the engine itself reads no files. */
async function loadImpulseResponses(chain: Chain, baseDir: string): Promise<void> {
  for (const [i, p] of chain.processors.entries()) {
    const params = p.getParams() as { ir?: unknown };
    const target = p as unknown as { setImpulseResponse?: (ch: Float32Array[], rate: number) => void };
    if (typeof params.ir !== "string" || typeof target.setImpulseResponse !== "function") continue;
    if (!params.ir) throw new ParamError(`chain[${i}].ir (${p.type})`, "needs an impulse response file");
    const path = resolve(baseDir, params.ir);
    const { info, channels } = await readWholeFile(path, { maxFrames: info60s(p.sampleRate) });
    target.setImpulseResponse(channels, info.sampleRate);
  }
}

/** Longest impulse response accepted: 60 s (at the IR's own rate, generously bounded). */
function info60s(rate: number): number {
  return Math.round(60 * Math.max(rate, 192000));
}

/** Resolves a `--chain` argument: inline JSON, or a path to a JSON file. */
export function chainDirOf(arg: string): string {
  return arg.trim().startsWith("[") ? process.cwd() : dirname(resolve(arg));
}
