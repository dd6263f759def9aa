/**
 * Sound notes: the hand-off between the producer's chair and the engineer's. A comment on a mix version (at a
 * moment or over a range) marked as a sound note is parsed against the song's mix session by the sound-note
 * job, which proposes moves with their reasons. The engineer accepts them (as proposed or edited) — a new
 * session version is saved and rendered into a new mix version linked to the note, with every move's feature
 * measured against its prediction — or rejects them with a reply.
 */

import { randomUUID } from "node:crypto";
import { describeChange } from "@controlroom/engine/brief/changes.ts";
import type { Move, Proposal } from "@controlroom/engine/brief/index.ts";
import { applyProposal } from "@controlroom/engine/brief/index.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import type { Kysely } from "kysely";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { conflict, invalid, notFound, parseInput, StudioError } from "../errors.ts";
import { type SoundNoteJobInput, soundNoteJob } from "../jobs/kinds/sound-note.ts";
import { type SoundNoteRenderJobInput, soundNoteRenderJob } from "../jobs/kinds/sound-note-render.ts";
import { insertJob } from "../jobs/queue-job.ts";
import { checkStudioSession } from "../renders/song-session.ts";
import type { Database } from "../store/schema.ts";
import { authorizeSong } from "../team/access.ts";
import { songOfVersion } from "./mix-versions.ts";

/** Seconds measured either side of a comment at a single moment. */
export const POINT_NOTE_HALF_SPAN = 4;
/** Longest commented range measured, seconds (a longer range is measured over its middle). */
export const MAX_NOTE_SPAN = 30;

const stripRef = z.object({ kind: z.enum(["track", "bus", "master"]), id: z.string().min(1) });
/** One session edit of a move (engine `SessionChange`), as an edited proposal sends it back. */
export const SessionChangeInput = z.discriminatedUnion("op", [
  z.object({
    op: z.literal("add-bus"),
    bus: z.object({
      id: z.string().min(1),
      name: z.string(),
      kind: z.enum(["aux", "group"]),
      inserts: z.array(z.looseObject({ type: z.string() })),
    }),
  }),
  z.object({ op: z.literal("set-output"), strip: stripRef, from: z.string(), to: z.string().min(1) }),
  z.object({
    op: z.literal("add-insert"),
    strip: stripRef,
    index: z.number().int().min(0),
    processor: z.looseObject({ type: z.string().min(1) }),
  }),
  z.object({
    op: z.literal("set-param"),
    strip: stripRef,
    index: z.number().int().min(0),
    param: z.string().min(1),
    from: z.unknown(),
    to: z.unknown(),
  }),
  z.object({ op: z.literal("set-volume"), strip: stripRef, fromDb: z.number(), toDb: z.number() }),
  z.object({
    op: z.literal("set-send"),
    strip: stripRef,
    bus: z.string().min(1),
    fromDb: z.number().nullable(),
    toDb: z.number(),
  }),
]);

const featureChange = z.object({ feature: z.string(), before: z.number(), after: z.number() });
/** A move as the engineer accepts it: the proposal's, possibly with edited changes or moves left out. */
export const MoveInput = z.looseObject({
  target: z.looseObject({
    kind: z.enum(["track", "bus", "group", "mix"]),
    id: z.string(),
    name: z.string(),
    trackIds: z.array(z.string()),
  }),
  descriptor: z.string(),
  direction: z.enum(["more", "less"]),
  amount: z.number(),
  changes: z.array(SessionChangeInput),
  reason: z.string(),
  predicted: featureChange,
});

/** The body of `POST /api/comments/{commentId}/sound-note/decision`. */
export const DecideSoundNoteInput = z.discriminatedUnion("decision", [
  z.object({
    decision: z.literal("accept"),
    /** The proposal's version this decision was based on. */
    version: z.number().int().positive(),
    /** The moves as accepted (edited, some left out); default: as proposed. */
    moves: z.array(MoveInput).min(1).optional(),
    /** A reply on the note (default: a line naming what was done). */
    reply: z.string().trim().min(1).max(10_000).optional(),
    /** Word length of the new mix (default 24). */
    bits: z
      .union([z.literal(16), z.literal(24), z.literal(32)], { error: "must be 16, 24 or 32" })
      .default(24),
  }),
  z.object({
    decision: z.literal("reject"),
    version: z.number().int().positive(),
    /** Why: the reply the producer reads under the note. */
    reply: z.string().trim().min(1, "say why (the producer reads it under the note)").max(10_000),
  }),
]);

/** A job's state as the note shows it. */
export interface NoteJob {
  id: string;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  progress: number;
  error: string | null;
}

/** A move as shown under a note: the proposal's, with its changes in words. */
export type SoundNoteMove = Move & { changeLines: string[] };

