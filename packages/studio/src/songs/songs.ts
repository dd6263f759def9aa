/** Songs (the compositions of a project): key, tempo, writers, lyrics, notes, performers and pipeline status. */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { invalid, parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorize, authorizeSong, seesAllSongs } from "../team/access.ts";
import { STAGES, type StatusChange, statusHistory } from "./pipeline.ts";

const musicalKey = z
  .string()
  .regex(/^[A-G](#|b)?( ?(major|minor|maj|min|m))?$/, "must be a key such as 'A minor', 'F#m' or 'Eb major'");

export const CreateSongInput = z.object({
  title: z.string().trim().min(1).max(300),
  key: musicalKey.nullish(),
  tempoBpm: z.number().min(20).max(400).nullish(),
  writers: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  lyrics: z.string().max(100_000).default(""),
  notes: z.string().max(100_000).default(""),
});
export const UpdateSongInput = z.object({
  version: z.number().int().positive(),
  title: z.string().trim().min(1).max(300).optional(),
  key: musicalKey.nullish(),
  tempoBpm: z.number().min(20).max(400).nullish(),
  writers: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
  lyrics: z.string().max(100_000).optional(),
  notes: z.string().max(100_000).optional(),
  sessionId: z.string().max(200).nullish(),
});
export const SetStatusInput = z.object({ version: z.number().int().positive(), status: z.enum(STAGES) });
export const SetPerformersInput = z.object({
  performers: z
    .array(z.object({ userId: z.string().min(1), instrument: z.string().max(100).default("") }))
    .max(100),
});
export const ListSongsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(STAGES).optional(),
});

/** A song as the API shows it. */
export interface Song {
  id: string;
  projectId: string;
  title: string;
  position: number;
  status: string;
  key: string | null;
  tempoBpm: number | null;
  writers: string[];
  lyrics: string;
  notes: string;
  sessionId: string | null;
  version: number;
  updatedAt: Date;
  performers: { userId: string; name: string; instrument: string }[];
}

/** A song with its status history. */
export interface SongDetail extends Song {
  history: StatusChange[];
}

async function readSong(s: Studio, id: string): Promise<Song | undefined> {
  const r = await s.db.selectFrom("songs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) return undefined;
  const perf = await s.db
    .selectFrom("song_performers")
    .innerJoin("users", "users.id", "song_performers.user_id")
    .select(["user_id", "users.name", "instrument"])
    .where("song_id", "=", id)
    .orderBy("users.name")
    .execute();
  return {
    id: r.id,
    projectId: r.project_id,
    title: r.title,
    position: r.position,
    status: r.status,
    key: r.musical_key,
    tempoBpm: r.tempo_bpm,
    writers: r.writers,
    lyrics: r.lyrics,
    notes: r.notes,
    sessionId: r.session_id,
    version: r.version,
    updatedAt: r.updated_at,
    performers: perf.map((p) => ({ userId: p.user_id, name: p.name, instrument: p.instrument })),
  };
}

/** Adds a song at the end of the project's running order (producers). */
export async function createSong(
  s: Studio,
  actor: Actor,
  projectId: string,
  input: unknown,
): Promise<SongDetail> {
  const v = parseInput(CreateSongInput, input);
  await authorize(s.db, actor, projectId, "song.create");
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    const { n } = (await trx
      .selectFrom("songs")
      .select(sql<number>`coalesce(max(position), 0)`.as("n"))
      .where("project_id", "=", projectId)
      .executeTakeFirst()) as { n: number };
    await trx
      .insertInto("songs")
      .values({
        id,
        project_id: projectId,
        title: v.title,
        position: Number(n) + 1,
        status: "idea",
        musical_key: v.key ?? null,
        tempo_bpm: v.tempoBpm ?? null,
        writers: JSON.stringify(v.writers),
        lyrics: v.lyrics,
        notes: v.notes,
        session_id: null,
      })
      .execute();
    await trx
      .insertInto("status_changes")
      .values({
        subject_kind: "song",
        subject_id: id,
        from_status: null,
        to_status: "idea",
        changed_by: actor.userId,
      })
      .execute();
    await audit(trx, actor, projectId, "song.create", id, { title: v.title });
  });
  return getSong(s, actor, id);
}

/** Reads a song with its history. Session musicians only see songs they play on. */
export async function getSong(s: Studio, actor: Actor, id: string): Promise<SongDetail> {
  await authorizeSong(s.db, actor, id, "project.read");
  const song = (await readSong(s, id)) as Song;
  return { ...song, history: await statusHistory(s.db, id) };
}

