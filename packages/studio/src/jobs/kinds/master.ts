/**
 * The "master" job: masters a mix version to a delivery target into a new master version. Started by
 * `startMaster` (`POST /api/versions/{versionId}/master`); the worker masters the version's file with the
 * engine's mastering policy (`masterFile` → `masterToTarget` in engine/mastering/master-plan.ts, so the same
 * master the command line and the browser make of that target: loudness to the target within ±0.5 LU, true
 * peak under the ceiling; optionally matching a reference version), runs QC on the master and moves it into the
 * blob store; recording the result adds a "master" version with its report. Progress: 0.05 read, then per
 * limiter pass up to 0.8, 0.85 written, 0.95 QC done, 1 stored.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { TARGET_NAMES } from "@controlroom/engine/mastering/targets.ts";
import type { MasterReport } from "@controlroom/node/mastering/master-file.ts";
import { z } from "zod";
import type { Actor, Studio } from "../../context.ts";
import { invalid, notFound, parseInput } from "../../errors.ts";
import { authorizeSong } from "../../team/access.ts";
import { blobFile, type JobBlob, scratchDir, storeFileAsBlob } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";
import type { Job } from "../job-row.ts";
import { addJobBlob, addJobVersion } from "../new-version.ts";
import { queueJob } from "../queue-job.ts";

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
export const MasterJobInput = z.object({
  songId: z.string(),
  versionId: z.string(),
  blobSha256: z.string(),
  target: z.string(),
  referenceVersionId: z.string().nullable(),
  referenceSha256: z.string().nullable(),
  label: z.string().nullable(),
  maxLimitingDb: z.number().nullable(),
});
export type MasterJobInput = z.output<typeof MasterJobInput>;

/** The result of a master job (stored on the job and as the new version's report). */
export interface MasterJobResult {
  [key: string]: unknown;
  /** Id the new master version gets when the result is recorded. */
  versionId: string;
  songId: string;
  /** The mix that was mastered. */
  sourceVersionId: string;
  referenceVersionId: string | null;
  target: string;
  label: string | null;
  master: JobBlob;
  /** After mastering, LUFS / dBTP (the figures the target is judged on). */
  integratedLufs: number;
  truePeakDbtp: number;
  /** Within ±0.5 LU of the target and at or under its ceiling. */
  onTarget: boolean;
  /** The mastering report: target, loudness and levels before/after, passes, limiting, chain, warnings. */
  report: MasterReport;
  /** QC of the master against the target: the worst verdict, every check, platform playback gains. */
  qc: {
    verdict: string;
    checks: { id: string; verdict: string; message: string; value: number | null }[];
    platforms: { platform: string; referenceLufs: number; gainDb: number }[];
    measurements: Record<string, unknown>;
  };
}

export const masterJob = defineJobKind({
  name: "master",
  input: MasterJobInput,
  async run(input, env): Promise<MasterJobResult> {
    const { masterFile } = await import("@controlroom/node/mastering/master-file.ts");
    const { qcFile } = await import("@controlroom/node/qc/qc-file.ts");
    const dir = await scratchDir(env.blobRoot, "master");
    try {
      const out = join(dir, "master.wav");
      env.progress(0.05);
      const o = await masterFile(blobFile(env.blobRoot, input.blobSha256), out, {
        target: input.target,
        reference: input.referenceSha256 ? blobFile(env.blobRoot, input.referenceSha256) : undefined,
        maxLimitingDb: input.maxLimitingDb ?? undefined,
        onPass: (pass) => env.progress(Math.min(0.8, 0.1 + 0.15 * pass)),
      });
      env.progress(0.85);
      // Mastering itself cannot be interrupted; stop before QC when the job was cancelled meanwhile.
      if (env.cancelled?.()) throw new Error("cancelled");
      const qc = await qcFile(out, { target: input.target });
      env.progress(0.95);
      const master = await storeFileAsBlob(env.blobRoot, out, "wav");
      env.progress(1);
      // Scratch paths mean nothing outside this worker: name the blobs instead.
      const report: MasterReport = {
        ...o.report,
        input: `blob:${input.blobSha256}`,
        output: `blob:${master.sha256}`,
        reference: o.report.reference
          ? { ...o.report.reference, path: `blob:${input.referenceSha256}` }
          : null,
      };
      return {
        versionId: randomUUID(),
        songId: input.songId,
        sourceVersionId: input.versionId,
        referenceVersionId: input.referenceVersionId,
        target: input.target,
        label: input.label,
        master,
        integratedLufs: report.after.integratedLufs,
        truePeakDbtp: report.after.truePeakDbtp,
        onTarget: report.onTarget,
        report,
        qc: {
          verdict: qc.verdict,
          checks: qc.checks,
          platforms: qc.platforms.map((p) => ({
            platform: p.platform,
            referenceLufs: p.referenceLufs,
            gainDb: p.gainDb,
          })),
          measurements: { ...qc.measurements },
        },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  async record(trx, job, result) {
    await addJobBlob(trx, result.master);
    await addJobVersion(trx, job, {
      id: result.versionId,
      songId: result.songId,
      kind: "master",
      label: result.label,
      defaultLabel: (n) => `master v${n} (${result.target})`,
      blobSha256: result.master.sha256,
      integratedLufs: result.integratedLufs,
      report: result,
    });
  },
});

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
  return queueJob(s, actor, projectId, masterJob, job);
}
