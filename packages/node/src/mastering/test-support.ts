/** Shared by the mastering tests: the corpus mix excerpt and the per-preset check. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { TARGETS } from "@controlroom/engine/mastering/index.ts";
import { CORPUS } from "../files/test-support.ts";
import { masterChannels, readForMastering, resolveTarget } from "./master-file.ts";

export const MIX = join(CORPUS, "mixes", "song1-rough-mix.flac");
const mix = await readForMastering(MIX);
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

/** The whole corpus mix, planar. */
export const MIX_CHANNELS = mix.channels;
