/**
 * The "sound-note" job: turns a producer's comment marked as a sound note ("Bridge vocal: more air, less
 * push") into proposed moves on the song's mix session. The worker renders the commented span of the session
 * (mix and every stem, audio read from the blob store), measures each target the note names and decides the
 * moves from the measurement (the engine's brief); recording the result stores the proposal with the comment,
 * where the engineer accepts (with edits) or rejects it (versions/sound-notes.ts). Started by `markSoundNote`.
 */
import { z } from "zod";
import { blobFile } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";

/** A span of the timeline, seconds. */
export const SpanInput = z.object({ start: z.number().min(0), end: z.number().positive() });

/** What the sound-note worker gets. */
export const SoundNoteJobInput = z.object({
  /** The comment (and its proposal row). */
  commentId: z.string(),
  songId: z.string(),
  /** The session version proposed against. */
  sessionVersion: z.number().int().positive(),
  /** The session document (checked when saved, checked again by the worker). */
  session: z.record(z.string(), z.unknown()),
  /** The note's words. */
  note: z.string().min(1),
  /** The commented span; absent: the section the note names, else the middle of the song. */
  span: SpanInput.optional(),
});
export type SoundNoteJobInput = z.output<typeof SoundNoteJobInput>;

/** The result: the proposal (engine `Proposal`: moves with changes, reasons, predictions) and where it was measured. */
export interface SoundNoteJobResult {
  [key: string]: unknown;
  commentId: string;
  sessionVersion: number;
  span: { start: number; end: number };
  proposal: Record<string, unknown>;
  /** Milliseconds rendering the span and deciding the moves. */
  timings: { renderMs: number; proposeMs: number };
}

export const soundNoteJob = defineJobKind({
  name: "sound-note",
  input: SoundNoteJobInput,
  async run(input, env): Promise<SoundNoteJobResult> {
    const { parseSession } = await import("@controlroom/engine/session/load.ts");
    const { briefSession } = await import("@controlroom/node/brief/brief-session.ts");
    const session = parseSession(input.session, "session");
    for (const ref of Object.values(session.audio)) ref.path = blobFile(env.blobRoot, ref.sha256);
    env.progress(0.05);
    const r = await briefSession(session, env.blobRoot, input.note, input.span ? { span: input.span } : {});
    env.progress(1);
    return {
      commentId: input.commentId,
      sessionVersion: input.sessionVersion,
      span: r.span,
      proposal: r.proposal as unknown as Record<string, unknown>,
      timings: r.timings,
    };
  },
  async record(trx, job, result) {
    await trx
      .updateTable("sound_note_proposals")
      .set({
        state: "proposed",
        proposal: JSON.stringify(result.proposal),
        span_start: result.span.start,
        span_end: result.span.end,
      })
      .where("id", "=", result.commentId)
      .where("job_id", "=", job.id)
      .where("state", "=", "proposing")
      .execute();
  },
});
