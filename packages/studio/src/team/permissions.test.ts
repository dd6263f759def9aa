/**
 * The role × action matrix: every role (and the producer-engineer, who holds two) tries every action
 * through the real service functions; each must succeed exactly when the permission table allows it,
 * and otherwise fail with 403.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listAudit } from "../audit/audit.ts";
import { budgetSummary, createBudgetLine } from "../budget/budget.ts";
import type { Actor, Studio } from "../context.ts";
import { getCredits, setCredits, setDeliveryItem } from "../credits/credits.ts";
import type { StudioError } from "../errors.ts";
import { startMaster } from "../jobs/kinds/master.ts";
import { startRender } from "../jobs/kinds/render.ts";
import { startTakeRepair } from "../jobs/kinds/repair.ts";
import { getProject, setMemberRoles, updateProject } from "../projects/projects.ts";
import { getSongSession, putSongSession } from "../renders/song-session.ts";
import { createBooking, listBookings } from "../schedule/bookings.ts";
import { createRoom } from "../schedule/rooms.ts";
import { createRecording } from "../songs/recordings.ts";
import { createSong, getSong, setPerformers, setSongStatus, updateSong } from "../songs/songs.ts";
import { createTake, decideTake, listTakes } from "../takes/takes.ts";
import { completeTask, createTask } from "../tasks/tasks.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { decideVersion } from "../versions/approvals.ts";
import { addComment } from "../versions/comments.ts";
import { createVersion } from "../versions/mix-versions.ts";
import { decideSoundNote, markSoundNote } from "../versions/sound-notes.ts";
import { type Action, allows, PERMISSIONS, ROLES } from "./roles.ts";

for (const kind of DATABASES) {
  describe(`role × action matrix on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let songId: string;
    let versionId: string;
    let takeId: string;
    let roomId: string;
    let mixWithFileId: string;
    let takeWithFileId: string;
    let slot = 0;
    /** A one-track session over a blob row (no audio file: the matrix only checks who may start jobs). */
    const session = {
      version: 2,
      sampleRate: 48000,
      audio: { x: { sha256: "a".repeat(64), path: "x.wav", sampleRate: 48000, channels: 1, frames: 48000 } },
      tracks: [{ id: "x", takes: [{ id: "t", clips: [{ audio: "x", start: 0, length: 1 }] }] }],
    };
    before(async () => {
      t = await openTestStudio(kind);
      // Render and mastering jobs are queued but never run here.
      s = {
        ...t.studio,
        jobs: {
          kind: "in-process",
          enqueue: async () => {},
          cancel: async () => {},
          health: async () => ({ ok: true, detail: "matrix: jobs are not run" }),
          close: async () => {},
        },
      };
      team = await seedTeam(s);
      const p = team.actors.producer;
      songId = (await createSong(s, p, team.projectId, { title: "Matrix" })).id;
      // The session musician plays on this song, so only their role decides what they may do.
      await setPerformers(s, p, songId, {
        performers: [{ userId: team.actors.session_musician.userId, instrument: "bass" }],
      });
      versionId = (await createVersion(s, p, songId, { kind: "mix" })).id;
      takeId = (await createTake(s, p, songId, { part: "bass", performerName: "B" })).id;
      await s.db
        .insertInto("blobs")
        .values({ sha256: "a".repeat(64), size: 44, format: "wav" })
        .execute();
      await putSongSession(s, p, songId, { session });
      mixWithFileId = (await createVersion(s, p, songId, { kind: "mix", blobSha256: "a".repeat(64) })).id;
      takeWithFileId = (
        await createTake(s, p, songId, { part: "vox", performerName: "V", blobSha256: "a".repeat(64) })
      ).id;
      roomId = (
        await createRoom(s, p, team.workspaceId, { name: "Room", hourlyRateMinor: 1000, currency: "EUR" })
      ).id;
    });
    after(() => t.cleanup());

    const P = () => team.actors.producer;
    const ops: Record<Exclude<Action, "job.run">, (a: Actor) => Promise<unknown>> = {
      "project.read": (a) => getProject(s, a, team.projectId),
      "project.edit": async (a) =>
        updateProject(s, a, team.projectId, {
          version: (await getProject(s, P(), team.projectId)).version,
          status: "in_production",
        }),
      "team.manage": (a) =>
        setMemberRoles(s, a, team.projectId, { userId: team.actors.outsider.userId, roles: ["viewer"] }),
      "song.create": (a) => createSong(s, a, team.projectId, { title: "New" }),
      "song.edit": async (a) =>
        updateSong(s, a, songId, { version: (await getSong(s, P(), songId)).version, notes: "n" }),
      "song.status": async (a) =>
        setSongStatus(s, a, songId, { version: (await getSong(s, P(), songId)).version, status: "tracking" }),
      "recording.write": (a) => createRecording(s, a, songId, { title: "Rec" }),
      "take.write": (a) => createTake(s, a, songId, { part: "bass", performerName: "B" }),
      "take.decide": async (a) => {
        const tk = (await listTakes(s, P(), songId)).find((x) => x.id === takeId);
        return decideTake(s, a, takeId, { version: tk?.version, rating: 3 });
      },
      "task.write": (a) => createTask(s, a, songId, { kind: "fix", title: "t" }),
      "task.complete": async (a) => {
        const task = await createTask(s, P(), songId, { kind: "fix", title: "t" });
        return completeTask(s, a, task.id, { version: task.version, done: true });
      },
      "mix.upload": (a) => createVersion(s, a, songId, { kind: "mix" }),
      "master.upload": (a) => createVersion(s, a, songId, { kind: "master" }),
      "comment.write": (a) => addComment(s, a, versionId, { body: "c", atSeconds: 1 }),
      "approval.decide": (a) => decideVersion(s, a, versionId, { state: "approved" }),
      "schedule.read": (a) => listBookings(s, a, team.projectId),
      "schedule.write": (a) => {
        const h = String(slot++ % 24).padStart(2, "0");
        const d = String(1 + Math.floor(slot / 24)).padStart(2, "0");
        return createBooking(s, a, team.projectId, {
          title: "b",
          roomId,
          startsAt: `2028-01-${d}T${h}:00:00Z`,
          endsAt: `2028-01-${d}T${h}:30:00Z`,
          timeZone: "UTC",
        });
      },
      "budget.read": (a) => budgetSummary(s, a, team.projectId),
      "budget.write": (a) =>
        createBudgetLine(s, a, team.projectId, { category: "other", description: "d", unitMinor: 100 }),
      "credits.read": (a) => getCredits(s, a, songId),
      "credits.write": (a) => setCredits(s, a, songId, { credits: [] }),
      "delivery.write": (a) => setDeliveryItem(s, a, songId, { item: "main", done: true }),
      "audit.read": (a) => listAudit(s, a, team.projectId),
      "session.write": async (a) =>
        putSongSession(s, a, songId, { version: (await getSongSession(s, P(), songId)).version, session }),
      "render.run": (a) => startRender(s, a, songId, {}),
      "master.run": (a) => startMaster(s, a, { versionId: mixWithFileId, target: "apple" }),
      "repair.run": (a) => startTakeRepair(s, a, takeWithFileId, { fixes: ["declick"] }),
      "soundnote.mark": async (a) => {
        const c = await addComment(s, P(), versionId, { body: "vocal a touch brighter", atSeconds: 0.2 });
        return markSoundNote(s, a, c.id);
      },
      "soundnote.decide": async (a) => {
        // A note whose job "ran": its proposal is one fader move on the only track.
        const c = await addComment(s, P(), versionId, { body: "x louder", atSeconds: 0.2 });
        await markSoundNote(s, P(), c.id);
        const target = { kind: "track", id: "x", name: "x", trackIds: ["x"] };
        const move = {
          target,
          descriptor: "louder",
          direction: "more",
          amount: 1,
          changes: [{ op: "set-volume", strip: { kind: "track", id: "x" }, fromDb: 0, toDb: 1 }],
          reason: "level in the mix −3.0 dB → −2.0 dB: fader +1.0 dB",
          predicted: { feature: "levelInMixDb", before: -3, after: -2 },
        };
        await s.db
          .updateTable("sound_note_proposals")
          .set({ state: "proposed", proposal: JSON.stringify({ moves: [move], notUnderstood: [] }) })
          .where("id", "=", c.id)
          .execute();
        return decideSoundNote(s, a, c.id, { decision: "accept", version: 1 });
      },
    };

    test("covers every action except job.run (tested with the job queue)", () => {
      assert.deepEqual(
        Object.keys(ops).sort(),
        Object.keys(PERMISSIONS)
          .filter((k) => k !== "job.run")
          .sort(),
      );
    });

    const who = [
      ...ROLES.map((r) => [r, [r]] as const),
      ["producerEngineer", ["producer", "engineer"]] as const,
    ];
    for (const [action, op] of Object.entries(ops)) {
      test(action, async () => {
        const outcome: string[] = [];
        for (const [name, roles] of who) {
          const allowed = allows(roles, action as Action);
          const actor = team.actors[name as keyof TeamFixture["actors"]];
          try {
            await op(actor);
            outcome.push(`${name}:${allowed ? "ok" : "ALLOWED BUT SHOULD NOT BE"}`);
          } catch (e) {
            const status = (e as StudioError).status;
            outcome.push(
              `${name}:${!allowed && status === 403 ? "ok" : `${status} ${(e as Error).message}`}`,
            );
          }
        }
        assert.deepEqual(
          outcome,
          who.map(([n]) => `${n}:ok`),
        );
      });
    }
  });
}
