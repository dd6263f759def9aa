import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSession } from "../session/load.ts";
import { dynamicFeatures, measureFeatures, powerSpectrum, spectralFeatures } from "./features.ts";
import { decideMove } from "./moves.ts";
import type { MoveContext } from "./simulate.ts";

const SR = 48000;

function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 0.5;
  }
  return x;
}

function sine(n: number, f: number, a = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / SR));
}

describe("features against analytic values", () => {
  const n = SR * 4;
  test("white noise: +3 dB per octave in third-octave bands, a band against the rest by its bandwidth", () => {
    const w = noise(n, 1);
    const f = spectralFeatures(powerSpectrum([w], SR));
    assert.ok(Math.abs(f.tiltDbPerOct - 3) < 0.2, `tilt ${f.tiltDbPerOct}`);
    // 10-20 kHz holds 10/19.98 of 20 Hz-20 kHz: against the rest, 10·log10(10 / 9.98) ≈ 0 dB.
    assert.ok(Math.abs(f.airDb - 0) < 0.3, `air ${f.airDb}`);
    // 2-5 kHz: 3/19.98 of it → 10·log10(3 / 16.98) = −7.5 dB.
    assert.ok(Math.abs(f.presenceDb + 7.5) < 0.3, `presence ${f.presenceDb}`);
  });

  test("width and correlation: mono, anti-phase, uncorrelated", () => {
    const a = noise(n, 2);
    const b = noise(n, 3);
    const mono = spectralFeatures(powerSpectrum([a, a], SR));
    assert.equal(mono.widthDb, -60);
    assert.ok(mono.correlation > 0.999);
    const anti = spectralFeatures(powerSpectrum([a, a.map((v) => -v)], SR));
    assert.ok(anti.correlation < -0.999);
    assert.ok(anti.widthDb > 40);
    const wide = spectralFeatures(powerSpectrum([a, b], SR));
    assert.ok(Math.abs(wide.widthDb) < 0.3, `uncorrelated side/mid ${wide.widthDb}`);
    assert.ok(Math.abs(wide.correlation) < 0.05);
  });

  test("a sine's crest factor is 3.01 dB; a steady tone has no short-term dynamics", () => {
    const d = dynamicFeatures([sine(n, 1000)], SR);
    assert.ok(Math.abs(d.crestDb - 3.01) < 0.05, `crest ${d.crestDb}`);
    assert.ok(d.dynamicsDb < 0.1);
  });

  test("level in the mix: a part 6 dB under an equal, uncorrelated partner", () => {
    const a = noise(n, 4);
    const b = noise(n, 5).map((v) => v * 0.5);
    const mix = a.map((v, i) => v + b[i]);
    const f = measureFeatures([b, b], SR, [mix, mix]).features;
    // b has 1/4 the power of a: 10·log10(0.25 / 1.25) = −6.99 dB.
    assert.ok(Math.abs(f.levelInMixDb + 6.99) < 0.3, `level ${f.levelInMixDb}`);
  });
});

describe("a move is decided from the measurement", () => {
  /** A warm move on audio whose low mids are light or heavy. */
  function warmOn(lowMidGain: number) {
    const n = SR * 3;
    const x = noise(n, 7).map((v) => v * 0.3);
    const tone = sine(n, 250, 0.3 * lowMidGain);
    const audio = x.map((v, i) => v + tone[i]);
    const session = parseSession({
      version: 2,
      sampleRate: SR,
      audio: { a: { sha256: "0".repeat(64), path: "a.wav", sampleRate: SR, channels: 2, frames: n } },
      tracks: [{ id: "a", channels: 2, takes: [{ id: "t", clips: [{ audio: "a", start: 0, length: 3 }] }] }],
    });
    const stereo = [audio, audio.slice()];
    const ctx: MoveContext = {
      session,
      measuredSession: session,
      sampleRate: SR,
      target: { kind: "track", id: "a", name: "a", trackIds: ["a"] },
      audio: stereo,
      mix: stereo,
      measurement: measureFeatures(stereo, SR, stereo),
      audioOf: () => stereo,
    };
    const m = decideMove(ctx, "warm", "more", 1);
    const eq = m.changes.find((c) => c.op === "add-insert");
    assert.ok(eq && eq.op === "add-insert");
    const bands = eq.processor.bands as { kind: string; gainDb: number }[];
    return {
      shelf: bands.find((b) => b.kind === "lowshelf")!.gainDb,
      dip: bands.find((b) => b.kind === "peak")!.gainDb,
      m,
    };
  }

  test("warmer on a track already heavy at 250 Hz adds less there and takes more from 3-6 kHz", () => {
    const light = warmOn(0);
    const heavy = warmOn(8);
    assert.ok(heavy.shelf < light.shelf, `shelf ${heavy.shelf} vs ${light.shelf}`);
    assert.ok(heavy.dip < light.dip, `dip ${heavy.dip} vs ${light.dip}`);
    for (const r of [light, heavy]) {
      assert.ok(r.m.predicted.after - r.m.predicted.before >= 2.4, r.m.reason);
      assert.match(r.m.reason, /low-mid\/presence balance [+-]\d+\.\d dB → [+-]\d+\.\d dB/);
    }
  });
});
