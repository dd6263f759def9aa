/**
 * Detection must not badge healthy material: quantised sines at slow peaks, sustained notes whose partials
 * fall on mains multiples, drum hits and struck notes. Each case also checks that the real fault added to the
 * same material is still found.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectClicks } from "./declick.ts";
import { detectClipping } from "./declip.ts";
import { detectHum } from "./dehum.ts";
import { detectProblems } from "./detect.ts";

const RATE = 48000;

/** Rounds to 16-bit steps, as a 16-bit file holds it. */
function to16Bit(x: Float32Array): Float32Array {
  return x.map((v) => Math.round(v * 32767) / 32767);
}

/** A steady note: partial k (1-based) at k·hz with amplitude amp·partials[k − 1], peak. */
function note(hz: number, amp: number, seconds: number, partials = [1, 0.5, 0.3, 0.2, 0.1]): Float32Array {
  const x = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    partials.forEach((a, k) => {
      s += a * Math.sin((2 * Math.PI * hz * (k + 1) * i) / RATE + k);
    });
    x[i] = amp * s;
  }
  return x;
}

/** Deterministic uniform noise −1 … 1. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/**
 * A kick drum pattern (hits a quarter to a whole second apart): a beater transient (1 ms of noise, decaying)
 * on a body swept from 160 to 55 Hz decaying over 150 ms; a hit may start over the previous one's tail. No DC
 * (a desk's input is AC coupled).
 */
function kicks(seconds: number): Float32Array {
  const x = new Float32Array(seconds * RATE);
  const rnd = noise(5);
  const gaps = [0.5, 0.25, 0.75, 1, 0.5, 0.5];
  for (let t0 = 0.1 * RATE, h = 0; t0 < x.length; t0 += gaps[h++ % gaps.length] * RATE) {
    let phase = 0;
    const len = 0.6 * RATE;
    for (let i = 0; i < len && t0 + i < x.length; i++) {
      const t = i / RATE;
      phase += (2 * Math.PI * (55 + 105 * Math.exp(-t / 0.03))) / RATE;
      const beater = i < 0.001 * RATE ? 0.3 * rnd() * Math.exp(-t / 0.0003) : 0;
      // The ringing is let go smoothly over its last 0.1 s (a cut would itself be a click).
      const fade = Math.min(1, (len - i) / (0.1 * RATE));
      x[t0 + i] += 0.5 * Math.exp(-t / 0.15) * Math.sin(phase) * fade + beater;
    }
  }
  const mean = x.reduce((m, v) => m + v, 0) / x.length;
  return x.map((v) => v - mean);
}

/**
 * Struck notes (an electric-piano-like tone: partials decaying at different rates, full level at once) every
 * 0.4 s, each over the ringing of the ones before (which ring on to the end).
 */
function struckNotes(seconds: number): Float32Array {
  const x = new Float32Array(seconds * RATE);
  const pitches = [196, 262, 330, 220, 294, 247];
  let n = 0;
  for (let t0 = 0.05 * RATE; t0 < x.length; t0 += 0.4 * RATE, n++) {
    const hz = pitches[n % pitches.length];
    for (let i = 0; t0 + i < x.length; i++) {
      const t = i / RATE;
      let s = 0;
      for (let k = 1; k <= 8; k++) s += (Math.exp(-t / (1.2 / k)) * Math.sin(2 * Math.PI * k * hz * t)) / k;
      x[t0 + i] += 0.15 * s;
    }
  }
  return x;
}

describe("no false badges", () => {
  it("a 16-bit 110 Hz sine at −20 dBFS is not clipped; the same sine clipped is", () => {
    const sine = to16Bit(note(110, 0.1, 2, [1]));
    assert.deepEqual(detectProblems([sine], RATE).summary, []);
    const loud = to16Bit(note(110, 0.12, 2, [1]));
    const clipped = loud.map((v) => Math.max(-0.1, Math.min(0.1, v)));
    const c = detectClipping(clipped);
    assert.equal(c.runs, 2 * 220);
    assert.ok(detectProblems([clipped], RATE).summary.includes("clipped 440 runs"));
  });

  it("slow peaks of a full-scale 16-bit 20 Hz sine are not clipping", () => {
    assert.equal(detectClipping(to16Bit(note(20, 0.999, 2, [1]))).runs, 0);
  });

  for (const hz of [196, 220, 233]) {
    it(`a clean 16-bit ${hz} Hz sine and a ${hz} Hz note with harmonics show no hum`, () => {
      assert.deepEqual(detectProblems([to16Bit(note(hz, 0.1, 6, [1]))], RATE).summary, []);
      assert.deepEqual(detectProblems([to16Bit(note(hz, 0.3, 6))], RATE).summary, []);
    });
  }

  it("hum under a 220 Hz note is found, without the note's 660 Hz partial (60 Hz × 11)", () => {
    const music = note(220, 0.3, 6);
    const mains = note(60, 0.01, 6, [1, 0.5, 0.3]);
    const h = detectHum(to16Bit(music.map((v, i) => v + mains[i])), RATE);
    assert.ok(h);
    assert.ok(Math.abs(h.fundamentalHz - 60) < 0.01);
    assert.deepEqual(
      h.harmonics.map((x) => x.number),
      [1, 2, 3],
    );
  });

  it("a drum's beater and struck notes are not clicks; a click between the hits is", () => {
    const kick = kicks(4);
    assert.deepEqual(detectProblems([kick], RATE).summary, []);
    const keys = struckNotes(4);
    assert.deepEqual(detectProblems([keys], RATE).summary, []);
    const at = Math.round(0.37 * RATE);
    kick[at] += 0.2;
    const found = detectClicks(kick, RATE);
    assert.equal(found.length, 1);
    assert.ok(Math.abs(found[0].start - at) <= 2);
  });
});
