/**
 * Repair tools on synthetic material with injected faults of known position and size (always runs; the
 * corpus takes are tested in packages/node/src/repair/corpus.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { snrDb, toneAmplitude } from "../analysis/signal-to-noise.ts";
import { alignRecordings, shiftChannel } from "./align.ts";
import { measureDc, removeDc } from "./dc.ts";
import { declick, detectClicks } from "./declick.ts";
import { declip, detectClipping } from "./declip.ts";
import { dehum, detectHum } from "./dehum.ts";
import { denoise, expint1, logSpectralAmplitudeGain } from "./denoise.ts";
import { detectProblems } from "./detect.ts";
import { parseFixes, repairChannels } from "./repair-channels.ts";
import { gaussian, sungSignal } from "./test-signal.test.ts";

const RATE = 48000;
const clean = sungSignal(RATE);

describe("declick", () => {
  const positions = [9000, 31000, 52000, 70000, 101000, 133000, 150000, 171000];
  const dirty = new Float32Array(clean);
  positions.forEach((p, i) => {
    const len = [1, 1, 6, 12, 1, 30, 3, 1][i];
    for (let k = 0; k < len; k++) {
      const w = len === 1 ? 1 : Math.sin((Math.PI * (k + 0.5)) / len);
      dirty[p + k] += (i % 2 ? -1 : 1) * 0.25 * w * (len > 12 ? (k % 3 === 0 ? 1 : -0.6) : 1);
    }
  });

  it("finds every injected click and nothing in the clean signal", () => {
    const found = detectClicks(dirty, RATE);
    const hits = positions.filter((p) => found.some((e) => e.start <= p + 30 && e.start + e.length >= p));
    assert.equal(hits.length, positions.length, `found ${found.map((e) => e.start).join(", ")}`);
    assert.equal(found.length, positions.length);
    assert.deepEqual(detectClicks(clean, RATE), []);
  });

  it("finds clicks in hiss: a repeat a period away must carry the click's energy, not chance correlation", () => {
    // Hiss at −46 dBFS under the voice: before, over ~1,900 lags of noise-like prediction error some lag
    // correlated above 0.5 by chance and 7 of these 11 clicks were taken for glottal pulses.
    const hissy = new Float32Array(clean);
    const hiss = gaussian(hissy.length, 10 ** (-46 / 20), 5);
    for (let i = 0; i < hissy.length; i++) hissy[i] += hiss[i];
    assert.deepEqual(detectClicks(hissy, RATE), [], "no clicks in the voice with hiss");
    const at = Array.from({ length: 11 }, (_, k) => 8000 + k * 16100);
    at.forEach((p, k) => {
      hissy[p] += k % 2 ? -0.3 : 0.3;
    });
    const found = detectClicks(hissy, RATE);
    const missed = at.filter((p) => !found.some((e) => e.start <= p && e.start + e.length > p));
    assert.deepEqual(missed, [], `found ${found.map((e) => e.start).join(", ")}`);
    assert.equal(found.length, at.length);
  });

  it("restores the signal under the clicks (SNR vs the clean signal up by 20 dB)", () => {
    const r = declick(dirty, RATE);
    const before = snrDb(clean, dirty);
    const after = snrDb(clean, r.output);
    assert.ok(after > before + 20, `SNR ${before.toFixed(1)} → ${after.toFixed(1)} dB`);
  });
});

describe("declip", () => {
  // Clipped 3 dB below its peak: the synthetic notes have broad peaks, so this clips about a third of the
  // samples (the corpus take, held to the goal, clips 1.4 %).
  const loud = clean.map((v) => v * 2.5);
  const level = Math.fround(0.7 * loud.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  const clipped = loud.map((v) => Math.max(-level, Math.min(level, v)));

  it("counts the clipped runs and samples exactly", () => {
    let runs = 0;
    let samples = 0;
    for (let i = 0; i < loud.length; i++) {
      if (Math.abs(loud[i]) >= level) {
        samples++;
        if (i === 0 || Math.abs(loud[i - 1]) < level || Math.sign(loud[i - 1]) !== Math.sign(loud[i])) runs++;
      }
    }
    const r = detectClipping(clipped);
    assert.equal(r.samples, samples);
    assert.equal(r.runs, runs);
    assert.equal(r.level, level);
    assert.equal(detectClipping(loud).runs, 0);
  });

  it("reconstructs peaks beyond the clip level, closer to the unclipped signal", () => {
    const r = declip(clipped, RATE);
    assert.ok(r.peakAfter > level);
    const before = snrDb(loud, clipped);
    const after = snrDb(loud, r.output);
    assert.ok(after > before + 6, `SNR ${before.toFixed(1)} → ${after.toFixed(1)} dB`);
  });
});

describe("dehum", () => {
  const hum = new Float32Array(clean.length);
  const parts = [
    [1, 0.03],
    [2, 0.01],
    [3, 0.02],
    [5, 0.005],
  ];
  const f0 = 60.3;
  for (let i = 0; i < hum.length; i++) {
    for (const [k, a] of parts) hum[i] += a * Math.sin((2 * Math.PI * k * f0 * i) / RATE + k);
  }
  const dirty = clean.map((v, i) => v + hum[i]);

  it("finds the mains fundamental and its harmonics, and no hum in the clean signal", () => {
    const h = detectHum(dirty, RATE);
    assert.ok(h);
    assert.ok(Math.abs(h.fundamentalHz - f0) < 0.01, `${h.fundamentalHz} Hz`);
    assert.ok(Math.abs(h.levelDb - 20 * Math.log10(0.03)) < 0.5);
    for (const [k] of parts)
      assert.ok(
        h.harmonics.some((x) => x.number === k),
        `harmonic ${k}`,
      );
    assert.equal(detectHum(clean, RATE), null);
  });

  it("takes every hum component down by at least 30 dB", () => {
    const h = detectHum(dirty, RATE);
    assert.ok(h);
    const out = dehum(dirty, RATE, h).output;
    const residual = out.map((v, i) => v - clean[i]);
    for (const [k, a] of parts) {
      const left = toneAmplitude(residual, k * f0, RATE);
      assert.ok(
        20 * Math.log10(left / a) < -30,
        `${k * f0} Hz down ${(20 * Math.log10(left / a)).toFixed(1)} dB`,
      );
    }
  });
});

describe("denoise", () => {
  it("improves the SNR of a noisy signal", () => {
    const noise = gaussian(clean.length, 0.005);
    const noisy = clean.map((v, i) => v + noise[i]);
    const out = denoise(noisy, RATE).output;
    assert.ok(snrDb(clean, out) > snrDb(clean, noisy) + 3);
  });

  it("exponential integral E1 matches tabulated values (Abramowitz & Stegun 5.1)", () => {
    // E1(0.01), E1(0.1), E1(0.5), E1(1), E1(2), E1(5), E1(10)
    const table: [number, number][] = [
      [0.01, 4.037929576538114],
      [0.1, 1.82292395841939],
      [0.5, 0.5597735947761608],
      [1, 0.2193839343955203],
      [2, 0.04890051070806112],
      [5, 0.001148295591275326],
      [10, 4.156968929685324e-6],
    ];
    for (const [v, e] of table) assert.ok(Math.abs(expint1(v) / e - 1) < 1e-9, `E1(${v}) = ${expint1(v)}`);
  });

  it("the log-spectral-amplitude gain tends to the Wiener gain at high SNR and exceeds it at low γ", () => {
    // v = ξγ/(1+ξ) large: exp(½E1(v)) → 1.
    assert.ok(Math.abs(logSpectralAmplitudeGain(100, 1000) - 100 / 101) < 1e-3);
    // Low a-posteriori SNR: the LSA gain is above the Wiener gain ξ/(1+ξ) and below 1.
    const g = logSpectralAmplitudeGain(1, 0.5);
    assert.ok(g > 0.5 && g < 1, `${g}`);
    // Gain falls as ξ falls.
    assert.ok(logSpectralAmplitudeGain(0.01, 1) < logSpectralAmplitudeGain(0.1, 1));
  });

  it("refuses a noise range outside the audio", () => {
    assert.throws(() => denoise(clean, RATE, { noiseFrom: [3, 9] }), /noiseFrom/);
  });
});

describe("dc", () => {
  it("removes a constant offset to below −90 dBFS", () => {
    const shifted = clean.map((v) => v + 0.05);
    assert.ok(Math.abs(measureDc(shifted).offset - 0.05) < 0.001);
    const out = removeDc(shifted, RATE);
    assert.ok(measureDc(out).db < -90, `${measureDc(out).db} dBFS`);
  });
});

describe("align", () => {
  it("finds a whole-sample delay and inverted polarity exactly", () => {
    const late = new Float32Array(clean.length);
    for (let i = 37; i < late.length; i++) late[i] = -clean[i - 37];
    const r = alignRecordings([clean], [late], RATE);
    assert.equal(r.delaySamples, 37);
    assert.equal(r.inverted, true);
    assert.ok(Math.abs(r.delayMs - (37 / RATE) * 1000) < 1e-3);
    assert.ok(snrDb(clean.subarray(0, 150000), r.aligned[0].subarray(0, 150000)) > 100);
  });

  it("finds a fractional delay within a tenth of a sample", () => {
    const late = shiftChannel(clean, -12.4, 1);
    const r = alignRecordings([clean], [late], RATE);
    assert.ok(Math.abs(r.delaySamples - 12.4) < 0.1, `${r.delaySamples}`);
    assert.equal(r.inverted, false);
  });
});

describe("detection summary and repairChannels", () => {
  it("reports nothing for a clean signal", () => {
    assert.deepEqual(detectProblems([clean], RATE).summary, []);
  });

  it("auto repairs DC and clicks together, with badges and a report", () => {
    const dirty = clean.map((v) => v + 0.02);
    dirty[40000] += 0.3;
    dirty[90000] -= 0.3;
    const found = detectProblems([dirty], RATE);
    assert.deepEqual(found.summary, ["2 clicks", "DC offset \u221234 dB"]);
    const r = repairChannels([dirty], RATE, { fixes: "auto" });
    assert.deepEqual(r.report.fixes, ["dc", "declick"]);
    assert.ok(snrDb(clean, r.channels[0]) > 40);
  });

  it("every fix copes with silence, a few samples and two channels", () => {
    const all = ["declick", "decrackle", "dehum", "denoise", "declip", "dc"] as const;
    for (const n of [0, 1, 100, 48000]) {
      const silent = new Float32Array(n);
      const r = repairChannels([silent, silent], RATE, { fixes: [...all] });
      assert.equal(r.channels.length, 2);
      assert.ok(r.channels.every((c) => c.length === n && c.every((v) => v === 0)));
      if (n > 0) assert.equal(alignRecordings([silent], [clean.subarray(0, n)], RATE).correlation, 0);
    }
  });

  it("names an unknown fix", () => {
    assert.throws(() => parseFixes(["declick", "dewow"]), /unknown fix "dewow"/);
  });
});
