/**
 * Rendering a song's session into a new mix version, as a job: the worker renders the stored session (its
 * audio read from the blob store), measures the mix, stores it as a blob, and the job's result adds it to
 * the song's version stack as a mix with its integrated loudness (see jobs/render-job.ts, jobs/outcomes.ts).
 */
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { conflict, notFound, parseInput } from "../errors.ts";
import type { Job } from "../jobs/jobs.ts";
import { queueJob } from "../jobs/queue-job.ts";
import { authorizeSong } from "../team/access.ts";

export const StartRenderInput = z
  .object({
    /** Render this session version (409 when the stored session has moved on); default the current one. */
    sessionVersion: z.number().int().positive().optional(),
    /** Label of the new mix version (default "mix vN (render)"). */
    label: z.string().trim().max(200).optional(),
    /** Word length of the mix WAV: 16/24-bit PCM (seeded TPDF dither) or 32-bit float (default 24). */
    bits: z
      .union([z.literal(16), z.literal(24), z.literal(32)], { error: "must be 16, 24 or 32" })
      .default(24),
    /** Also render every track and bus as a stereo stem, stored as a zip (default false). */
    stems: z.boolean().default(false),
    /** Render one arrangement section by name (overrides start/end). */
    section: z.string().min(1).max(200).optional(),
    /** First second of the timeline to render (default 0). */
    start: z.number().finite().min(0).optional(),
    /** Second to stop at (default: where the last clip ends, plus the tail). */
    end: z.number().finite().positive().optional(),
    /** Seconds rendered past the end so reverbs and delays ring out, 0…60 (default 0). */
    tailSeconds: z.number().finite().min(0).max(60).optional(),
  })
  .refine((v) => v.start === undefined || v.end === undefined || v.end > v.start, {
    path: ["end"],
    message: "must be after start",
  });

/** What the render worker gets. */
export interface RenderJobInput {
  songId: string;
  sessionVersion: number;
  /** The session document (checked when saved, checked again by the worker). */
  session: Record<string, unknown>;
  label: string | null;
  options: {
    bits: 16 | 24 | 32;
    stems: boolean;
    section?: string;
    start?: number;
    end?: number;
    tailSeconds?: number;
  };
}

/** Starts rendering the song's session into a new mix version (producers, engineers, mixing engineers). */
export async function startRender(s: Studio, actor: Actor, songId: string, input: unknown): Promise<Job> {
  const v = parseInput(StartRenderInput, input);
  const { projectId } = await authorizeSong(s.db, actor, songId, "render.run");
  const row = await s.db
    .selectFrom("song_sessions")
    .select(["document", "version"])
    .where("song_id", "=", songId)
    .executeTakeFirst();
  if (!row)
    throw notFound(`session of song ${songId} (save one with PUT /api/songs/${songId}/session first)`);
  if (v.sessionVersion !== undefined && v.sessionVersion !== row.version)
    throw conflict(`sessionVersion: the session is at version ${row.version}, not ${v.sessionVersion}`, {
      current: { version: row.version },
    });
  const job: RenderJobInput = {
    songId,
    sessionVersion: row.version,
    session: row.document,
    label: v.label || null,
    options: {
      bits: v.bits,
      stems: v.stems,
      section: v.section,
      start: v.start,
      end: v.end,
      tailSeconds: v.tailSeconds,
    },
  };
  return queueJob(s, actor, projectId, "render", job as unknown as Record<string, unknown>);
}
