/**
 * One way to start every job kind, for tests that must cover every kind (the kill tests): given a project
 * with a mix version and a saved session, `start` queues a job of the kind and `results` counts what its
 * result recorded, which must be exactly one after any number of retries.
 *
 * A new kind in jobs/kinds/index.ts needs an entry here; jobs/kill.test.ts fails, naming the kind, until it
 * has one.
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import type { Studio } from "../context.ts";
import type { Job } from "../jobs/job-row.ts";
import { readJob } from "../jobs/job-row.ts";
import { submitJob } from "../jobs/jobs.ts";
import { startMaster } from "../jobs/kinds/master.ts";
import { startRender } from "../jobs/kinds/render.ts";
import { startVersionRepair } from "../jobs/kinds/repair.ts";
import { putSongSession } from "../renders/song-session.ts";
import { createSong } from "../songs/songs.ts";
import { addComment } from "../versions/comments.ts";
import { createVersion } from "../versions/mix-versions.ts";
import { decideSoundNote, markSoundNote } from "../versions/sound-notes.ts";
import { seedTeam, type TeamFixture } from "./test-studio.ts";

/** What the fixtures start jobs on. */
export interface JobFixture {
  team: TeamFixture;
  songId: string;
  /** A mix version with an uploaded file. */
  mixVersionId: string;
}

/** How to start one kind, and how many results it recorded. */
export interface KindFixture {
  start(s: Studio, fx: JobFixture): Promise<Job>;
  /** How many results the job recorded besides its row (≤ 1 always; 1 once done). */
  results(s: Studio, fx: JobFixture, job: Job): Promise<number>;
}

/** Versions a job's result added (render, master): through their report, which names the job. */
const versionsBy = async (s: Studio, job: Job) =>
  Number(
    (
      await s.db
        .selectFrom("version_reports")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("job_id", "=", job.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The fixture for each kind, by name. */
export const KIND_FIXTURES: Record<string, KindFixture> = {
  analyze: {
    start: (s, fx) =>
      submitJob(s, fx.team.actors.engineer, fx.team.projectId, {
        kind: "analyze",
        input: { versionId: fx.mixVersionId },
      }),
    results: async (s, fx, job) => {
      const v = await s.db
        .selectFrom("mix_versions")
        .select("integrated_lufs")
        .where("id", "=", fx.mixVersionId)
        .executeTakeFirstOrThrow();
      return job.status === "done" && v.integrated_lufs !== null ? 1 : 0;
    },
  },
  wait: {
    start: (s, fx) =>
      submitJob(s, fx.team.actors.engineer, fx.team.projectId, { kind: "wait", input: { seconds: 4 } }),
    results: async (_s, _fx, job) => (job.status === "done" && job.result ? 1 : 0),
  },
  render: {
    // Mix and stems in one job.
    start: (s, fx) => startRender(s, fx.team.actors.engineer, fx.songId, { stems: true, bits: 24 }),
    results: (s, _fx, job) => versionsBy(s, job),
  },
  master: {
    start: (s, fx) =>
      startMaster(s, fx.team.actors.producer, {
        versionId: fx.mixVersionId,
        target: "spotify",
        maxLimitingDb: 12,
      }),
    results: (s, _fx, job) => versionsBy(s, job),
  },
  repair: {
    // A version repaired into a new version (a take's repair runs the same worker into a new take).
    start: (s, fx) =>
      startVersionRepair(s, fx.team.actors.engineer, fx.mixVersionId, { fixes: ["dc", "declick"] }),
    results: (s, _fx, job) => versionsBy(s, job),
  },
  "sound-note": {
    start: async (s, fx) => {
      const c = await addComment(s, fx.team.actors.producer, fx.mixVersionId, {
        body: "b a bit louder",
        atSeconds: 0.5,
        endSeconds: 2.5,
      });
      const n = await markSoundNote(s, fx.team.actors.producer, c.id);
      return (await readJob(s.db, n.job?.id ?? "")) as Job;
    },
    // The proposal stored once (recording only moves it on from "proposing").
    results: async (s, _fx, job) =>
      Number(
        (
          await s.db
            .selectFrom("sound_note_proposals")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("job_id", "=", job.id)
            .where("state", "=", "proposed")
            .executeTakeFirstOrThrow()
        ).n,
      ),
  },
  "sound-note-render": {
    // A note whose proposal is stored (as the sound-note job leaves it), accepted by the engineer.
    start: async (s, fx) => {
      const c = await addComment(s, fx.team.actors.producer, fx.mixVersionId, {
        body: "b a touch quieter",
        atSeconds: 0.5,
        endSeconds: 2.5,
      });
      const move = {
        target: { kind: "track", id: "b", name: "b", trackIds: ["b"] },
        descriptor: "louder",
        direction: "less",
        amount: 0.4,
        changes: [{ op: "set-volume", strip: { kind: "track", id: "b" }, fromDb: 0, toDb: -1 }],
        reason: "fader −1.0 dB",
        predicted: { feature: "levelInMixDb", before: -3, after: -4 },
      };
      await s.db.updateTable("comments").set({ sound_note: true }).where("id", "=", c.id).execute();
      await s.db
        .insertInto("sound_note_proposals")
        .values({
          id: c.id,
          song_id: fx.songId,
          job_id: "fixture",
          session_version: 1,
          span_start: 0.5,
          span_end: 2.5,
          state: "proposed",
          proposal: JSON.stringify({ moves: [move], notUnderstood: [] }),
          created_by: fx.team.actors.producer.userId,
        })
        .execute();
      const n = await decideSoundNote(s, fx.team.actors.engineer, c.id, { decision: "accept", version: 1 });
      return (await readJob(s.db, n.render?.id ?? "")) as Job;
    },
    results: (s, _fx, job) => versionsBy(s, job),
  },
};

/**
 * Seeds a team, a song with a mix version (the example song, `seconds` long, 48 kHz stereo 24-bit) and a
 * saved two-track session over the same file.
 * @param scratch folder for the WAV before upload.
 */
export async function seedJobFixture(s: Studio, scratch: string, seconds: number): Promise<JobFixture> {
  const team = await seedTeam(s);
  const wav = join(scratch, "fixture-song.wav");
  const w = await createAudioWriter(wav, { sampleRate: 48000, channels: 2, bitDepth: 24, ditherSeed: 1 });
  await w.write(exampleSong({ sampleRate: 48000, seconds }));
  await w.close();
  const { engineer, producer } = team.actors;
  const blob = await uploadAudio(s, engineer, team.projectId, createReadStream(wav));
  const song = await createSong(s, producer, team.projectId, { title: "Kill test" });
  const v = await createVersion(s, engineer, song.id, { kind: "mix", blobSha256: blob.sha256 });
  const ref = {
    sha256: blob.sha256,
    path: "song.wav",
    sampleRate: 48000,
    channels: 2,
    frames: seconds * 48000,
  };
  await putSongSession(s, engineer, song.id, {
    version: 0,
    session: {
      version: 2,
      sampleRate: 48000,
      audio: { song: ref },
      tracks: [
        {
          id: "a",
          volumeDb: -6,
          takes: [{ id: "t", clips: [{ audio: "song", start: 0, length: seconds }] }],
        },
        { id: "b", pan: 0.3, takes: [{ id: "t", clips: [{ audio: "song", start: 0, length: seconds }] }] },
      ],
    },
  });
  return { team, songId: song.id, mixVersionId: v.id };
}
