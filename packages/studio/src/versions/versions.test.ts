import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Studio } from "../context.ts";
import { getArrangement, setArrangement } from "../songs/arrangement.ts";
import { createRecording, updateRecording } from "../songs/recordings.ts";
import { createSong, setPerformers } from "../songs/songs.ts";
import { createTake, decideTake, listTakes } from "../takes/takes.ts";
import { completeTask, createTask, listTasks } from "../tasks/tasks.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { decideVersion, listApprovals } from "./approvals.ts";
import { addComment, listComments, resolveComment } from "./comments.ts";
import { createVersion, listVersions, matchGains } from "./mix-versions.ts";

test("loudness matching turns every version down to the quietest", () => {
  assert.deepEqual(matchGains([-9, -14, null, -11.5]), [-5, 0, null, -2.5]);
  assert.deepEqual(matchGains([null]), [null]);
});

for (const kind of DATABASES) {
  describe(`versions, comments, approvals, takes, tasks, arrangement on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let songId: string;
    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      team = await seedTeam(s);
      songId = (
        await createSong(s, team.actors.producer, team.projectId, { title: "Night Drive", tempoBpm: 120 })
      ).id;
    });
    after(() => t.cleanup());

    test("version stack numbers per kind; only producers approve; history says who, when, which", async () => {
      const { producer, mixing_engineer: mixer, mastering_engineer: me, engineer } = team.actors;
      const v1 = await createVersion(s, mixer, songId, { kind: "mix", integratedLufs: -10 });
      const v2 = await createVersion(s, engineer, songId, { kind: "mix", integratedLufs: -13 });
      const m1 = await createVersion(s, me, songId, { kind: "master", label: "loud master" });
      assert.deepEqual([v1.number, v2.number, m1.number], [1, 2, 1]);
      assert.equal(v1.label, "mix v1");
      await assert.rejects(createVersion(s, me, songId, { kind: "mix" }), { status: 403 });
      await assert.rejects(createVersion(s, mixer, songId, { kind: "master" }), { status: 403 });
      const stack = await listVersions(s, producer, songId);
      assert.deepEqual(
        stack.map((x) => [x.label, x.matchGainDb]),
        [
          ["loud master", null],
          ["mix v2", 0],
          ["mix v1", -3],
        ],
      );
      await assert.rejects(decideVersion(s, mixer, v1.id, { state: "approved" }), { status: 403 });
      await decideVersion(s, producer, v1.id, {
        state: "needs_changes",
        note: "vocal up 1 dB in the chorus",
      });
      const h = await decideVersion(s, producer, v2.id, { state: "approved" });
      assert.deepEqual(
        h.map((a) => a.state),
        ["in_review", "approved"],
      );
      assert.equal(h[1].decidedByName, "producer");
      const after = await listVersions(s, producer, songId);
      assert.equal(after.find((x) => x.id === v1.id)?.approvalState, "needs_changes");
      assert.equal((await listApprovals(s, producer, v1.id)).at(-1)?.note, "vocal up 1 dB in the chorus");
    });

    test("time-range comments thread, resolve and reopen with concurrency checks", async () => {
      const { producer, artist, viewer } = team.actors;
      const v = await createVersion(s, producer, songId, { kind: "mix" });
      const late = await addComment(s, artist, v.id, {
        body: "snare too loud",
        atSeconds: 62.5,
        endSeconds: 70,
      });
      const early = await addComment(s, producer, v.id, { body: "intro pad thin", atSeconds: 3 });
      const general = await addComment(s, producer, v.id, { body: "great overall" });
      await addComment(s, producer, v.id, { body: "agreed, −1.5 dB", parentId: late.id });
      await assert.rejects(addComment(s, viewer, v.id, { body: "hi" }), { status: 403 });
      await assert.rejects(
        addComment(s, artist, v.id, { body: "x", atSeconds: 10, endSeconds: 5 }),
        /endSeconds:/,
      );
      await assert.rejects(addComment(s, artist, v.id, { body: "x", parentId: "nope" }), /parentId:/);
      const threads = await listComments(s, viewer, v.id);
      assert.deepEqual(
        threads.map((c) => c.body),
        ["intro pad thin", "snare too loud", "great overall"],
      );
      assert.equal(threads[1].replies[0].body, "agreed, −1.5 dB");
      assert.equal(threads[1].endSeconds, 70);
      const r = await resolveComment(s, producer, late.id, { version: late.version, resolved: true });
      assert.ok(r.resolvedAt);
      await assert.rejects(resolveComment(s, artist, late.id, { version: late.version, resolved: false }), {
        status: 409,
      });
      const reopened = await resolveComment(s, artist, late.id, { version: r.version, resolved: false });
      assert.equal(reopened.resolvedAt, null);
      assert.ok(early && general);
    });

    test("takes are numbered per part; the producer rates and decides", async () => {
      const { producer, engineer, session_musician: sm, artist } = team.actors;
      await setPerformers(s, producer, songId, { performers: [{ userId: sm.userId, instrument: "drums" }] });
      const takes = await Promise.all(
        [1, 2, 3].map(() => createTake(s, engineer, songId, { part: "drums", performerId: sm.userId })),
      );
      assert.deepEqual(takes.map((x) => x.number).sort(), [1, 2, 3]);
      assert.equal(takes[0].performerName, "session_musician");
      const v = await createTake(s, producer, songId, { part: "lead vocal", performerName: "Guest Singer" });
      assert.equal(v.number, 1);
      await assert.rejects(decideTake(s, engineer, v.id, { version: v.version, decision: "keep" }), {
        status: 403,
      });
      const d = await decideTake(s, producer, v.id, {
        version: v.version,
        rating: 4,
        decision: "comp",
        notes: "great bridge",
      });
      assert.deepEqual([d.rating, d.decision, d.notes], [4, "comp", "great bridge"]);
      await assert.rejects(decideTake(s, producer, v.id, { version: v.version, rating: 9 }), /rating:/);
      await assert.rejects(createTake(s, artist, songId, { part: "x", performerName: "x" }), { status: 403 });
      assert.equal((await listTakes(s, sm, songId)).length, 4);
    });

    test("arrangement: sections in order, start bars and marker times at the song's tempo", async () => {
      const { producer, engineer, session_musician: sm } = team.actors;
      const song = await createSong(s, producer, team.projectId, { title: "Arranged", tempoBpm: 120 });
      const secs = await setArrangement(s, producer, song.id, {
        version: song.version,
        sections: [
          { kind: "intro", bars: 4, enters: "pad" },
          { kind: "verse", bars: 8, enters: "drums, bass" },
          { kind: "chorus", bars: 8, enters: "guitars" },
          { kind: "verse", bars: 8 },
        ],
      });
      assert.deepEqual(
        secs.map((x) => [x.label, x.startBar, x.markerSeconds]),
        [
          ["intro 1", 1, 0],
          ["verse 1", 5, 8], // 4 bars × 4 beats × 0.5 s
          ["chorus 1", 13, 24],
          ["verse 2", 21, 40],
        ],
      );
      await assert.rejects(setArrangement(s, producer, song.id, { version: song.version, sections: [] }), {
        status: 409,
      });
      // Tasks per section, assigned and ticked off.
      const task = await createTask(s, producer, song.id, {
        kind: "overdub",
        title: "double the chorus guitars",
        sectionId: secs[2].id,
        assigneeId: engineer.userId,
      });
      await assert.rejects(
        createTask(s, producer, song.id, {
          kind: "overdub",
          title: "x",
          assigneeId: team.actors.outsider.userId,
        }),
        /assigneeId:/,
      );
      assert.equal((await listTasks(s, producer, team.projectId, { open: "true" })).length, 1);
      const done = await completeTask(s, engineer, task.id, { version: task.version, done: true });
      assert.equal(done.doneBy, engineer.userId);
      assert.equal((await listTasks(s, producer, team.projectId, { open: "true" })).length, 0);
      await assert.rejects(getArrangement(s, sm, song.id), { status: 403 });
    });

    test("recordings: ISRC validated, unique, status history", async () => {
      const { producer, engineer } = team.actors;
      const rec = await createRecording(s, engineer, songId, {
        title: "Album version",
        isrc: "us-s1z-99-00001",
      });
      assert.equal(rec.isrc, "USS1Z9900001");
      await assert.rejects(
        createRecording(s, engineer, songId, { title: "x", isrc: "US-S1Z-99-0001" }),
        /isrc:/,
      );
      await assert.rejects(createRecording(s, engineer, songId, { title: "dup", isrc: "USS1Z9900001" }), {
        status: 409,
      });
      const moved = await updateRecording(s, producer, rec.id, { version: rec.version, status: "tracking" });
      assert.deepEqual(
        moved.history.map((h) => h.to),
        ["idea", "tracking"],
      );
    });
  });
}
