import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { masterAudio } from "@controlroom/engine/mastering/master.ts";
import { readWholeFile } from "../files/open.ts";
import { corpusPath, hasCorpus, tempFolder } from "../files/test-support.ts";
import { writeChannels } from "../mastering/master-file.ts";
import { excerpt } from "../mastering/test-support.ts";
import { type QcReport, qcFile } from "./qc-file.ts";

const tmp = tempFolder("qc");
after(() => tmp.remove());
const check = (r: QcReport, id: string) => r.checks.find((c) => c.id === id);

/**
 * A 10 s mono 48 kHz take: the corpus's problem take when the corpus is there, else the same fault injected the
 * same way (see the corpus README) into a synthesised clean take (the example song's left channel).
 */
async function take(name: "clean-vox" | "vox-clipped" | "vox-dc"): Promise<string> {
  if (hasCorpus("takes", `${name}.flac`)) return corpusPath("takes", `${name}.flac`);
  const clean = exampleSong({ seconds: 10, seed: 5 })[0];
  const x =
    name === "vox-clipped"
      ? clean.map((v) => Math.max(-0.5, Math.min(0.5, v * 10 ** (8 / 20))))
      : name === "vox-dc"
        ? clean.map((v) => v + 0.05)
        : clean;
  const path = tmp.path(`${name}.wav`);
  await writeChannels(path, [x], 48000, 24);
  return path;
}

describe("qc catches each injected fault", () => {
  test("clipping (vox-clipped): fail, with the run count", async () => {
    const r = await qcFile(await take("vox-clipped"), { lossyCheck: false });
    assert.equal(check(r, "clipping")?.verdict, "fail");
    assert.ok((check(r, "clipping")?.value ?? 0) > 1000);
    assert.equal(r.verdict, "fail");
  });

  test("the clean take passes clipping, DC and format", async () => {
    const r = await qcFile(await take("clean-vox"), { lossyCheck: false });
    for (const id of ["clipping", "dc-offset", "format"]) assert.equal(check(r, id)?.verdict, "pass", id);
  });

  test("DC offset (vox-dc, +0.05 = −26 dBFS): fail", async () => {
    const r = await qcFile(await take("vox-dc"), { lossyCheck: false });
    const c = check(r, "dc-offset");
    assert.equal(c?.verdict, "fail");
    assert.ok(Math.abs((c?.value ?? 0) - 0.05) < 0.002, `DC ${c?.value}`);
  });

  test("phase: a stereo file whose right channel is the inverted left fails, mono loss is large", async () => {
    const { channels } = await readWholeFile(await take("clean-vox"), { maxFrames: 1e6 });
    const path = tmp.path("inverted.wav");
    await writeChannels(path, [channels[0], channels[0].map((v) => -v)], 48000, 24);
    const r = await qcFile(path, { lossyCheck: false });
    const c = check(r, "phase");
    assert.equal(c?.verdict, "fail");
    assert.ok((c?.value ?? 0) < -0.99, `correlation ${c?.value}`);
  });

  test("over-loud for a platform: a −3 dBFS stereo 1 kHz sine (−3 LUFS) fails spotify loudness; Spotify turns it down 11 dB", async () => {
    const n = 48000 * 5;
    const x = new Float32Array(n).map((_, i) => 10 ** (-3 / 20) * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    const path = tmp.path("loud.wav");
    await writeChannels(path, [x, x.slice()], 48000, 24);
    const r = await qcFile(path, { target: "spotify", lossyCheck: false });
    assert.equal(check(r, "loudness")?.verdict, "fail");
    assert.equal(check(r, "true-peak")?.verdict, "pass");
    // BS.1770: −0.691 + 10·log10(Σ channels mean square) with K-weighting +0.69 dB at 1 kHz; mean square per
    // channel 0.5·10^(−3/10) → −0.691 + 10·log10(2 · 0.25) + 0.69 ≈ −3.0 LUFS.
    assert.ok(Math.abs(r.measurements.integratedLufs - -3.0) < 0.05, `${r.measurements.integratedLufs}`);
    const spotify = r.platforms.find((p) => p.platform === "spotify");
    assert.ok(Math.abs((spotify?.gainDb ?? 0) - -11.0) <= 0.11, `spotify gain ${spotify?.gainDb}`);
    assert.equal(r.platforms.find((p) => p.platform === "youtube")?.gainDb, -11);
  });

  test("inter-sample overs after MP3 encoding: a master limited to −0.1 dBTP passes true peak but fails lossy-peaks", async () => {
    // 32–40 s of the mix: the start of the chorus.
    const ex = excerpt.map((c) => c.slice(2 * 48000, 10 * 48000));
    const m = await masterAudio(ex, {
      sampleRate: 48000,
      targetLufs: -9,
      ceilingDbtp: -0.1,
      maxLimitingDb: 20,
    });
    const path = tmp.path("hot.wav");
    await writeChannels(path, m.channels, 48000, 24);
    const r = await qcFile(path);
    assert.notEqual(check(r, "true-peak")?.verdict, "fail");
    const c = check(r, "lossy-peaks");
    assert.equal(c?.verdict, "fail", c?.message);
    assert.ok((c?.value ?? 0) > 0);
    assert.equal(r.verdict, "fail");
  });
});
