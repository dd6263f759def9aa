/**
 * Shared by the mastering tests: a 64 s mix to master (the corpus rough mix when the corpus is there, else a
 * synthesised stand-in of the same shape), its excerpt, and the per-preset check.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { TARGETS } from "@controlroom/engine/mastering/index.ts";
import { corpusPath, hasCorpus, tempFolder } from "../files/test-support.ts";
import { masterChannels, readForMastering, resolveTarget, writeChannels } from "./master-file.ts";

/**
 * A 64 s, 48 kHz stereo stand-in for the corpus rough mix, shaped like it: the example song, saturated to a
 * mix's crest factor, with a quieter, dark intro (0–16 s: low-passed at about 1.5 kHz, −5 dB), a verse
 * (16–32 s, −2 dB), a full-level chorus (32–48 s) and an outro (48–64 s, −2 dB, fading over its last bar).
 */
function standInMix(): Float32Array[] {
  const fs = 48000;
  const song = exampleSong({ sampleRate: fs, seconds: 64, seed: 3 });
  const a = Math.exp((-2 * Math.PI * 1500) / fs);
  // Gentle saturation (tanh, drive 4, peak back to −3 dBFS): a mix's crest factor rather than raw drum hits.
  const k = 10 ** (-3 / 20) / Math.tanh(4 * 10 ** (-3 / 20));
  for (const x of song) for (let i = 0; i < x.length; i++) x[i] = k * Math.tanh(4 * x[i]);
  for (const x of song) {
    let lp1 = 0;
    let lp2 = 0;
    for (let i = 0; i < x.length; i++) {
      const t = i / fs;
      if (t < 16) {
        lp1 = (1 - a) * x[i] + a * lp1;
        lp2 = (1 - a) * lp1 + a * lp2;
        x[i] = lp2 * 10 ** (-5 / 20);
      } else if (t < 32 || t >= 48) x[i] *= 10 ** (-2 / 20);
    }
  }
  return song;
}

/** True when the tests master the corpus rough mix, false when they master the synthesised stand-in. */
export const MIX_FROM_CORPUS = hasCorpus("mixes", "song1-rough-mix.flac");

async function loadMix() {
  if (MIX_FROM_CORPUS) return readForMastering(corpusPath("mixes", "song1-rough-mix.flac"));
  // Through a file, so the tests see the same kind of AudioFileInfo as with the corpus.
  const tmp = tempFolder("stand-in-mix");
  after(() => tmp.remove());
  await writeChannels(tmp.path("mix.wav"), standInMix(), 48000, 24);
  return readForMastering(tmp.path("mix.wav"));
}

const mix = await loadMix();
/** 20 s from the end of the verse into the chorus (30–50 s): the loudest, densest part. */
export const excerpt = mix.channels.map((c) => c.slice(30 * 48000, 50 * 48000));
export const excerptInfo = mix.info;

/** Masters the excerpt for each preset and checks loudness (±0.5 LU) and true peak (≤ ceiling). */
export function presetTests(names: readonly string[]): void {
  for (const name of names) {
    test(name, async () => {
      const t = resolveTarget({ target: name });
      const m = await masterChannels(excerpt, mix.info, t, {});
      const got = m.result.after.integratedLufs;
      assert.ok(Math.abs(got - t.lufs) <= 0.5, `${name}: ${got.toFixed(2)} LUFS, target ${t.lufs}`);
      assert.ok(
        m.result.after.truePeakDbtp <= t.ceilingDbtp,
        `${name}: true peak ${m.result.after.truePeakDbtp}`,
      );
      if (TARGETS[name].sampleRate) assert.equal(m.sampleRate, TARGETS[name].sampleRate);
    });
  }
}

/** The whole mix (corpus or stand-in), planar. */
export const MIX_CHANNELS = mix.channels;
