/**
 * The "master" job in a worker: masters a mix blob to a delivery preset with the engine (optionally matching
 * a reference version), runs QC on the master, and moves it into the blob store. Progress: 0.05 read, then
 * per limiter pass up to 0.8, 0.85 written, 0.95 QC done, 1 stored.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type MasterReport, masterFile } from "@controlroom/node/mastering/master-file.ts";
import { qcFile } from "@controlroom/node/qc/qc-file.ts";
import type { MasterJobInput } from "../mastering/start-master.ts";
import type { JobEnvironment } from "./handlers.ts";
import { blobFile, type JobBlob, scratchDir, storeFileAsBlob } from "./job-blobs.ts";

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

/** Masters one mix (see module comment). */
export async function runMasterJob(input: MasterJobInput, env: JobEnvironment): Promise<MasterJobResult> {
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
      reference: o.report.reference ? { ...o.report.reference, path: `blob:${input.referenceSha256}` } : null,
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
}
