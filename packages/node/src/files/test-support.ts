/** Shared helpers for the file I/O tests: reference decodes with ffmpeg, temporary folders, the corpus. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAudioFile } from "./open.ts";
import type { AudioFileInfo } from "./types.ts";

export {
  CORPUS,
  corpusPath,
  hasCorpus,
  NO_CORPUS,
  skipWithoutCorpus,
} from "../../../../scripts/test-corpus.ts";

/**
 * ffmpeg FLAC encoder settings the decoder tests run (its own Rice and LPC choices, 24 and 16 bits, every
 * stereo mode): `-c:a flac` arguments after the input.
 */
export const FFMPEG_FLAC_ENCODINGS: readonly string[][] = [
  ["-compression_level", "12", "-sample_fmt", "s32", "-bits_per_raw_sample", "24"],
  [
    "-compression_level",
    "8",
    "-lpc_type",
    "cholesky",
    "-exact_rice_parameters",
    "1",
    "-ch_mode",
    "left_side",
    "-sample_fmt",
    "s32",
    "-bits_per_raw_sample",
    "24",
  ],
  ["-compression_level", "2", "-ch_mode", "right_side", "-sample_fmt", "s16"],
  ["-compression_level", "5", "-ch_mode", "mid_side", "-sample_fmt", "s16"],
];

/** Runs ffmpeg quietly, overwriting outputs; returns stdout. */
export function ffmpeg(args: string[]): Buffer {
  return execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args], { maxBuffer: 1 << 30 });
}

/**
 * Writes a 24-bit FLAC made by ffmpeg for tests that need real FLAC material without the corpus: pink noise
 * (a different seed per channel) at about −10 dBFS RMS, or sines when `freqs` gives one frequency per channel.
 * Returns `path`.
 */
export function synthFlac(
  path: string,
  opts: { seconds: number; channels?: number; sampleRate?: number; freqs?: number[]; seed?: number },
): string {
  const rate = opts.sampleRate ?? 48000;
  const n = opts.freqs?.length ?? opts.channels ?? 1;
  const inputs = Array.from({ length: n }, (_, c) => [
    "-f",
    "lavfi",
    "-i",
    opts.freqs
      ? `sine=f=${opts.freqs[c]}:d=${opts.seconds}:r=${rate}`
      : `anoisesrc=d=${opts.seconds}:c=pink:a=0.3:seed=${(opts.seed ?? 1) + c}:r=${rate}`,
  ]).flat();
  const mix = n > 1 ? ["-filter_complex", `amerge=inputs=${n},volume=0.5`] : ["-af", "volume=0.5"];
  ffmpeg([...inputs, ...mix, "-c:a", "flac", "-sample_fmt", "s32", "-bits_per_raw_sample", "24", path]);
  return path;
}

/** Runs ffprobe and returns its JSON. */
export function ffprobe(path: string, what = "-show_format"): Record<string, unknown> {
  const out = execFileSync("ffprobe", ["-v", "error", "-of", "json", what, "-show_streams", path]);
  return JSON.parse(out.toString());
}

/**
 * ffmpeg's decode of a file as interleaved samples: `s32le` (integers scaled to 32 bits) or `f32le`/`f64le`.
 */
export function referenceDecode(
  path: string,
  fmt: "s32le" | "f32le" | "f64le",
): Int32Array | Float32Array | Float64Array {
  const raw = ffmpeg(["-i", path, "-f", fmt, "-"]);
  const copy = new Uint8Array(raw).buffer;
  return fmt === "s32le"
    ? new Int32Array(copy)
    : fmt === "f32le"
      ? new Float32Array(copy)
      : new Float64Array(copy);
}

/** The reference as the float values a reader must return (full scale ±1, rounded to float32). */
export function referenceFloats(path: string, fmt: "s32le" | "f32le" | "f64le"): Float32Array {
  const r = referenceDecode(path, fmt);
  if (fmt === "f32le") return r as Float32Array;
  const out = new Float32Array(r.length);
  const scale = fmt === "s32le" ? 1 / 2147483648 : 1;
  for (let i = 0; i < r.length; i++) out[i] = r[i] * scale;
  return out;
}

/** Reads a whole file through openAudioFile in blocks of `block` frames; returns interleaved float. */
export async function readInterleaved(
  path: string,
  block = 10007,
): Promise<{ info: AudioFileInfo; data: Float32Array }> {
  const r = await openAudioFile(path);
  try {
    const ch = r.info.channels;
    const parts: Float32Array[] = [];
    let n = 0;
    for (let b = await r.read(block); b; b = await r.read(block)) {
      const k = b[0].length;
      const p = new Float32Array(k * ch);
      for (let c = 0; c < ch; c++) for (let i = 0; i < k; i++) p[i * ch + c] = b[c][i];
      parts.push(p);
      n += k;
    }
    const data = new Float32Array(n * ch);
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
    return { info: r.info, data };
  } finally {
    await r.close();
  }
}

/** Index of the first difference, or −1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** A temporary folder under the OS temp dir, and its removal. */
export function tempFolder(prefix: string): {
  dir: string;
  path: (name: string) => string;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), `controlroom-${prefix}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