/** A sound note as the API shows it. */
export interface SoundNote {
  /** The comment's id. */
  commentId: string;
  songId: string;
  versionId: string;
  note: string;
  /** proposing (the job runs), proposed, accepted, rejected. */
  state: "proposing" | "proposed" | "accepted" | "rejected";
  /** The session version the moves were proposed against. */
  sessionVersion: number;
  /** The span measured, seconds (null until the job has run). */
  span: { start: number; end: number } | null;
  job: NoteJob | null;
  moves: SoundNoteMove[];
  notUnderstood: Proposal["notUnderstood"];
  /** The arrangement section the note names, if any. */
  section: string | null;
  /** The moves as accepted, with `measured` once the mix is rendered (null unless accepted). */
  acceptedMoves: SoundNoteMove[] | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** The reply posted with the decision. */
  replyId: string | null;
  /** The session version the accepted moves were saved as. */
  acceptedSessionVersion: number | null;
  render: NoteJob | null;
  /** The mix version the accepted moves became ("done in mix v5"). */
  doneIn: { versionId: string; number: number; label: string } | null;
  version: number;
  createdAt: Date;
}

function withLines(moves: Move[]): SoundNoteMove[] {
  return moves.map((m) => ({ ...m, changeLines: m.changes.map(describeChange) }));
}

async function jobOf(db: Kysely<Database>, id: string | null): Promise<NoteJob | null> {
  if (!id) return null;
  const j = await db
    .selectFrom("jobs")
    .select(["id", "status", "progress", "error"])
    .where("id", "=", id)
    .executeTakeFirst();
  return j ? { id: j.id, status: j.status, progress: j.progress, error: j.error } : null;
}

async function readNote(db: Kysely<Database>, commentId: string): Promise<SoundNote | undefined> {
  const r = await db
    .selectFrom("sound_note_proposals as p")
    .innerJoin("comments as c", "c.id", "p.id")
    .leftJoin("mix_versions as v", "v.id", "p.mix_version_id")
    .selectAll("p")
    .select([
      "c.body",
      "c.mix_version_id as comment_version_id",
      "v.number as done_number",
      "v.label as done_label",
    ])
    .where("p.id", "=", commentId)
    .executeTakeFirst();
  if (!r) return undefined;
  const proposal = (r.proposal ?? null) as Proposal | null;
  const measured = (r.measured ?? null) as Move[] | null;
  const accepted = (measured ?? r.accepted_moves ?? null) as Move[] | null;
  return {
    commentId: r.id,
    songId: r.song_id,
    versionId: r.comment_version_id,
    note: r.body,
    state: r.state,
    sessionVersion: r.session_version,
    span: r.span_start !== null && r.span_end !== null ? { start: r.span_start, end: r.span_end } : null,
    job: await jobOf(db, r.job_id),
    moves: withLines(proposal?.moves ?? []),
    notUnderstood: proposal?.notUnderstood ?? [],
    section: proposal?.section ?? null,
    acceptedMoves: accepted && withLines(accepted),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    replyId: r.reply_id,
    acceptedSessionVersion: r.accepted_session_version,
    render: await jobOf(db, r.render_job_id),
    doneIn:
      r.mix_version_id && r.done_number !== null
        ? { versionId: r.mix_version_id, number: r.done_number as number, label: r.done_label as string }
        : null,
    version: r.version,
    createdAt: r.created_at,
  };
}

/** The span a note is measured over: its range, or a few seconds around its moment (null: let the job pick). */
export function noteSpan(
  atSeconds: number | null,
  endSeconds: number | null,
): { start: number; end: number } | null {
  if (atSeconds === null) return null;
  if (endSeconds !== null && endSeconds > atSeconds) {
    if (endSeconds - atSeconds <= MAX_NOTE_SPAN) return { start: atSeconds, end: endSeconds };
    const mid = (atSeconds + endSeconds) / 2;
    return { start: mid - MAX_NOTE_SPAN / 2, end: mid + MAX_NOTE_SPAN / 2 };
  }
  return { start: Math.max(0, atSeconds - POINT_NOTE_HALF_SPAN), end: atSeconds + POINT_NOTE_HALF_SPAN };
}

function requireQueue(s: Studio): NonNullable<Studio["jobs"]> {
  if (!s.jobs) throw new StudioError(503, "unavailable", "no job queue is running");
  return s.jobs;
}

/**
 * Marks a comment as a sound note and starts the job that proposes its moves (producers, artists, A&R).
 * The comment must be a top-level comment on a mix version of a song with a mix session. Marking again a
 * note whose proposal was rejected, or whose job failed, proposes afresh; otherwise 409.
 */
