/**
 * Mastering a mix version to a delivery target, as a job: the worker masters the version's file with the
 * engine (loudness to the target within ±0.5 LU, true peak under the ceiling), runs QC on the result and
 * stores it; the job's result adds a "master" version with its report (see jobs/master-job.ts).
 */
import { TARGET_NAMES } from "@controlroom/engine/mastering/targets.ts";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput } from "../errors.ts";
import type { Job } from "../jobs/jobs.ts";
import { queueJob } from "../jobs/queue-job.ts";
import { authorizeSong } from "../team/access.ts";

export const StartMasterInput = z.object({
  /** The mix version to master. */
  versionId: z.string().min(1).max(200),
  /** Delivery preset: spotify, apple, youtube, tidal, amazon, deezer, ebu-r128, atsc-a85, cd, vinyl, club. */
  target: z.enum(TARGET_NAMES as [string, ...string[]]),
  /** A version (of any song in the project) whose tonal balance and width to match. */
  referenceVersionId: z.string().min(1).max(200).optional(),
  /** Label of the new master version (default "master vN (<target>)"). */
  label: z.string().trim().max(200).optional(),
  /** Most limiting accepted, dB, 0…20 (default: the preset's, else 6); the job fails when more is needed. */
  maxLimitingDb: z.number().finite().min(0).max(20).optional(),
});

/** The body of `POST /api/versions/{versionId}/master` (the version comes from the path). */
export const StartMasterBody = StartMasterInput.omit({ versionId: true });

/** What the mastering worker gets. */
export interface MasterJobInput {
  songId: string;
  versionId: string;
  blobSha256: string;
  target: string;
  referenceVersionId: string | null;
  referenceSha256: string | null;
  label: string | null;
  maxLimitingDb: number | null;
}

async function versionFile(s: Studio, field: string, versionId: string) {
  const v = await s.db
    .selectFrom("mix_versions")
    .innerJoin("songs", "songs.id", "mix_versions.song_id")
    .select(["mix_versions.song_id", "mix_versions.kind", "mix_versions.blob_sha256", "songs.project_id"])
    .where("mix_versions.id", "=", versionId)
    .executeTakeFirst();
  if (!v)
    throw field === "versionId"
      ? notFound(`version ${versionId}`)
      : invalid(field, `no version ${versionId}`);
  if (!v.blob_sha256) throw invalid(field, `version ${versionId} has no uploaded file`);
  return v as typeof v & { blob_sha256: string };
}

/** Starts mastering a mix version (producers, mastering engineers). */
export async function startMaster(s: Studio, actor: Actor, input: unknown): Promise<Job> {
  const v = parseInput(StartMasterInput, input);
  const mix = await versionFile(s, "versionId", v.versionId);
  const { projectId } = await authorizeSong(s.db, actor, mix.song_id, "master.run");
  if (mix.kind !== "mix") throw invalid("versionId", `version ${v.versionId} is a master; master a mix`);
  let ref: Awaited<ReturnType<typeof versionFile>> | null = null;
  if (v.referenceVersionId) {
    ref = await versionFile(s, "referenceVersionId", v.referenceVersionId);
    if (ref.project_id !== projectId)
      throw invalid("referenceVersionId", `no version ${v.referenceVersionId} in this project`);
  }
  const job: MasterJobInput = {
    songId: mix.song_id,
    versionId: v.versionId,
    blobSha256: mix.blob_sha256,
    target: v.target,
    referenceVersionId: v.referenceVersionId ?? null,
    referenceSha256: ref?.blob_sha256 ?? null,
    label: v.label || null,
    maxLimitingDb: v.maxLimitingDb ?? null,
  };
  return queueJob(s, actor, projectId, "master", job as unknown as Record<string, unknown>);
}

/** The report a render or mastering job left on a version (any team member who sees the song). */
export async function getVersionReport(
  s: Studio,
  actor: Actor,
  versionId: string,
): Promise<{ versionId: string; jobId: string; kind: string; report: unknown; createdAt: Date }> {
  const v = await s.db
    .selectFrom("mix_versions")
    .select("song_id")
    .where("id", "=", versionId)
    .executeTakeFirst();
  if (!v) throw notFound(`version ${versionId}`);
  await authorizeSong(s.db, actor, v.song_id, "project.read");
  const r = await s.db
    .selectFrom("version_reports")
    .selectAll()
    .where("mix_version_id", "=", versionId)
    .executeTakeFirst();
  if (!r) throw notFound(`report of version ${versionId} (only rendered and mastered versions have one)`);
  return { versionId, jobId: r.job_id, kind: r.kind, report: r.report, createdAt: r.created_at };
}
