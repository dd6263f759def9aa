/**
 * The "sound-note-render" job: an accepted sound note's session rendered into a new mix version (the render
 * job's work, see render.ts), then the commented span rendered again and every accepted move's feature
 * measured against its prediction. Recording adds the mix version and links it to the note with the
 * measured numbers, so the producer reads "done in mix v5" with before, predicted and measured.
 */
import { z } from "zod";
import { blobFile } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";
import { RenderJobInput, type RenderJobResult, renderJob } from "./render.ts";
import { SpanInput } from "./sound-note.ts";

/** What the worker gets: a render job's input, the note, the span and the accepted moves (engine `Move`s). */
export const SoundNoteRenderJobInput = RenderJobInput.extend({
  commentId: z.string(),
  span: SpanInput,
  moves: z.array(z.record(z.string(), z.unknown())),
});
export type SoundNoteRenderJobInput = z.output<typeof SoundNoteRenderJobInput>;

/** The render's result plus the moves with `measured` filled in. */
export interface SoundNoteRenderJobResult extends RenderJobResult {
  commentId: string;
  moves: Record<string, unknown>[];
}

export const soundNoteRenderJob = defineJobKind({
  name: "sound-note-render",
  input: SoundNoteRenderJobInput,
  async run(input, env): Promise<SoundNoteRenderJobResult> {
    const { parseSession } = await import("@controlroom/engine/session/load.ts");
    const { measureMoves } = await import("@controlroom/node/brief/brief-session.ts");
    const progress = env.progress;
    const rendered = await renderJob.run(input, { ...env, progress: (f) => progress(0.8 * f) });
    const session = parseSession(input.session, "session");
    for (const ref of Object.values(session.audio)) ref.path = blobFile(env.blobRoot, ref.sha256);
    const moves = structuredClone(input.moves) as unknown as Parameters<typeof measureMoves>[3];
    await measureMoves(session, env.blobRoot, input.span, moves);
    progress(1);
    return { ...rendered, commentId: input.commentId, moves: moves as unknown as Record<string, unknown>[] };
  },
  async record(trx, job, result) {
    await renderJob.record?.(trx, job, result);
    const made = await trx
      .selectFrom("mix_versions")
      .select("id")
      .where("id", "=", result.versionId)
      .executeTakeFirst();
    await trx
      .updateTable("sound_note_proposals")
      .set({
        mix_version_id: made ? result.versionId : null,
        measured: JSON.stringify(result.moves),
      })
      .where("id", "=", result.commentId)
      .where("render_job_id", "=", job.id)
      .execute();
  },
});
