import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NO_CORPUS } from "../../../../../scripts/test-corpus.ts";
import { noise } from "../space/harness.test.ts";
import { AllowedNotes, hzToMidi, midiToHz, noteNameOf, parseNoteName, validateNoteList } from "./notes.ts";
import { loadPitchy, median } from "./pitchy.test.ts";
import { PitchTracker } from "./tracker.ts";
import { detectPitch, Yin } from "./yin.ts";

function cents(a: number, b: number): number {
  return 1200 * Math.log2(a / b);
}

/** A harmonic tone: `amps[h]` is the amplitude of harmonic h+1, with fixed pseudo-random phases. */
function tone(n: number, f: number, fs: number, amps: number[], start = 0): Float32Array {
  const x = new Float32Array(n);
  for (let h = 0; h < amps.length; h++) {
    const ph = (h * 2.39996) % (2 * Math.PI);
    const w = (2 * Math.PI * f * (h + 1)) / fs;
    if ((h + 1) * f >= fs / 2) break;
    for (let i = 0; i < n; i++) x[i] += amps[h] * Math.sin(w * (i + start) + ph);
  }
  return x;
}

describe("pitch detection (YIN)", () => {
  test("synthetic tones: within ±1 cent from 60 Hz to 1.4 kHz, sines and harmonic-rich tones, 44.1 and 48 kHz", () => {
    let worst = 0;
    for (const fs of [44100, 48000]) {
      for (const f of [61.7, 82.41, 110, 146.83, 196, 220, 261.63, 329.63, 440, 587.33, 880, 1174.66, 1400]) {
        for (const amps of [[0.5], [0.4, 0.3, 0.2, 0.1, 0.05], [0.1, 0.2, 0.5, 0.2, 0.1, 0.05]]) {
          const r = detectPitch(tone(2048, f, fs, amps, 137), fs);
          const c = cents(r.hz, f);
          worst = Math.max(worst, Math.abs(c));
          assert.ok(r.voiced, `${f} Hz at ${fs}: unvoiced`);
          assert.ok(Math.abs(c) <= 1, `${f} Hz at ${fs} (${amps.length} harmonics): ${c.toFixed(3)} cents`);
          assert.ok(r.confidence > 0.9);
        }
      }
    }
    console.log(`detection on synthetic tones: worst ${worst.toFixed(4)} cents`);
  });

  test("a strong 3rd harmonic (formant) does not make it report 3× the pitch", () => {
    const r = detectPitch(tone(2048, 200, 48000, [0.2, 0.3, 1, 0.3, 0.1]), 48000);
    assert.ok(Math.abs(cents(r.hz, 200)) < 1, `${r.hz}`);
  });

  test("silence and noise: unvoiced, finite, no NaN", () => {
    const s = detectPitch(new Float32Array(2048), 48000);
    assert.deepEqual([s.hz, s.voiced, s.confidence], [0, false, 0]);
    const quiet = detectPitch(tone(2048, 220, 48000, [1e-5]), 48000);
    assert.equal(quiet.voiced, false, "below the −60 dBFS gate");
    let voiced = 0;
    for (let k = 0; k < 20; k++) {
      const r = detectPitch(noise(2048, 100 + k, 0.5), 48000);
      assert.ok(Number.isFinite(r.hz) && Number.isFinite(r.confidence) && Number.isFinite(r.period));
      if (r.voiced) voiced++;
    }
    assert.ok(voiced <= 2, `white noise called voiced in ${voiced}/20 frames`);
  });

  test("clear errors for bad frames and options", () => {
    assert.throws(() => detectPitch(new Float32Array(500), 48000), /frame: needs at least 1602 samples/);
    assert.throws(
      () => detectPitch(new Float32Array(2048), 48000, { minHz: 5 }),
      /minHz: must be between 20/,
    );
    assert.throws(() => detectPitch(new Float32Array(2048), 48000, { minHz: 300, maxHz: 200 }), /maxHz/);
    assert.throws(() => new Yin(1000, 2048), /sampleRate/);
    assert.throws(() => new PitchTracker(48000, { hop: 0 }), /hop/);
  });

  test("tracker: block-size independent, frames centred every hop", () => {
    const fs = 48000;
    const x = tone(fs, 196, fs, [0.4, 0.3, 0.2]);
    for (let i = 24000; i < fs; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 330 * i) / fs);
    const a = new PitchTracker(fs).process(x);
    const t = new PitchTracker(fs);
    const b = [];
    const sizes = [1, 7, 128, 333, 2, 1000, 64];
    for (let pos = 0, k = 0; pos < x.length; k++) {
      const len = Math.min(sizes[k % sizes.length], x.length - pos);
      b.push(...t.process(x.subarray(pos, pos + len), len));
      pos += len;
    }
    assert.deepEqual(a, b);
    assert.equal(a[10].sample, 10 * 240);
    const at = (s: number) => a.find((f) => f.sample === s)!;
    assert.ok(Math.abs(cents(at(12000).hz, 196)) < 0.5);
    assert.ok(Math.abs(cents(at(36000).hz, 330)) < 0.5);
  });

  test("tracker on vox-pitchy.flac: each note's median matches the sidecar's sung Hz", (t) => {
    const take = loadPitchy();
    if (!take) {
      t.skip(NO_CORPUS);
      return;
    }
    const frames = new PitchTracker(take.sampleRate).process(take.audio);
    const report: string[] = [];
    for (const n of take.notes) {
      // The whole note less 0.1 s at each end (onset and release), and the part before the vibrato.
      const inNote = (a: number, b: number) =>
        frames.filter((f) => f.voiced && f.sample >= a && f.sample < b).map((f) => f.hz);
      const whole = inNote(n.startSample + 4800, n.endSample - 4800);
      const steady = inNote(n.startSample + 4800, n.startSample + 0.35 * take.sampleRate);
      const cw = cents(median(whole), n.sungHz);
      const cs = cents(median(steady), n.sungHz);
      report.push(
        `${noteNameOf(n.targetMidi)}${n.detuneCents >= 0 ? "+" : ""}${n.detuneCents}: ${cs.toFixed(3)}/${cw.toFixed(3)}`,
      );
      assert.ok(whole.length > 200, `note ${n.index}: only ${whole.length} voiced frames`);
      assert.ok(Math.abs(cs) <= 1, `note ${n.index} before vibrato: ${cs} cents from ${n.sungHz} Hz`);
      assert.ok(Math.abs(cw) <= 1, `note ${n.index} whole: ${cw} cents from ${n.sungHz} Hz`);
    }
    console.log(`vox-pitchy detection, cents from sung Hz (pre-vibrato/whole note): ${report.join(", ")}`);
  });
});

