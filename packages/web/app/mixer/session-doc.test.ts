import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { DEFAULT_TRACK } from "../audio/mix-graph.ts";
import { sessionDoc, sha, take } from "../testing/fixtures.ts";
import {
  addTakeToSession,
  mixableTakes,
  paramsOfSession,
  playAlongOfSession,
  sessionFromStems,
  tracksOfSession,
  tracksOfTakes,
  withStripSettings,
} from "./session-doc.ts";

describe("session document → strips", () => {
  it("makes a strip per track from its active take's clips, by blob", () => {
    const doc = sessionDoc((d) => {
      const drums = d.tracks?.[0];
      if (!drums) return;
      drums.takes?.push({
        id: "take2",
        clips: [{ audio: "bass_2", start: 1.5, offset: 0.25, length: 2, gainDb: -3 }],
      });
      drums.activeTake = "take2";
      drums.inserts = [{ type: "eq" }, { type: "compressor" }];
    });
    const [drums, bass] = tracksOfSession(doc);
    assert.deepEqual(drums, {
      key: "drums_1",
      name: "drums",
      channels: 1,
      clips: [{ sha256: sha("b"), start: 1.5, offset: 0.25, length: 2, gainDb: -3 }],
      engineInserts: ["eq", "compressor"],
    });
    assert.deepEqual(bass.clips, [{ sha256: sha("b"), start: 0, offset: 0, length: 4, gainDb: 0 }]);
    assert.deepEqual(bass.engineInserts, []);
  });

  it("names an unnamed track by its id", () => {
    const doc = sessionDoc((d) => {
      if (d.tracks?.[1]) d.tracks[1].name = "";
    });
    assert.equal(tracksOfSession(doc)[1].name, "bass_2");
  });

  it("starts the strips at the session's fader, pan, mute and solo, the previews at their defaults", () => {
    const doc = sessionDoc((d) => {
      Object.assign(d.tracks?.[0] ?? {}, { volumeDb: -6, pan: -0.5, mute: true });
      Object.assign(d.tracks?.[1] ?? {}, { solo: true });
    });
    const [drums, bass] = paramsOfSession(doc);
    assert.deepEqual(drums, { ...DEFAULT_TRACK, gainDb: -6, pan: -0.5, mute: true });
    assert.deepEqual(bass, { ...DEFAULT_TRACK, solo: true });
  });

  it("writes the strips' settings back into the tracks, and the engine accepts the document", () => {
    const doc = sessionDoc();
    const params = paramsOfSession(doc);
    params[0] = { ...params[0], gainDb: -6, pan: 0.3, mute: true };
    params[1] = { ...params[1], solo: true, sendDb: -10 };
    const saved = parseSession(withStripSettings(doc, params));
    assert.deepEqual(
      saved.tracks.map((t) => [t.id, t.volumeDb, t.pan, t.mute, t.solo]),
      [
        ["drums_1", -6, 0.3, true, false],
        ["bass_2", 0, 0, false, true],
      ],
    );
    // Nothing else moves: the clips and audio are as they were.
    assert.deepEqual(saved.audio, doc.audio);
    assert.deepEqual(
      saved.tracks.map((t) => t.takes),
      doc.tracks.map((t) => t.takes),
    );
  });

  it("leaves a track without a strip as it is", () => {
    const doc = sessionDoc((d) => Object.assign(d.tracks?.[1] ?? {}, { volumeDb: -2 }));
    const out = withStripSettings(doc, [{ ...DEFAULT_TRACK, gainDb: 3 }]);
    assert.equal(out.tracks[0].volumeDb, 3);
    assert.equal(out.tracks[1].volumeDb, -2);
  });
});

describe("takes → strips", () => {
  it("mixes every take with audio except those marked for a redo", () => {
    const takes = [
      take({ id: "a" }),
      take({ id: "b", decision: "redo" }),
      take({ id: "c", blobSha256: null }),
      take({ id: "d", decision: "keep", part: "bass", number: 2, blobSha256: sha("d") }),
    ];
    const mixed = mixableTakes(takes);
    assert.deepEqual(
      mixed.map((t) => t.id),
      ["a", "d"],
    );
    assert.deepEqual(tracksOfTakes(mixed as never), [
      {
        key: "a",
        name: "drums",
        channels: 0,
        clips: [{ sha256: sha("a"), start: 0, offset: 0, length: null, gainDb: 0 }],
        engineInserts: [],
      },
      {
        key: "d",
        name: "bass 2",
        channels: 0,
        clips: [{ sha256: sha("d"), start: 0, offset: 0, length: null, gainDb: 0 }],
        engineInserts: [],
      },
    ]);
  });
});

