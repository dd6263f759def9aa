/**
 * What a reader must do with any file, however damaged: read it (sane header facts, the channels it promised,
 * no NaN from integer or lossy data, seeks that land) or refuse it with one AudioFileError that names the file
 * in one line. Anything else — another exception, a JavaScript error dressed up as a file error, memory far
 * beyond what the file's size justifies — is a crash, and the fuzz run reports it.
 */
import { openAudioFile, readWholeFile } from "../open.ts";
import { AudioFileError, type AudioReader } from "../types.ts";
import { takePeakAllocation } from "./allocation-watch.ts";

/** How one file came out. */
export type ReadOutcome =
  | { kind: "read"; frames: number; warnings: number }
  | { kind: "error"; message: string }
  | { kind: "crash"; reason: string };

/** Frames read per call (small, so many reads and buffer handovers happen on small files). */
const BLOCK = 4096;
/** Reading stops here: a damaged header can make a small file decode to long silence, legitimately. */
const MAX_FRAMES = 1 << 23;
/**
 * Memory a read may take, beyond a multiple of the file's size: in all (ArrayBuffers, including the decoders'
 * WebAssembly memory, grown while streaming) and in one buffer (a typed array sized from a header field shows
 * here). readWholeFile may also hold what it really decoded, twice over while its buffers grow.
 */
const TOTAL_ALLOWANCE = 96 * 1024 * 1024;
const SINGLE_ALLOWANCE = 16 * 1024 * 1024;
const PER_FILE_BYTE = 64;
/** The longest file the whole-file read accepts here, in frames. */
const WHOLE_MAX_FRAMES = 1 << 23;

/**
 * Messages of JavaScript's own errors: a reader that lets one of these through (even wrapped in an
 * AudioFileError) reached a state its checks did not foresee.
 */
const INTERNAL =
  /outside the bounds|Cannot read propert|Cannot set propert|is not a function|is not iterable|Invalid (typed )?array length|Array buffer allocation failed|Maximum call stack|is not defined|undefined is not|null is not|out of memory|unreachable|RuntimeError/i;

/**
 * Opens and reads `path` completely; with `seeks`, then seeks into the middle, back to the start and past the
 * end, reading after each (compressed formats restart their decoder for that, which costs more than the read).
 * @param path the file to check.
 * @param size its size in bytes (sets the memory allowance).
 */
export async function checkFile(path: string, size: number, seeks = true): Promise<ReadOutcome> {
  const base = process.memoryUsage().arrayBuffers;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  takePeakAllocation();
  /** A complaint when memory went beyond the allowances (plus `decoded` bytes that are really there). */
  const overBudget = (decoded = 0) => {
    const used = process.memoryUsage().arrayBuffers - base - decoded;
    if (used > TOTAL_ALLOWANCE + PER_FILE_BYTE * size)
      return `${mib(used)} of buffers for a ${size}-byte file`;
    const largest = takePeakAllocation(); // 0 unless allocation-watch is installed (fuzz workers)
    if (largest > SINGLE_ALLOWANCE + PER_FILE_BYTE * size + 2 * decoded)
      return `one buffer of ${mib(largest)} for a ${size}-byte file${decoded ? ` decoding to ${mib(decoded)}` : ""}`;
    return null;
  };
  let r: AudioReader | null = null;
  try {
    r = await openAudioFile(path);
    const { info } = r;
    const facts = `${info.channels} channels at ${info.sampleRate} Hz, ${info.frames} frames`;
    if (!(Number.isInteger(info.channels) && info.channels >= 1 && info.channels <= 255))
      return { kind: "crash", reason: `header accepted with ${facts}` };
    if (!(Number.isFinite(info.sampleRate) && info.sampleRate > 0))
      return { kind: "crash", reason: `header accepted with ${facts}` };
    if (info.frames !== null && !(Number.isSafeInteger(info.frames) && info.frames >= 0))
      return { kind: "crash", reason: `header accepted with ${facts}` };
    const finite = info.sampleFormat !== "float"; // float WAV data may hold NaN: that is the file's content
    let frames = 0;
    for (let block = await r.read(BLOCK); block; block = await r.read(BLOCK)) {
      if (block.length !== info.channels)
        return { kind: "crash", reason: `read gave ${block.length} channels, header says ${info.channels}` };
      const n = block[0].length;
      if (n === 0 || n > BLOCK || block.some((c) => c.length !== n))
        return {
          kind: "crash",
          reason: `read gave blocks of ${block.map((c) => c.length).join("/")} frames`,
        };
      if (finite)
        for (const c of block)
          for (let i = 0; i < n; i++)
            if (!Number.isFinite(c[i]))
              return { kind: "crash", reason: `non-finite sample at frame ${frames + i}` };
      frames += n;
      const mem = overBudget();
      if (mem) return { kind: "crash", reason: mem };
      if (frames >= MAX_FRAMES) break;
    }
    if (info.frames !== null && frames < MAX_FRAMES && frames > info.frames)
      return { kind: "crash", reason: `read ${frames} frames, header says ${info.frames}` };
    // Seeks: into the middle, back to the start, past the end.
    for (const at of seeks ? [Math.floor(frames / 2), 0, frames + 10] : []) {
      await r.seek(at);
      const b = await r.read(BLOCK);
      if (at >= frames && b !== null && info.frames !== null && frames < MAX_FRAMES)
        return {
          kind: "crash",
          reason: `read after seeking past the end (${at}) gave ${b[0].length} frames`,
        };
    }
    let mem = overBudget();
    if (mem) return { kind: "crash", reason: mem };
    if (seeks) {
      // The whole-file read sizes its buffers from the header's length: it must not believe a lie.
      await r.close();
      r = null;
      const whole = await readWholeFile(path, { maxFrames: WHOLE_MAX_FRAMES });
      if (whole.channels.length !== info.channels)
        return { kind: "crash", reason: `readWholeFile gave ${whole.channels.length} channels` };
      mem = overBudget(whole.channels.reduce((n, c) => n + c.byteLength, 0));
      if (mem) return { kind: "crash", reason: `readWholeFile: ${mem}` };
    }
    return { kind: "read", frames, warnings: info.warnings.length };
  } catch (e) {
    return classify(e, path);
  } finally {
    if (r) await r.close().catch(() => {});
  }
}

/** An exception out of a reader: a clear file error, or a crash. */
export function classify(e: unknown, path: string): ReadOutcome {
  if (!(e instanceof AudioFileError)) {
    const name = (e as Error)?.name ?? typeof e;
    return { kind: "crash", reason: `${name}: ${String((e as Error)?.message ?? e).split("\n")[0]}` };
  }
  if (e.file !== path) return { kind: "crash", reason: `AudioFileError names ${e.file}, not the file read` };
  if (e.message.includes("\n") || e.message.length === 0)
    return { kind: "crash", reason: `AudioFileError message is not one line: ${JSON.stringify(e.message)}` };
  // A third-party WebAssembly decoder failing on corrupt data is reported as such by DecodedReader, on purpose.
  const decoder = /^corrupt \S+ data after byte \d+: /.test(e.message);
  if (!decoder && INTERNAL.test(e.message))
    return { kind: "crash", reason: `internal error let through: ${e.message}` };
  return { kind: "error", message: e.message };
}
