/**
 * The "render" job: renders a song's stored mix session into a new mix version. Started by `startRender`
 * (`POST /api/songs/{songId}/renders`); the worker renders the session (its audio read from the blob store)
 * to a stereo mix WAV and optionally a stems zip, measures the mix and moves the files into the blob store;
 * recording the result adds the mix to the song's version stack with its integrated loudness and the result
 * as its report. Progress: 0…0.9 rendering (timeline seconds done / total), 0.9…1 measuring.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Actor, Studio } from "../../context.ts";
import { conflict, notFound, parseInput } from "../../errors.ts";
import { authorizeSong } from "../../team/access.ts";
import { blobFile, type JobBlob, scratchDir, storeFileAsBlob } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";
import type { Job } from "../job-row.ts";
import { addJobBlob, addJobVersion } from "../new-version.ts";
import { queueJob } from "../queue-job.ts";

/** The body of `POST /api/songs/{songId}/renders`. */
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
export const RenderJobInput = z.object({
  songId: z.string(),
  sessionVersion: z.number(),
  /** The session document (checked when saved, checked again by the worker). */
  session: z.record(z.string(), z.unknown()),
  label: z.string().nullable(),
  options: z.object({
    bits: z.union([z.literal(16), z.literal(24), z.literal(32)]),
    stems: z.boolean(),
    section: z.string().optional(),
    start: z.number().optional(),
    end: z.number().optional(),
    tailSeconds: z.number().optional(),
  }),
});
export type RenderJobInput = z.output<typeof RenderJobInput>;

/** The result of a render job (stored on the job and as the new version's report). */
export interface RenderJobResult {
  [key: string]: unknown;
  /** Id the new mix version gets when the result is recorded. */
  versionId: string;
  songId: string;
  sessionVersion: number;
  label: string | null;
  mix: JobBlob;
  stems: (JobBlob & { files: string[] }) | null;
  sampleRate: number;
  frames: number;
  durationSeconds: number;
  bits: number;
  /** Latency compensated by the render, samples. */
  latency: number;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  samplePeakDbfs: number;
}

export const renderJob = defineJobKind({
  name: "render",
  input: RenderJobInput,
  async run(input, env): Promise<RenderJobResult> {
    const { parseSession } = await import("@controlroom/engine/session/load.ts");
    const { analyzeFile } = await import("@controlroom/node/analysis/analyze-file.ts");
    const { renderSessionToFiles } = await import("@controlroom/node/render/render-session.ts");
    const session = parseSession(input.session, "session");
    // The blob named by each reference's sha256 is the audio; the stored path is only a hint from elsewhere.
    for (const ref of Object.values(session.audio)) ref.path = blobFile(env.blobRoot, ref.sha256);
    const dir = await scratchDir(env.blobRoot, "render");
    try {
      const o = input.options;
      const mixPath = join(dir, "mix.wav");
      const stemsPath = o.stems ? join(dir, "stems.zip") : undefined;
      const r = await renderSessionToFiles(session, dir, mixPath, {
        bits: o.bits,
        stems: stemsPath,
        section: o.section,
        start: o.start,
        end: o.end,
        tailSeconds: o.tailSeconds,
        // Blobs are named by their sha256 and written only whole, so presence is enough.
        verifyHashes: false,
        // One thread per job: the queue already runs jobs side by side.
        threads: 1,
        onProgress: (done, total) => total > 0 && env.progress(0.9 * Math.min(1, done / total)),
        cancelled: env.cancelled,
      });
      const a = await analyzeFile(mixPath, { parallel: false });
      const mix = await storeFileAsBlob(env.blobRoot, mixPath, "wav");
      const stems = stemsPath
        ? { ...(await storeFileAsBlob(env.blobRoot, stemsPath, "zip")), files: r.stemFiles }
        : null;
      env.progress(1);
      return {
        versionId: randomUUID(),
        songId: input.songId,
        sessionVersion: input.sessionVersion,
        label: input.label,
        mix,
        stems,
        sampleRate: r.sampleRate,
        frames: r.frames,
        durationSeconds: r.frames / r.sampleRate,
        bits: o.bits,
        latency: r.latency,
        integratedLufs: a.report.integratedLufs,
        loudnessRangeLu: a.report.loudnessRangeLu,
        truePeakDbtp: a.report.truePeakDbtp,
        samplePeakDbfs: a.report.samplePeakDbfs,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  async record(trx, job, result) {
    await addJobBlob(trx, result.mix);
    if (result.stems) await addJobBlob(trx, result.stems);
    await addJobVersion(trx, job, {
      id: result.versionId,
      songId: result.songId,
      kind: "mix",
      label: result.label,
      defaultLabel: (n) => `mix v${n} (render)`,
      blobSha256: result.mix.sha256,
      integratedLufs: result.integratedLufs,
      report: result,
    });
  },
});

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
  return queueJob(s, actor, projectId, renderJob, job);
}
