/**
 * The repair tools held to the corpus takes' ground truth (../shared/corpus/takes, truth.json): the issue's
 * measured goals. A goal not met is a `todo` test carrying the measured number, so it shows in every run
 * without failing it; the numbers are printed either way.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { snrDb, toneAmplitude } from "@controlroom/engine/analysis/signal-to-noise.ts";
import { ThirdOctaveAnalyzer } from "@controlroom/engine/analysis/third-octave.ts";
import { alignRecordings } from "@controlroom/engine/repair/align.ts";
import { measureDc } from "@controlroom/engine/repair/dc.ts";
import { detectClipping } from "@controlroom/engine/repair/declip.ts";
import { detectProblems } from "@controlroom/engine/repair/detect.ts";
import { repairChannels } from "@controlroom/engine/repair/repair-channels.ts";
import { readWholeFile } from "../files/open.ts";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";

const corpus = corpusPath();
const noCorpus = skipWithoutCorpus("takes", "clean-vox.flac");
const RATE = 48000;

async function take(name: string): Promise<Float32Array> {
  return (await readWholeFile(join(corpus, "takes", name), { maxFrames: 10 * RATE })).channels[0];
}

function truth(name: string): Record<string, unknown> {
  return (
    JSON.parse(readFileSync(join(corpus, "takes", "truth.json"), "utf8"))[name] ??
    JSON.parse(readFileSync(join(corpus, "takes", name.replace(/\.flac$/, ".json")), "utf8"))
  );
}

/** Long-term 1/3-octave band levels (8192-point frames, one every 8192 samples). */
function bands(x: Float32Array): { centerHz: number; levelDb: number }[] {
  const a = new ThirdOctaveAnalyzer(RATE, 1, 8192 / RATE);
  a.process([x], x.length);
  return a.bands();
}

const log = (what: string) => console.log(`  # ${what}`);

