/**
 * The sound-note hand-off on the demo's own audio: the producer's note on Night Drive ("Chorus vocal: more
 * air, less push") is proposed by the job against the mix session — air becomes a high shelf up on the lead
 * vocal, less push takes the vocal down in the mix — the engineer edits and accepts it, the session gets a new
 * version, and the render links mix v3 to the note with every move measured against its prediction. Also:
 * the exact words of the demo task ("Bridge vocal: …"), rejection with a reply, and the refusals.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BlobStore } from "../blobs/blob-store.ts";
import type { Studio } from "../context.ts";
import { DEMO_SOUND_NOTE, type DemoSeed, seedDemo } from "../demo/seed-demo.ts";
import { InProcessQueue } from "../jobs/in-process-queue.ts";
import { getSongSession } from "../renders/song-session.ts";
import { openTestStudio, type TestStudio } from "../testing/test-studio.ts";
import { addComment, listComments } from "./comments.ts";
import { listVersions } from "./mix-versions.ts";
import {
  decideSoundNote,
  getSoundNote,
  listSoundNotes,
  markSoundNote,
  type SoundNote,
} from "./sound-notes.ts";

interface Change {
  op: string;
  strip: { kind: string; id: string };
  processor?: { type: string; bands?: { kind: string; freq: number; gainDb?: number }[] };
  fromDb?: number;
  toDb?: number;
  param?: string;
  from?: unknown;
  to?: unknown;
}

describe("sound notes on the demo", () => {
  let t: TestStudio;
  let dir: string;
  let queue: InProcessQueue;
  let s: Studio;
  let seed: DemoSeed;
  let songId: string;
  let note: SoundNote;

  before(async () => {
    t = await openTestStudio("pglite");
    dir = await mkdtemp(join(tmpdir(), "cr-sound-note-"));
    queue = await InProcessQueue.start(t.studio.db, { blobRoot: dir });
    s = { ...t.studio, blobs: new BlobStore(dir), jobs: queue };
    seed = (await seedDemo(s, { seconds: 12, now: new Date("2027-01-10T12:00:00Z") })) as DemoSeed;
    songId = seed.songIds[0];
    await queue.idle();
  });
  after(async () => {
    await queue.close();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test("the demo's note is proposed over its range: air is a high shelf up on the vocal, less push takes it down", async (t) => {
    const [v2] = await listVersions(s, seed.producer, songId);
    const notes = await listSoundNotes(s, seed.producer, v2.id);
    assert.equal(notes.length, 1);
    note = notes[0];
    assert.equal(note.note, DEMO_SOUND_NOTE);
    assert.equal(note.job?.status, "done", note.job?.error ?? "");
    assert.equal(note.state, "proposed");
    assert.deepEqual(note.span, { start: 6, end: 10 });
    assert.deepEqual(note.notUnderstood, []);
    const comments = await listComments(s, seed.producer, v2.id);
    assert.equal(comments.find((c) => c.id === note.commentId)?.soundNote, true);

    const air = note.moves.find((m) => m.descriptor === "air");
    assert.ok(air, `moves: ${note.moves.map((m) => m.descriptor)}`);
    assert.equal(air.direction, "more");
    assert.equal(air.target.id, "lead_vocal");
    for (const m of note.moves) t.diagnostic(`${m.descriptor}: ${m.changeLines.join("; ")} — ${m.reason}`);
    const shelf = (air.changes as Change[])
      .flatMap((c) => (c.op === "add-insert" && c.processor?.type === "eq" ? (c.processor.bands ?? []) : []))
      .find((b) => b.kind === "highshelf");
    assert.ok(shelf, `air changes: ${air.changeLines.join("; ")}`);
    assert.ok((shelf.gainDb ?? 0) > 0 && shelf.freq >= 6000, JSON.stringify(shelf));
    assert.ok(air.predicted.after - air.predicted.before >= 1.5, JSON.stringify(air.predicted));
    assert.match(air.reason, /dB/);

    const push = note.moves.find((m) => m.descriptor === "forward");
    assert.ok(push);
    assert.equal(push.direction, "less");
    assert.equal(push.target.id, "lead_vocal");
    assert.equal(push.predicted.feature, "levelInMixDb");
    assert.ok(push.predicted.after < push.predicted.before - 0.5, JSON.stringify(push.predicted));
    assert.ok(push.changeLines.length > 0 && push.changeLines.every((l) => l.includes("lead_vocal")));
  });

  test('the demo task\'s own words ("Bridge vocal: more air, less push") make the same kinds of moves', async () => {
    const [v2] = await listVersions(s, seed.producer, songId);
    const c = await addComment(s, seed.producer, v2.id, {
      body: "Bridge vocal: more air, less push",
      atSeconds: 6,
      endSeconds: 10,
    });
    await markSoundNote(s, seed.producer, c.id);
    await queue.idle();
    const n = await getSoundNote(s, seed.producer, c.id);
    assert.equal(n.state, "proposed", n.job?.error ?? "");
    assert.deepEqual(
      n.moves.map((m) => [m.target.id, m.descriptor, m.direction]),
      [
        ["lead_vocal", "air", "more"],
        ["lead_vocal", "forward", "less"],
      ],
    );
    // The engineer turns it down: the reply is the producer's answer.
    const engineer = { userId: seed.producer.userId };
    const rejected = await decideSoundNote(s, engineer, c.id, {
      decision: "reject",
      version: n.version,
      reply: "The bridge is the chorus here; see the other note",
    });
    assert.equal(rejected.state, "rejected");
    const thread = (await listComments(s, seed.producer, v2.id)).find((x) => x.id === c.id);
    assert.equal(thread?.replies[0]?.body, "The bridge is the chorus here; see the other note");
  });

  test("refusals: a reply is not a note, no decision twice, reject needs a reason, edited moves must fit", async () => {
    const [v2] = await listVersions(s, seed.producer, songId);
    const root = await addComment(s, seed.producer, v2.id, { body: "drums punchier", atSeconds: 1 });
    const reply = await addComment(s, seed.producer, v2.id, { body: "vocal darker", parentId: root.id });
    await assert.rejects(markSoundNote(s, seed.producer, reply.id), { status: 400, message: /reply/ });
    await assert.rejects(markSoundNote(s, seed.producer, "nope"), { status: 404 });
    await assert.rejects(
      decideSoundNote(s, seed.producer, note.commentId, {
        decision: "reject",
        version: note.version,
        reply: " ",
      }),
      { status: 400, message: /reply/ },
    );
    const badMove = {
      ...note.moves[0],
      changes: [{ op: "set-volume", strip: { kind: "track", id: "no_such_track" }, fromDb: 0, toDb: 1 }],
    };
    await assert.rejects(
      decideSoundNote(s, seed.producer, note.commentId, {
        decision: "accept",
        version: note.version,
        moves: [badMove],
      }),
      { status: 400, message: /moves.*no_such_track/ },
    );
    await assert.rejects(
      decideSoundNote(s, seed.producer, note.commentId, { decision: "accept", version: note.version + 5 }),
      { status: 409 },
    );
    assert.equal((await getSoundNote(s, seed.producer, note.commentId)).state, "proposed");

    // A note the job cannot propose for fails with the engine's reason, and can be marked again.
    const ref = await addComment(s, seed.producer, v2.id, { body: "mix like that record", atSeconds: 2 });
    await markSoundNote(s, seed.producer, ref.id);
    await assert.rejects(markSoundNote(s, seed.producer, ref.id), { status: 409 });
    await queue.idle();
    const failed = await getSoundNote(s, seed.producer, ref.id);
    assert.equal(failed.state, "proposing");
    assert.equal(failed.job?.status, "failed");
    assert.match(failed.job?.error ?? "", /reference record/);
    const again = await markSoundNote(s, seed.producer, ref.id);
    assert.notEqual(again.job?.id, failed.job?.id);
    await queue.idle();
  });

  test("accepted with an edit: a new session version, mix v3 linked to the note, moves measured", async (t) => {
    const before = await getSongSession(s, seed.producer, songId);
    // The engineer keeps the air move and takes the vocal down by 1 dB less than proposed.
    const moves = structuredClone(note.moves).map(({ changeLines: _, ...m }) => m);
    const push = moves.find((m) => m.descriptor === "forward")!;
    const fader = (push.changes as Change[]).find((c) => c.op === "set-volume");
    if (fader?.toDb !== undefined) fader.toDb = Math.round((fader.toDb + 1) * 10) / 10;
    const accepted = await decideSoundNote(s, seed.producer, note.commentId, {
      decision: "accept",
      version: note.version,
      moves,
    });
    assert.equal(accepted.state, "accepted");
    assert.equal(accepted.acceptedSessionVersion, before.version + 1);
    const after = await getSongSession(s, seed.producer, songId);
    assert.equal(after.version, before.version + 1);
    const vocal = after.session.tracks.find((x) => x.id === "lead_vocal")!;
    const was = before.session.tracks.find((x) => x.id === "lead_vocal")!;
    assert.ok(vocal.inserts.some((p) => p.type === "eq"));
    assert.ok(vocal.inserts.length > was.inserts.length);
    if (fader) assert.equal(vocal.volumeDb, fader.toDb);

    await queue.idle();
    const done = await getSoundNote(s, seed.producer, note.commentId);
    assert.equal(done.render?.status, "done", done.render?.error ?? "");
    assert.equal(done.doneIn?.number, 3);
    const versions = await listVersions(s, seed.producer, songId);
    const v3 = versions.find((v) => v.id === done.doneIn?.versionId);
    assert.equal(
      v3?.number,
      3,
      JSON.stringify({ doneIn: done.doneIn, versions: versions.map((v) => [v.id, v.number, v.label]) }),
    );
    assert.match(v3?.label ?? "", /sound note/);
    const air = done.acceptedMoves?.find((m) => m.descriptor === "air");
    assert.ok(air?.measured, "air measured");
    // Measured on the render: the top octave went up by at least the note's minimum (1.5 dB).
    assert.ok(air.measured.after - air.measured.before >= 1.5, JSON.stringify(air.measured));
    assert.equal(air.measured.ok, true, JSON.stringify(air.measured));
    const push2 = done.acceptedMoves?.find((m) => m.descriptor === "forward");
    for (const m of done.acceptedMoves ?? [])
      t.diagnostic(`${m.direction} ${m.descriptor}: ${m.reason} | ${JSON.stringify(m.measured)}`);
    assert.ok(
      push2?.measured && push2.measured.after < push2.measured.before,
      JSON.stringify(push2?.measured),
    );
    const thread = (await listComments(s, seed.producer, note.versionId)).find(
      (x) => x.id === note.commentId,
    );
    assert.match(thread?.replies.at(-1)?.body ?? "", /^Accepted in session v\d+: more air on /);
    // Decided once.
    await assert.rejects(
      decideSoundNote(s, seed.producer, note.commentId, {
        decision: "reject",
        version: done.version,
        reply: "x",
      }),
      { status: 409 },
    );
  });
});