describe("sessionFromStems", () => {
  it("makes one centred unity track per stem the engine accepts, at the first stem's rate", () => {
    const doc = parseSession(
      sessionFromStems("City Hums", 96, [
        { name: "drums", sha256: sha("a"), facts: { sampleRate: 44100, channels: 1, frames: 88200 } },
        {
          name: "lead vox / dbl",
          sha256: sha("b"),
          facts: { sampleRate: 44100, channels: 2, frames: 44100 },
        },
      ]),
    );
    assert.equal(doc.sampleRate, 44100);
    assert.deepEqual(doc.tempo, [{ bar: 1, beat: 1, bpm: 96 }]);
    assert.deepEqual(
      doc.tracks.map((t) => [t.id, t.name, t.channels, t.volumeDb, t.pan, t.takes[0].clips[0].length]),
      [
        ["drums_1", "drums", 1, 0, 0, 2],
        ["lead_vox_dbl_2", "lead vox / dbl", 2, 0, 0, 1],
      ],
    );
    assert.equal(doc.audio.drums_1.sha256, sha("a"));
  });

  it("defaults to 120 BPM and 48 kHz", () => {
    const doc = sessionFromStems("Empty", null, []);
    assert.equal(doc.sampleRate, 48000);
    assert.deepEqual(doc.tempo, [{ bar: 1, beat: 1, bpm: 120 }]);
  });
});

describe("addTakeToSession", () => {
  const rec = { part: "lead vocal", takeNumber: 3, sha256: sha("c"), sampleRate: 48000, frames: 96000 };

  it("adds a new mono track from the timeline's start", () => {
    const doc = parseSession(addTakeToSession(sessionDoc(), "new", rec));
    const t = doc.tracks[2];
    assert.deepEqual([t.id, t.name, t.channels], ["lead_vocal", "lead vocal", 1]);
    assert.deepEqual(t.takes[0].clips[0], {
      audio: "lead_vocal_take3",
      start: 0,
      offset: 0,
      length: 2,
      gainDb: 0,
      fadeIn: { length: 0, shape: "equal-power" },
      fadeOut: { length: 0, shape: "equal-power" },
    });
    assert.deepEqual(doc.audio.lead_vocal_take3, {
      sha256: sha("c"),
      path: "lead_vocal_take3.wav",
      sampleRate: 48000,
      channels: 1,
      frames: 96000,
    });
  });

  it("numbers a second new track of the same part", () => {
    const once = parseSession(addTakeToSession(sessionDoc(), "new", rec));
    const twice = parseSession(addTakeToSession(once, "new", { ...rec, takeNumber: 4 }));
    assert.deepEqual(
      twice.tracks.map((t) => t.id),
      ["drums_1", "bass_2", "lead_vocal", "lead_vocal_2"],
    );
  });

  it("adds a take to a track and makes it the one that plays", () => {
    const doc = parseSession(
      addTakeToSession(sessionDoc(), "bass_2", { ...rec, part: "bass", takeNumber: 1 }),
    );
    const bass = doc.tracks[1];
    // take1 exists already, so the new one is take1_2.
    assert.deepEqual(
      bass.takes.map((t) => [t.id, t.name ?? null]),
      [
        ["take1", null],
        ["take1_2", "bass take 1"],
      ],
    );
    assert.equal(bass.activeTake, "take1_2");
    assert.equal(tracksOfSession(doc)[1].clips[0].sha256, sha("c"));
  });

  it("refuses a track the session does not have", () => {
    assert.throws(() => addTakeToSession(sessionDoc(), "vocals", rec), /no track vocals in the session/);
  });
});

describe("playAlongOfSession", () => {
  it("plays the unmuted tracks' clips at their faders", () => {
    const doc = sessionDoc((d) => {
      Object.assign(d.tracks?.[0] ?? {}, { mute: true });
      Object.assign(d.tracks?.[1] ?? {}, { volumeDb: -6 });
    });
    assert.deepEqual(playAlongOfSession(doc), [
      { gainDb: -6, clips: [{ sha256: sha("b"), start: 0, offset: 0, length: 4, gainDb: 0 }] },
    ]);
  });
});
