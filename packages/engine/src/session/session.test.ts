import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { AutomationCurve } from "./automation.ts";
import { clipFadeGain } from "./fades.ts";
import { parseSession } from "./load.ts";
import { SessionError } from "./problems.ts";
import { TempoMap } from "./tempo-map.ts";

const HASH = "a".repeat(64);

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 2,
    sampleRate: 48000,
    audio: { a: { sha256: HASH, path: "a.wav", sampleRate: 48000, channels: 1, frames: 48000 } },
    tracks: [{ id: "t1", takes: [{ id: "tk", clips: [{ audio: "a", start: 0, length: 1 }] }] }],
    ...extra,
  };
}

function problemsOf(json: unknown): string[] {
  try {
    parseSession(json);
  } catch (e) {
    assert.ok(e instanceof SessionError, String(e));
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail("expected a SessionError");
}

describe("session parsing", () => {
  it("fills defaults", () => {
    const s = parseSession(base());
    assert.equal(s.tracks[0].volumeDb, 0);
    assert.equal(s.tracks[0].output, "master");
    assert.deepEqual(s.tempo, [{ bar: 1, beat: 1, bpm: 120 }]);
    assert.equal(s.tracks[0].takes[0].clips[0].fadeIn.length, 0);
  });

  it("accepts the example in README.md", () => {
    const md = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    const json = /```json\n([\s\S]*?)```/.exec(md)![1].replace("…64 hex…", "b".repeat(64));
    const s = parseSession(JSON.parse(json));
    assert.equal(s.tracks[0].sends[0].bus, "verb");
    assert.equal(s.buses[0].kind, "aux");
  });

  it("migrates version 1 (flat clips, bpm, gainDb)", () => {
    const s = parseSession({
      version: 1,
      sampleRate: 48000,
      bpm: 90,
      audio: base().audio,
      tracks: [{ id: "t1", gainDb: -6, clips: [{ audio: "a", start: 0, length: 0.5 }] }],
    });
    assert.equal(s.version, 2);
    assert.equal(s.tempo[0].bpm, 90);
    assert.equal(s.tracks[0].volumeDb, -6);
    assert.equal(s.tracks[0].takes[0].clips[0].length, 0.5);
  });

  it("rejects a future version", () => {
    assert.match(problemsOf({ ...base(), version: 99 })[0], /^version: .*newer/);
  });

  it("lists every problem at once, each with its JSON path", () => {
    const p = problemsOf(
      base({
        buses: [
          { id: "a1", output: "a2" },
          { id: "a2", output: "a1" },
        ],
        tracks: [
          {
            id: "t1",
            colour: "red",
            sends: [{ bus: "nope" }],
            takes: [{ id: "tk", clips: [{ audio: "a", start: 0, offset: 0.5, length: 1 }] }],
          },
          { id: "t2", takes: [{ id: "x", clips: [{ audio: "zzz", start: 0, length: 1 }] }] },
        ],
      }),
    );
    // Unknown field is a schema problem and is reported on its own (the model is not checked then).
    assert.deepEqual(p, ["tracks[0].colour: unknown field"]);
    const q = problemsOf(
      base({
        buses: [
          { id: "a1", output: "a2" },
          { id: "a2", output: "a1" },
        ],
        tracks: [
          {
            id: "t1",
            sends: [{ bus: "nope" }],
            takes: [{ id: "tk", clips: [{ audio: "a", start: 0, offset: 0.5, length: 1 }] }],
          },
          { id: "t2", takes: [{ id: "x", clips: [{ audio: "zzz", start: 0, length: 1 }] }] },
        ],
      }),
    );
    assert.ok(
      q.some((m) => m.startsWith('tracks[0].sends[0].bus: no bus "nope"')),
      q.join("\n"),
    );
    assert.ok(
      q.some((m) => /^tracks\[0\]\.takes\[0\]\.clips\[0\]: runs past the end/.test(m)),
      q.join("\n"),
    );
    assert.ok(
      q.some((m) => m.startsWith('tracks[1].takes[0].clips[0].audio: no audio "zzz"')),
      q.join("\n"),
    );
    assert.ok(
      q.some((m) => /^buses\[0\]: routing cycle: a1 → a2 → a1/.test(m)),
      q.join("\n"),
    );
  });

  it("checks insert chains and automation targets", () => {
    const p = problemsOf(
      base({
        tracks: [
          {
            id: "t1",
            inserts: [{ type: "delay", feedback: 5 }, { type: "nosuch" }],
            automation: [
              { target: "insert.0.mix", points: [{ time: 0, value: 2 }] },
              { target: "wobble", points: [{ time: 0, value: 0 }] },
            ],
            takes: [],
          },
        ],
      }),
    );
    assert.ok(
      p.some((m) => m.startsWith("tracks[0].inserts[0].feedback (delay):")),
      p.join("\n"),
    );
    assert.ok(
      p.some((m) => m.startsWith('tracks[0].inserts[1].type: unknown processor "nosuch"')),
      p.join("\n"),
    );
    assert.ok(
      p.some((m) => m.startsWith("tracks[0].automation[0].points[0].value: must be between 0 and 1")),
    );
    assert.ok(p.some((m) => m.startsWith('tracks[0].automation[1].target: unknown target "wobble"')));
  });
});

describe("tempo map", () => {
  it("converts bars, beats, seconds and samples at a constant tempo", () => {
    const m = new TempoMap([{ bar: 1, beat: 1, bpm: 120 }]);
    assert.equal(m.barBeatToSeconds(9), 16); // song1: verse at bar 9 = 16 s
    assert.equal(m.barBeatToSamples(17, 1, 48000), 1_536_000);
    assert.deepEqual(m.secondsToBarBeat(33), { bar: 17, beat: 3 });
    assert.deepEqual(m.barsToSeconds(25, 32), { start: 48, end: 64 });
  });

  it("handles tempo and time-signature changes", () => {
    // 4 bars of 4/4 at 120 (8 s), then 6/8 at 90 quarter-notes/min from bar 5.
    const m = new TempoMap(
      [
        { bar: 1, beat: 1, bpm: 120 },
        { bar: 5, beat: 1, bpm: 90 },
      ],
      [
        { bar: 1, numerator: 4, denominator: 4 },
        { bar: 5, numerator: 6, denominator: 8 },
      ],
    );
    assert.equal(m.barBeatToSeconds(5), 8);
    // A 6/8 bar is 3 quarter notes = 2 s at 90.
    assert.equal(m.barBeatToSeconds(6), 10);
    // Beat 4 of bar 5 (eighths) = 1.5 quarters = 1 s after 8 s.
    assert.equal(m.barBeatToSeconds(5, 4), 9);
    assert.deepEqual(m.secondsToBarBeat(9), { bar: 5, beat: 4 });
    assert.equal(m.secondsToQuarters(m.quartersToSeconds(23.25)), 23.25);
    assert.equal(m.bpmAt(7.99), 120);
    assert.equal(m.bpmAt(8), 90);
  });
});

describe("automation and fades", () => {
  it("interpolates linearly and holds outside the points", () => {
    const c = new AutomationCurve([
      { time: 1, value: 0, curve: 0 },
      { time: 2, value: -12, curve: 0 },
    ]);
    assert.equal(c.valueAt(0), 0);
    assert.equal(c.valueAt(1.5), -6);
    assert.equal(c.valueAt(3), -12);
    const out = new Float32Array(4);
    c.fill(out, 48000 + 24000, 4, 48000);
    assert.equal(out[0], -6);
    assert.ok(Math.abs(out[1] - (-6 - 12 / 48000)) < 1e-6);
  });

  it("fills blocks with exactly the values of valueAt, across segments, curves and jumps", () => {
    const c = new AutomationCurve([
      { time: 0.001, value: -3, curve: 0 },
      { time: 0.002, value: -9, curve: 0.5 },
      { time: 0.0025, value: 0, curve: 0 },
      { time: 0.0025, value: -20, curve: -1 },
      { time: 0.004, value: 6, curve: 0 },
    ]);
    const out = new Float32Array(300);
    for (const start of [0, 17, 100]) {
      c.fill(out, start, 300, 48000);
      for (let i = 0; i < 300; i++) assert.equal(out[i], Math.fround(c.valueAt((start + i) / 48000)));
    }
  });

  it("bends curved segments but keeps their ends", () => {
    const c = new AutomationCurve([
      { time: 0, value: 0, curve: 1 },
      { time: 1, value: 1, curve: 0 },
    ]);
    assert.ok(c.valueAt(0.5) < 0.5);
    assert.ok(Math.abs(c.valueAt(0.5) - Math.expm1(3) / Math.expm1(6)) < 1e-12);
    assert.equal(c.valueAt(1), 1);
  });

  it("equal-power fades keep constant power across a crossfade", () => {
    for (const x of [0.1, 0.37, 0.5, 0.9]) {
      const a = clipFadeGain("equal-power", x);
      const b = clipFadeGain("equal-power", 1 - x);
      assert.ok(Math.abs(a * a + b * b - 1) < 1e-12);
      assert.ok(Math.abs(clipFadeGain("linear", x) + clipFadeGain("linear", 1 - x) - 1) < 1e-12);
    }
  });
});
