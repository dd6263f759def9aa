/**
 * The proposal in the mixer: the session it makes is the engine's, the marks point at the final insert
 * positions (an insert added before others shifts them), and edits of marked inserts, faders and sends go back
 * into the changes they came from.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSession } from "@controlroom/engine/session/load.ts";
import { editFader, editInsert, marksOf, type ProposalMove, proposedSession, stripKey } from "./proposal.ts";

const doc = parseSession(
  {
    version: 2,
    sampleRate: 48000,
    audio: { a: { sha256: "a".repeat(64), path: "a.wav", sampleRate: 48000, channels: 1, frames: 48000 } },
    buses: [{ id: "verb", kind: "aux", inserts: [{ type: "reverb" }] }],
    tracks: [
      {
        id: "vox",
        name: "Vox",
        inserts: [{ type: "compressor", thresholdDb: -20, ratio: 3 }],
        takes: [{ id: "t", clips: [{ audio: "a", start: 0, length: 1 }] }],
      },
    ],
  },
  "doc",
);
const strip = { kind: "track" as const, id: "vox" };
const target = { kind: "track" as const, id: "vox", name: "Vox", trackIds: ["vox"] };
const move = (descriptor: string, changes: unknown[]): ProposalMove => ({
  target,
  descriptor,
  direction: "more",
  amount: 1,
  changes: changes as ProposalMove["changes"],
  changeLines: [],
  reason: "r",
  predicted: { feature: "airDb", before: -30, after: -27 },
});
const moves = [
  move("air", [
    {
      op: "add-insert",
      strip,
      index: 0,
      processor: { type: "eq", bands: [{ kind: "highshelf", freq: 10000, gainDb: 3 }] },
    },
  ]),
  move("forward", [
    { op: "set-param", strip, index: 1, param: "thresholdDb", from: -20, to: -24 },
    { op: "set-volume", strip, fromDb: 0, toDb: -2 },
    { op: "set-send", strip, bus: "verb", fromDb: null, toDb: -18 },
  ]),
];

test("the proposed session and its marks at the final positions", () => {
  const s = proposedSession(doc, moves);
  assert.deepEqual(
    s.tracks[0].inserts.map((p) => p.type),
    ["eq", "compressor"],
  );
  assert.equal(s.tracks[0].inserts[1].thresholdDb, -24);
  assert.equal(s.tracks[0].volumeDb, -2);
  const m = marksOf(doc, moves).get(stripKey("track", "vox"));
  assert.ok(m);
  assert.equal(m.inserts.get(0)?.added, true);
  assert.deepEqual(m.inserts.get(1)?.params, ["thresholdDb"]);
  assert.equal(m.inserts.get(1)?.before?.thresholdDb, -20);
  assert.deepEqual([m.fader?.fromDb, m.fader?.toDb], [0, -2]);
  assert.deepEqual([...m.sends.keys()], ["verb"]);
});

test("edits go back into the changes", () => {
  const m = marksOf(doc, moves).get(stripKey("track", "vox"))!;
  const shelf = m.inserts.get(0)!;
  let edited = editInsert(moves, shelf, {
    type: "eq",
    bands: [{ kind: "highshelf", freq: 12000, gainDb: 2 }],
  });
  const comp = m.inserts.get(1)!;
  edited = editInsert(edited, comp, { type: "compressor", thresholdDb: -22, ratio: 3 });
  edited = editFader(edited, m.fader!.ref, -1);
  const s = proposedSession(doc, edited);
  assert.equal((s.tracks[0].inserts[0].bands as { freq: number }[])[0].freq, 12000);
  assert.equal(s.tracks[0].inserts[1].thresholdDb, -22);
  assert.equal(s.tracks[0].volumeDb, -1);
  // The originals are untouched.
  assert.equal(proposedSession(doc, moves).tracks[0].volumeDb, -2);
});
