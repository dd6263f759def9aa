/**
 * Test helpers for the corpus take vox-pitchy.flac (six sustained notes, each off its A-minor target by a known
 * amount). Decoded with ffmpeg, since the engine has no file reading. Lives in a `.test.ts` file (Node APIs).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { corpusPath, hasCorpus, NO_CORPUS } from "../../../../../scripts/test-corpus.ts";

/** One note of the take, from the JSON sidecar. */
export interface PitchyNote {
  index: number;
  startSample: number;
  endSample: number;
  targetMidi: number;
  targetHz: number;
  detuneCents: number;
  sungHz: number;
}

export interface PitchyTake {
  audio: Float32Array;
  sampleRate: number;
  notes: PitchyNote[];
  vibrato: { rateHz: number; depthCents: number; startsAfterSeconds: number };
}

let cached: PitchyTake | null | undefined;

/** The take decoded to mono float and its sidecar; null when the corpus is not there. */
export function loadPitchy(): PitchyTake | null {
  if (cached !== undefined) return cached;
  const flac = corpusPath("takes", "vox-pitchy.flac");
  if (!hasCorpus("takes", "vox-pitchy.flac")) {
    cached = null;
    return null;
  }
  const buf = execFileSync("ffmpeg", ["-v", "error", "-i", flac, "-f", "f32le", "-ac", "1", "-"], {
    maxBuffer: 1 << 26,
  });
  const audio = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const meta = JSON.parse(readFileSync(corpusPath("takes", "vox-pitchy.json"), "utf8"));
  cached = { audio, sampleRate: meta.sampleRate, notes: meta.notes, vibrato: meta.vibrato };
  return cached;
}

/** Median of a list (the upper middle for even counts). */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

test("pitchy helper: the sidecar matches the decoded audio", (t) => {
  const take = loadPitchy();
  if (!take) {
    t.skip(NO_CORPUS);
    return;
  }
  assert.equal(take.audio.length, 480000);
  assert.equal(take.notes.length, 6);
  assert.equal(median([3, 1, 2]), 2);
});
