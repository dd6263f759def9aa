/**
 * The valid files a fuzz run damages, made by ffmpeg at run time (nothing binary in the repository): every
 * container the readers know, in its common variants, a quarter of a second each so a case reads in
 * milliseconds.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FuzzSeed } from "./run-fuzz.ts";

/** [file name, ffmpeg output arguments]; the input is 0.25 s of two tones and a little noise. */
const SEEDS: [string, string[]][] = [
  ["s16-stereo.wav", ["-ac", "2", "-ar", "44100", "-c:a", "pcm_s16le", "-metadata", "title=Take 3"]],
  [
    "s24-mono-bext.wav",
    ["-ac", "1", "-c:a", "pcm_s24le", "-write_bext", "1", "-metadata", "description=Vox"],
  ],
  ["f32-extensible.wav", ["-ac", "3", "-c:a", "pcm_f32le"]],
  ["u8-mono.wav", ["-ac", "1", "-ar", "8000", "-c:a", "pcm_u8"]],
  ["s24-stereo.rf64", ["-ac", "2", "-c:a", "pcm_s24le", "-rf64", "always", "-f", "wav"]],
  ["s16-stereo.flac", ["-ac", "2", "-c:a", "flac", "-metadata", "ARTIST=Control Room"]],
  ["s24-mono.flac", ["-ac", "1", "-c:a", "flac", "-sample_fmt", "s32", "-bits_per_raw_sample", "24"]],
  [
    "stereo.mp3",
    ["-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-metadata", "title=Hook"],
  ],
  ["mono-22k.mp3", ["-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "48k", "-id3v2_version", "0"]],
  ["stereo.ogg", ["-ac", "2", "-c:a", "libvorbis", "-q:a", "2", "-metadata", "title=Hook"]],
  ["s16-stereo.aiff", ["-ac", "2", "-c:a", "pcm_s16be", "-f", "aiff"]],
];

/** Makes the seed files with ffmpeg (which must be installed). */
export function makeSeeds(): FuzzSeed[] {
  const dir = mkdtempSync(join(tmpdir(), "controlroom-fuzz-seeds-"));
  try {
    return SEEDS.map(([name, args]) => {
      const path = join(dir, name);
      const src = "aevalsrc=0.3*sin(2*PI*440*t)+0.2*sin(2*PI*1250*t)+0.05*(random(0)-0.5):s=48000:d=0.25";
      execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", src, ...args, path]);
      return { name, bytes: new Uint8Array(readFileSync(path)) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
