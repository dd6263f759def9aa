import assert from "node:assert/strict";
import { after, test } from "node:test";
import { parseChain } from "@controlroom/engine";
import { runChain } from "@controlroom/engine/mastering/master.ts";
import {
  longTermSpectrum,
  sideToMidRatio,
  spectralDistanceDb,
} from "@controlroom/engine/mastering/spectrum.ts";
import { readWholeFile } from "../files/open.ts";
import { tempFolder } from "../files/test-support.ts";
import { masterFile, writeChannels } from "./master-file.ts";
import { excerpt } from "./test-support.ts";

const tmp = tempFolder("reference");
after(() => tmp.remove());

test("reference matching moves the tonal balance, loudness and width towards a brighter, leaner, narrower reference", async (t) => {
  // The reference: another part of the song, tilted (−4 dB below 150 Hz, +5 dB above 4 kHz), at −12 LUFS-ish.
  const input = excerpt.map((c) => c.slice(0, 10 * 48000));
  const refSrc = excerpt.map((c) => c.slice(10 * 48000, 20 * 48000));
  const tilt = parseChain(
    [
      {
        type: "eq",
        bands: [
          { kind: "lowshelf", freq: 150, gainDb: -4 },
          { kind: "highshelf", freq: 4000, gainDb: 5 },
        ],
      },
      { type: "gain", db: 3 },
      { type: "width", amount: 0.6 },
    ],
    { sampleRate: 48000, channels: 2 },
  );
  const ref = runChain(tilt, refSrc);
  await writeChannels(tmp.path("in.wav"), input, 48000, 24);
  await writeChannels(tmp.path("ref.wav"), ref, 48000, 24);
  const o = await masterFile(tmp.path("in.wav"), tmp.path("out.wav"), { reference: tmp.path("ref.wav") });
  const r = o.report.reference;
  assert.ok(r);
  // The master as delivered.
  const master = (await readWholeFile(tmp.path("out.wav"), { maxFrames: 48000 * 600 })).channels;
  // Independent re-measurement of the distances from the spectra.
  const dBefore = spectralDistanceDb(longTermSpectrum(input, 48000), longTermSpectrum(ref, 48000));
  const dAfter = spectralDistanceDb(longTermSpectrum(master, 48000), longTermSpectrum(ref, 48000));
  assert.ok(Math.abs(dBefore - r.distanceBeforeDb) < 0.01);
  t.diagnostic(
    `spectral distance to the reference: ${dBefore.toFixed(2)} dB before, ${dAfter.toFixed(2)} dB after`,
  );
  assert.ok(dBefore > 2.5, `the tilt makes a clear difference: ${dBefore.toFixed(2)} dB`);
  assert.ok(dAfter < dBefore * 0.5, `distance ${dBefore.toFixed(2)} → ${dAfter.toFixed(2)} dB`);
  // Loudness follows the reference (no --lufs given), within ±0.5 LU.
  assert.ok(
    Math.abs(o.result.after.integratedLufs - r.lufs) <= 0.5,
    `${o.result.after.integratedLufs} vs ${r.lufs}`,
  );
  assert.ok(o.result.after.truePeakDbtp <= -1);
  // Width: the side-to-mid energy ratio moves to the reference's.
  const smIn = sideToMidRatio(input) ?? 0;
  const smRef = sideToMidRatio(ref) ?? 0;
  const smOut = sideToMidRatio(master) ?? 0;
  t.diagnostic(`side/mid ${smIn.toFixed(4)} → ${smOut.toFixed(4)}, reference ${smRef.toFixed(4)}`);
  assert.ok(Math.abs(Math.log(smOut / smRef)) < Math.abs(Math.log(smIn / smRef)) / 3);
});