describe("notes and scales", () => {
  test("note names, MIDI and Hz", () => {
    assert.deepEqual(parseNoteName("A3"), { pitchClass: 9, midi: 57 });
    assert.deepEqual(parseNoteName("C4"), { pitchClass: 0, midi: 60 });
    assert.deepEqual(parseNoteName("Bb2"), { pitchClass: 10, midi: 46 });
    assert.deepEqual(parseNoteName("B#3"), { pitchClass: 0, midi: 60 });
    assert.deepEqual(parseNoteName("e"), { pitchClass: 4, midi: null });
    assert.equal(parseNoteName("H3"), null);
    assert.equal(noteNameOf(61), "C#4");
    assert.ok(Math.abs(midiToHz(57) - 220) < 1e-9);
    assert.ok(Math.abs(hzToMidi(261.6255653) - 60) < 1e-8);
    assert.ok(Math.abs(midiToHz(69, 432) - 432) < 1e-9);
  });

  test("nearest allowed note: A minor, chromatic, explicit notes", () => {
    const am = new AllowedNotes("A", "minor");
    assert.equal(am.nearest(57.4), 57);
    assert.equal(am.nearest(60.8), 60, "C# is not in A minor: C is nearer than D");
    assert.equal(am.nearest(61.6), 62);
    assert.equal(am.nearest(66), 65, "F# → F or G: ties go down");
    assert.equal(new AllowedNotes("C", "chromatic").nearest(61.4), 61);
    assert.equal(new AllowedNotes("D", "majorPentatonic").nearest(65.4), 66);
    const explicit = new AllowedNotes("C", "major", ["A3", "C4"]);
    assert.equal(explicit.nearest(64), 60);
    assert.equal(explicit.nearest(50), 57);
    assert.equal(new AllowedNotes("C", "major", ["E"]).nearest(71), 76, "E in any octave");
    assert.throws(
      () => validateNoteList("pitch.notes", ["A3", "X"]),
      /pitch\.notes\[1\]: must be a note name/,
    );
  });
});