/** Lists a project's songs in running order (paged); session musicians get only their songs. */
export async function listSongs(
  s: Studio,
  actor: Actor,
  projectId: string,
  query: unknown = {},
): Promise<{ songs: Omit<Song, "performers" | "lyrics">[]; total: number }> {
  const q = parseInput(ListSongsQuery, query);
  const roles = await authorize(s.db, actor, projectId, "project.read");
  let base = s.db.selectFrom("songs").where("songs.project_id", "=", projectId);
  if (!seesAllSongs(roles)) {
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom("song_performers")
          .select("song_performers.song_id")
          .whereRef("song_performers.song_id", "=", "songs.id")
          .where("song_performers.user_id", "=", actor.userId),
      ),
    );
  }
  if (q.status) base = base.where("songs.status", "=", q.status);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy("position").limit(q.limit).offset(q.offset).execute(),
    base.select(sql<number>`count(*)::int`.as("n")).executeTakeFirst(),
  ]);
  return {
    total: Number(total?.n ?? 0),
    songs: rows.map((r) => ({
      id: r.id,
      projectId: r.project_id,
      title: r.title,
      position: r.position,
      status: r.status,
      key: r.musical_key,
      tempoBpm: r.tempo_bpm,
      writers: r.writers,
      notes: r.notes,
      sessionId: r.session_id,
      version: r.version,
      updatedAt: r.updated_at,
    })),
  };
}

/** Edits a song's details (producer, artist). 409 with the current song if `version` is stale. */
export async function updateSong(s: Studio, actor: Actor, id: string, input: unknown): Promise<SongDetail> {
  const v = parseInput(UpdateSongInput, input);
  await authorizeSong(s.db, actor, id, "song.edit");
  const patch: Record<string, unknown> = { updated_at: new Date() };
  if (v.title !== undefined) patch.title = v.title;
  if (v.key !== undefined) patch.musical_key = v.key;
  if (v.tempoBpm !== undefined) patch.tempo_bpm = v.tempoBpm;
  if (v.writers !== undefined) patch.writers = JSON.stringify(v.writers);
  if (v.lyrics !== undefined) patch.lyrics = v.lyrics;
  if (v.notes !== undefined) patch.notes = v.notes;
  if (v.sessionId !== undefined) patch.session_id = v.sessionId;
  await updateVersioned(s.db, "songs", id, v.version, patch, `song ${id}`, () => readSong(s, id));
  return getSong(s, actor, id);
}

/** Moves a song along the pipeline, recording who moved it and when (one transaction). */
export async function setSongStatus(
  s: Studio,
  actor: Actor,
  id: string,
  input: unknown,
): Promise<SongDetail> {
  const v = parseInput(SetStatusInput, input);
  const { projectId } = await authorizeSong(s.db, actor, id, "song.status");
  await s.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("songs")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    await updateVersioned(
      trx,
      "songs",
      id,
      v.version,
      { status: v.status, updated_at: new Date() },
      `song ${id}`,
      () => readSong({ ...s, db: trx }, id),
    );
    await trx
      .insertInto("status_changes")
      .values({
        subject_kind: "song",
        subject_id: id,
        from_status: before.status,
        to_status: v.status,
        changed_by: actor.userId,
      })
      .execute();
    await audit(trx, actor, projectId, "song.status", id, { from: before.status, to: v.status });
  });
  return getSong(s, actor, id);
}

/** Sets who plays on a song (producers, artists); session musicians then see it. Performers must be on the team. */
export async function setPerformers(
  s: Studio,
  actor: Actor,
  id: string,
  input: unknown,
): Promise<SongDetail> {
  const v = parseInput(SetPerformersInput, input);
  const { projectId } = await authorizeSong(s.db, actor, id, "song.edit");
  await s.db.transaction().execute(async (trx) => {
    for (const [i, p] of v.performers.entries()) {
      const on = await trx
        .selectFrom("project_roles")
        .select("user_id")
        .where("project_id", "=", projectId)
        .where("user_id", "=", p.userId)
        .executeTakeFirst();
      if (!on) throw invalid(`performers.${i}.userId`, `${p.userId} is not on the project's team`);
    }
    await trx.deleteFrom("song_performers").where("song_id", "=", id).execute();
    if (v.performers.length)
      await trx
        .insertInto("song_performers")
        .values(v.performers.map((p) => ({ song_id: id, user_id: p.userId, instrument: p.instrument })))
        .onConflict((oc) => oc.doNothing())
        .execute();
  });
  return getSong(s, actor, id);
}
