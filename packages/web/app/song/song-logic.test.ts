import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { audioBuffer, sine } from "../testing/fake-audio.ts";
import { version } from "../testing/fixtures.ts";
import { pickOnWaveform, roundTime } from "./comment-draft.ts";
import { bufferLufs, loudnessMatch } from "./loudness-match.ts";
import { compareVersion, currentVersion, newestFirst, type V, versionName } from "./versions.ts";

const v = (o: Record<string, unknown>) => version(o) as V;

describe("which versions the song page shows", () => {
  const older = v({ id: "a", number: 1, createdAt: "2025-03-01T10:00:00Z" });
  const newer = v({ id: "b", number: 2, createdAt: "2025-03-02T10:00:00Z" });
  const silent = v({ id: "c", number: 3, blobSha256: null, createdAt: "2025-03-03T10:00:00Z" });
  const sorted = newestFirst([older, silent, newer]);

  it("lists newest first", () => {
    assert.deepEqual(
      sorted.map((x) => x.id),
      ["c", "b", "a"],
    );
  });
  it("plays the picked version, else the newest with audio", () => {
    assert.equal(currentVersion(sorted, null)?.id, "b");
    assert.equal(currentVersion(sorted, "a")?.id, "a");
    assert.equal(currentVersion(sorted, "gone")?.id, "b");
    assert.equal(currentVersion([silent], null), null);
  });
  it("stays on the mix when a master is made from it (the mix's comments stay in view)", () => {
    const master = v({ id: "m", kind: "master", number: 1, createdAt: "2025-03-04T10:00:00Z" });
    const withMaster = newestFirst([older, newer, master]);
    assert.equal(currentVersion(withMaster, null)?.id, "b");
    assert.equal(currentVersion(withMaster, "m")?.id, "m");
    assert.equal(currentVersion([master], null)?.id, "m");
  });
  it("compares with the picked other version, never with itself", () => {
    assert.equal(compareVersion(sorted, "a", newer)?.id, "a");
    assert.equal(compareVersion(sorted, "b", newer), null);
    assert.equal(compareVersion(sorted, null, newer), null);
  });
  it("names a version by kind and number", () => {
    assert.equal(versionName(v({ kind: "master", number: 4 })), "master v4");
  });
});

describe("the comment draft on the waveform", () => {
  it("a click starts a comment at that moment", () => {
    assert.deepEqual(pickOnWaveform(null, 3.2, false), { at: 3.2, end: null });
    assert.deepEqual(pickOnWaveform({ at: 1, end: 2 }, 4, false), { at: 4, end: null });
  });
  it("a shift-click after a click makes a range, in either order", () => {
    assert.deepEqual(pickOnWaveform({ at: 1.5, end: null }, 2.4, true), { at: 1.5, end: 2.4 });
    assert.deepEqual(pickOnWaveform({ at: 2.4, end: null }, 1.5, true), { at: 1.5, end: 2.4 });
    assert.deepEqual(pickOnWaveform({ at: 2, end: null }, 2, true), { at: 2, end: null });
  });
  it("a shift-click with no draft open makes a range from the playhead (where the last click put it)", () => {
    assert.deepEqual(pickOnWaveform(null, 2.4, true, 1.5), { at: 1.5, end: 2.4 });
    assert.deepEqual(pickOnWaveform(null, 2, true, 2), { at: 2, end: null });
    assert.deepEqual(pickOnWaveform(null, 2, true), { at: 2, end: null });
  });
  it("stores times to the hundredth of a second", () => {
    assert.equal(roundTime(2.99999), 3);
    assert.equal(roundTime(1.234), 1.23);
  });
});

describe("loudness matching for A/B", () => {
  // Two stereo mixes 6.02 dB apart (the second twice the amplitude), as in the e2e.
  const quiet = audioBuffer([sine(440, 0.1, 3), sine(440, 0.1, 3)]);
  const loud = audioBuffer([sine(440, 0.2, 3), sine(440, 0.2, 3)]);

  it("measures integrated loudness with the engine: doubling the amplitude is +6.02 LU", () => {
    assert.ok(Math.abs(bufferLufs(loud) - bufferLufs(quiet) - 20 * Math.log10(2)) < 0.01);
  });
  it("uses the server's gains when it has measured both", () => {
    const m = loudnessMatch(v({ matchGainDb: -6.02 }), v({ matchGainDb: 0 }), loud, quiet);
    assert.deepEqual(m, { gains: [-6.02, 0], how: "server" });
  });
  it("measures both in the browser when the server has not measured one, bringing the louder down", () => {
    const m = loudnessMatch(v({ matchGainDb: null }), v({ matchGainDb: 0 }), loud, quiet);
    assert.equal(m.how, "browser");
    assert.ok(Math.abs(m.gains[0] + 6.0206) < 0.01, `${m.gains}`);
    assert.equal(m.gains[1], 0);
  });
  it("leaves silence unmatched", () => {
    const silence = audioBuffer([new Float32Array(48000), new Float32Array(48000)]);
    const m = loudnessMatch(v({ matchGainDb: null }), v({ matchGainDb: null }), loud, silence);
    assert.deepEqual(m, { gains: [0, 0], how: "none" });
  });
  it("plays a single version at its server gain", () => {
    assert.deepEqual(loudnessMatch(v({ matchGainDb: -2 }), null, loud, null), {
      gains: [-2, 0],
      how: "server",
    });
  });
});