describe("repair on the corpus takes", { skip: noCorpus }, () => {
  it("finds no problems in the clean take", async () => {
    const clean = await take("clean-vox.flac");
    assert.deepEqual(detectProblems([clean], RATE).summary, []);
  });

  it("clicks: recall and precision ≥ 95 %, and the SNR of the repaired take", async () => {
    const clean = await take("clean-vox.flac");
    const dirty = await take("vox-clicks.flac");
    const t = truth("vox-clicks.flac") as { clicks: { sample: number; lengthSamples: number }[] };
    const found = detectProblems([dirty], RATE);
    const overlaps = (e: { start: number; length: number }, c: { sample: number; lengthSamples: number }) =>
      e.start < c.sample + c.lengthSamples && c.sample < e.start + e.length;
    const hit = t.clicks.filter((c) => found.clicks.events.some((e) => overlaps(e, c)));
    const right = found.clicks.events.filter((e) => t.clicks.some((c) => overlaps(e, c)));
    const recall = hit.length / t.clicks.length;
    const precision = right.length / Math.max(1, found.clicks.count);
    const { channels } = repairChannels([dirty], RATE, { fixes: ["declick"] });
    const before = snrDb(clean, dirty);
    const after = snrDb(clean, channels[0]);
    log(
      `clicks: ${found.clicks.count} found, recall ${(100 * recall).toFixed(1)} %, precision ${(100 * precision).toFixed(1)} %; SNR vs clean ${before.toFixed(2)} → ${after.toFixed(2)} dB`,
    );
    assert.ok(recall >= 0.95, `recall ${recall}`);
    assert.ok(precision >= 0.95, `precision ${precision}`);
    assert.ok(after > before, `SNR ${before} → ${after}`);
    assert.ok(found.summary.includes(`${found.clicks.count} clicks`));
  });

  it("hum: 50…300 Hz components down ≥ 30 dB, bands elsewhere within 0.5 dB", async () => {
    const clean = await take("clean-vox.flac");
    const dirty = await take("vox-hum.flac");
    const t = truth("vox-hum.flac") as { partials: { hz: number; peakDbfs: number }[] };
    const found = detectProblems([dirty], RATE);
    assert.ok(found.summary.includes("hum 50 Hz \u221230 dB"), found.summary.join("; "));
    const { channels } = repairChannels([dirty], RATE, { fixes: ["dehum"] });
    const out = channels[0];
    const left = out.map((v, i) => v - clean[i]);
    const downs = t.partials.map(
      (p) => 20 * Math.log10(toneAmplitude(left, p.hz, RATE) / 10 ** (p.peakDbfs / 20)),
    );
    log(
      `hum: components down ${t.partials.map((p, i) => `${p.hz} Hz ${(-downs[i]).toFixed(1)} dB`).join(", ")}`,
    );
    const bClean = bands(clean);
    const bIn = bands(dirty);
    const bOut = bands(out);
    // Away from the hum (400 Hz up; the bands below 40 Hz hold the analyser's own leakage of the 50 Hz line
    // in the input) nothing changes; and every band, the hum's included, ends where the clean take's is.
    const elsewhere = bIn
      .map((b, i) => ({ hz: b.centerHz, change: bOut[i].levelDb - b.levelDb }))
      .filter((b) => b.hz >= 400);
    const worst = elsewhere.reduce((m, b) => (Math.abs(b.change) > Math.abs(m.change) ? b : m));
    const fromClean = bClean.map((b, i) => bOut[i].levelDb - b.levelDb);
    const worstClean = fromClean.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    log(
      `hum: largest band change from 400 Hz up ${worst.change.toFixed(3)} dB (at ${worst.hz} Hz); every band within ${Math.abs(worstClean).toFixed(3)} dB of the clean take`,
    );
    for (const d of downs) assert.ok(d <= -30, `a component only ${d.toFixed(1)} dB down`);
    assert.ok(Math.abs(worst.change) < 0.5);
    assert.ok(Math.abs(worstClean) < 0.5);
  });

  it("noise: SNR improvement and voice band levels", async () => {
    const clean = await take("clean-vox.flac");
    const dirty = await take("vox-noise.flac");
    const { channels } = repairChannels([dirty], RATE, { fixes: ["denoise"] });
    const before = snrDb(clean, dirty);
    const after = snrDb(clean, channels[0]);
    // The voice's bands: where the clean voice stands 10 dB or more above the added noise.
    const bc = bands(clean);
    const bn = bands(dirty.map((v, i) => v - clean[i]));
    const bo = bands(channels[0]);
    const dev = bc
      .filter((b, i) => b.levelDb > bn[i].levelDb + 10)
      .map((b) => bo[bc.indexOf(b)].levelDb - b.levelDb);
    const worst = dev.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    log(
      `noise (12 dB amount): SNR ${before.toFixed(2)} → ${after.toFixed(2)} dB (+${(after - before).toFixed(2)}); voice bands within ${Math.abs(worst).toFixed(2)} dB`,
    );
    assert.ok(after > before + 3, `SNR ${before} → ${after}`);
    assert.ok(Math.abs(worst) <= 1, `a voice band moved ${worst.toFixed(2)} dB`);
    noiseGain = after - before;
  });

  let noiseGain = Number.NaN;
  it("noise: SNR improvement ≥ 8 dB (goal)", {
    todo: "measured +6.64 dB at the default 12 dB amount (+7.09 at 15, +7.39 at 20); the Wiener gain with the true speech power gives +7.51 at 12 dB, averaged over 3 frames × 3 bins +7.98 at 20 (npm run bench:denoise-limits); see the README",
  }, () => {
    assert.ok(noiseGain >= 8, `+${noiseGain.toFixed(2)} dB`);
  });

  it("clipping: exact runs found; SNR vs the ideal repair improved ≥ 10 dB", async () => {
    const clean = await take("clean-vox.flac");
    const dirty = await take("vox-clipped.flac");
    const t = truth("vox-clipped.flac") as {
      clippedSamples: number;
      clippedRuns: number;
      clipLevel: number;
      gainDb: number;
    };
    const found = detectClipping(dirty);
    assert.equal(found.runs, t.clippedRuns);
    assert.equal(found.samples, t.clippedSamples);
    assert.equal(found.level, t.clipLevel);
    assert.ok(detectProblems([dirty], RATE).summary.includes("clipped 1,145 runs"));
    const g = 10 ** (t.gainDb / 20);
    const ideal = clean.map((v) => v * g);
    const { channels, report } = repairChannels([dirty], RATE, { fixes: ["declip"] });
    const before = snrDb(ideal, dirty);
    const after = snrDb(ideal, channels[0]);
    log(
      `clipping: SNR vs ideal ${before.toFixed(2)} → ${after.toFixed(2)} dB (+${(after - before).toFixed(2)}), gain ${report.gainDb} dB`,
    );
    assert.ok(after >= before + 10, `+${(after - before).toFixed(2)} dB`);
  });

  it("DC: residual below −90 dBFS", async () => {
    const dirty = await take("vox-dc.flac");
    const found = detectProblems([dirty], RATE);
    assert.ok(Math.abs(found.dc.offset - 0.05) < 1e-3);
    const { channels } = repairChannels([dirty], RATE, { fixes: "auto" });
    const residual = measureDc(channels[0]).db;
    log(`DC: residual ${residual.toFixed(1)} dBFS`);
    assert.ok(residual < -90);
  });

  it("polarity and delay: 37 samples late and inverted, found exactly", async () => {
    const clean = await take("clean-vox.flac");
    const late = await take("vox-late-polarity.flac");
    const r = alignRecordings([clean], [late], RATE);
    assert.equal(r.delaySamples, 37);
    assert.equal(r.inverted, true);
    assert.ok(snrDb(clean.subarray(0, clean.length - 37), r.aligned[0].subarray(0, clean.length - 37)) > 100);
  });
});