export async function markSoundNote(s: Studio, actor: Actor, commentId: string): Promise<SoundNote> {
  const c = await s.db
    .selectFrom("comments")
    .innerJoin("mix_versions", "mix_versions.id", "comments.mix_version_id")
    .select([
      "comments.mix_version_id",
      "comments.parent_id",
      "comments.body",
      "comments.at_seconds",
      "comments.end_seconds",
      "mix_versions.kind",
      "mix_versions.song_id",
    ])
    .where("comments.id", "=", commentId)
    .executeTakeFirst();
  if (!c) throw notFound(`comment ${commentId}`);
  const { projectId } = await authorizeSong(s.db, actor, c.song_id, "soundnote.mark");
  if (c.parent_id) throw invalid("commentId", "a reply cannot be a sound note: mark the comment it answers");
  if (c.kind !== "mix")
    throw invalid("commentId", "sound notes are about a mix: this comment is on a master");
  const jobs = requireQueue(s);
  const session = await s.db
    .selectFrom("song_sessions")
    .select(["document", "version"])
    .where("song_id", "=", c.song_id)
    .executeTakeFirst();
  if (!session)
    throw notFound(`session of song ${c.song_id} (the note is proposed against the song's mix session)`);
  const span = noteSpan(c.at_seconds, c.end_seconds);
  const input: SoundNoteJobInput = {
    commentId,
    songId: c.song_id,
    sessionVersion: session.version,
    session: session.document,
    note: c.body,
    ...(span ? { span } : {}),
  };
  const jobId = await s.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("sound_note_proposals")
      .leftJoin("jobs", "jobs.id", "sound_note_proposals.job_id")
      .select(["sound_note_proposals.state", "jobs.status"])
      .where("sound_note_proposals.id", "=", commentId)
      .forUpdate("sound_note_proposals")
      .executeTakeFirst();
    // A rejected note, or one whose job failed, may be proposed afresh.
    const again =
      existing?.state === "rejected" ||
      (existing?.state === "proposing" && (existing.status === "failed" || existing.status === "cancelled"));
    if (existing && !again)
      throw conflict(`comment ${commentId} is already a sound note (${existing.state})`, {
        current: await readNote(trx, commentId),
      });
    if (existing) await trx.deleteFrom("sound_note_proposals").where("id", "=", commentId).execute();
    await trx.updateTable("comments").set({ sound_note: true }).where("id", "=", commentId).execute();
    const id = await insertJob(trx, actor, projectId, soundNoteJob.name, input);
    await trx
      .insertInto("sound_note_proposals")
      .values({
        id: commentId,
        song_id: c.song_id,
        job_id: id,
        session_version: session.version,
        span_start: span?.start ?? null,
        span_end: span?.end ?? null,
        created_by: actor.userId,
      })
      .execute();
    await audit(trx, actor, projectId, "soundnote.mark", commentId, { songId: c.song_id, jobId: id });
    return id;
  });
  await jobs.enqueue(jobId, soundNoteJob.name);
  return (await readNote(s.db, commentId)) as SoundNote;
}

/** A sound note with its proposal (anyone who sees the song). 404 when the comment is not a sound note. */
export async function getSoundNote(s: Studio, actor: Actor, commentId: string): Promise<SoundNote> {
  const n = await readNote(s.db, commentId);
  if (!n) throw notFound(`sound note ${commentId}`);
  await authorizeSong(s.db, actor, n.songId, "project.read");
  return n;
}

/** The sound notes on a version, oldest first. */
export async function listSoundNotes(s: Studio, actor: Actor, versionId: string): Promise<SoundNote[]> {
  await authorizeSong(s.db, actor, await songOfVersion(s, versionId), "project.read");
  const ids = await s.db
    .selectFrom("sound_note_proposals as p")
    .innerJoin("comments as c", "c.id", "p.id")
    .select("p.id")
    .where("c.mix_version_id", "=", versionId)
    .orderBy("p.created_at")
    .execute();
  const out: SoundNote[] = [];
  for (const { id } of ids) out.push((await readNote(s.db, id)) as SoundNote);
  return out;
}

/** "eq, +1.5 dB air on Lead vocal; fader −1.0 dB" — what an accepted proposal did, for the reply. */
function summary(moves: SoundNoteMove[]): string {
  return moves
    .map(
      (m) => `${m.direction} ${m.descriptor} on ${m.target.name}: ${m.changeLines.join("; ") || "no change"}`,
    )
    .join(". ");
}

/**
 * Accepts (with edits) or rejects a proposed sound note (engineers, mixing engineers; the producer-engineer).
 * Accepting applies the moves to the song's current session, saves it as a new session version, posts the
 * reply and starts the render of a new mix version linked to the note. Rejecting posts the reply. 409 when
 * the proposal is not waiting for a decision or changed since `version`.
 */
export async function decideSoundNote(
  s: Studio,
  actor: Actor,
  commentId: string,
  input: unknown,
): Promise<SoundNote> {
  const v = parseInput(DecideSoundNoteInput, input);
  const note = await readNote(s.db, commentId);
  if (!note) throw notFound(`sound note ${commentId}`);
  const { projectId } = await authorizeSong(s.db, actor, note.songId, "soundnote.decide");
  if (note.state !== "proposed")
    throw conflict(`sound note ${commentId} is ${note.state}, not waiting for a decision`, { current: note });
  if (note.version !== v.version)
    throw conflict(
      `sound note ${commentId} was changed by someone else (you decided on version ${v.version})`,
      {
        current: note,
      },
    );
  const replyId = randomUUID();
  const reply = (body: string) => ({
    id: replyId,
    mix_version_id: note.versionId,
    parent_id: commentId,
    author_id: actor.userId,
    body,
  });
  const stale = () => conflict(`sound note ${commentId} was changed by someone else`, { current: note });

  if (v.decision === "reject") {
    await s.db.transaction().execute(async (trx) => {
      await trx.insertInto("comments").values(reply(v.reply)).execute();
      const done = await trx
        .updateTable("sound_note_proposals")
        .set((eb) => ({
          state: "rejected",
          decided_by: actor.userId,
          decided_at: new Date(),
          reply_id: replyId,
          version: eb("version", "+", 1),
        }))
        .where("id", "=", commentId)
        .where("version", "=", v.version)
        .returning("id")
        .executeTakeFirst();
      if (!done) throw stale();
      await audit(trx, actor, projectId, "soundnote.reject", commentId, { songId: note.songId });
    });
    return (await readNote(s.db, commentId)) as SoundNote;
  }

  const jobs = requireQueue(s);
  const moves = (v.moves as unknown as Move[] | undefined) ?? note.moves.map(({ changeLines: _, ...m }) => m);
  const row = await s.db
    .selectFrom("song_sessions")
    .select(["document", "version"])
    .where("song_id", "=", note.songId)
    .executeTakeFirst();
  if (!row) throw notFound(`session of song ${note.songId}`);
  let changed: Session;
  try {
    changed = applyProposal(row.document as unknown as Session, { moves });
  } catch (e) {
    throw invalid(
      "moves",
      `the moves do not fit the session (version ${row.version}): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  changed = await checkStudioSession(s, changed);
  const accepted = withLines(moves);
  const span = note.span ?? { start: 0, end: 8 };
  const renderJobId = await s.db.transaction().execute(async (trx) => {
    const saved = await trx
      .updateTable("song_sessions")
      .set((eb) => ({
        document: JSON.stringify(changed),
        version: eb("version", "+", 1),
        updated_by: actor.userId,
        updated_at: new Date(),
      }))
      .where("song_id", "=", note.songId)
      .where("version", "=", row.version)
      .returning("version")
      .executeTakeFirst();
    if (!saved)
      throw conflict(
        `the session of song ${note.songId} was changed by someone else while accepting the note`,
      );
    await trx
      .insertInto("comments")
      .values(reply(v.reply ?? `Accepted in session v${saved.version}: ${summary(accepted)}`))
      .execute();
    const renderInput: SoundNoteRenderJobInput = {
      songId: note.songId,
      sessionVersion: saved.version,
      session: changed as unknown as Record<string, unknown>,
      label: `sound note: ${note.note.slice(0, 120)}`,
      options: { bits: v.bits, stems: false },
      commentId,
      span,
      moves: moves as unknown as Record<string, unknown>[],
    };
    const jobId = await insertJob(trx, actor, projectId, soundNoteRenderJob.name, renderInput);
    const done = await trx
      .updateTable("sound_note_proposals")
      .set((eb) => ({
        state: "accepted",
        accepted_moves: JSON.stringify(moves),
        decided_by: actor.userId,
        decided_at: new Date(),
        reply_id: replyId,
        accepted_session_version: saved.version,
        render_job_id: jobId,
        version: eb("version", "+", 1),
      }))
      .where("id", "=", commentId)
      .where("version", "=", v.version)
      .returning("id")
      .executeTakeFirst();
    if (!done) throw stale();
    await audit(trx, actor, projectId, "session.save", note.songId, { version: saved.version });
    await audit(trx, actor, projectId, "soundnote.accept", commentId, {
      songId: note.songId,
      sessionVersion: saved.version,
      jobId,
    });
    return jobId;
  });
  await jobs.enqueue(renderJobId, soundNoteRenderJob.name);
  return (await readNote(s.db, commentId)) as SoundNote;
}
