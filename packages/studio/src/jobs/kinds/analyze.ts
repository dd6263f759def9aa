/**
 * The "analyze" job: measures a stored audio file (loudness, loudness range, true and sample peak) — a mix or
 * master version's file, whose integrated loudness is then stored on the version for loudness-matched A/B,
 * or a take's, whose integrated loudness, true peak and length are stored on the take together with what the
 * repair detection finds in it (clicks, crackle, hum, noise, clipping, DC: badges and counts, TakeProblems).
 * Submitted through the
 * generic jobs route (`{kind: "analyze", input: {versionId} | {takeId}}`); creating a take with a file
 * queues one by itself (takes/takes.ts).
 */
import { z } from "zod";
import { invalid } from "../../errors.ts";
import { type TakeProblems, takeProblemsOf } from "../../takes/take-problems.ts";
import { blobFile } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";

/** What the worker gets: the file, and what it belongs to (one of the two). */
const AnalyzeInput = z.object({
  blobSha256: z.string(),
  versionId: z.string().nullish(),
  takeId: z.string().nullish(),
});

/** What a client asks for: a mix/master version's file, or a take's — exactly one of the two. */
const AnalyzeRequest = z
  .object({ versionId: z.string().min(1).optional(), takeId: z.string().min(1).optional() })
  .refine((i) => (i.versionId === undefined) !== (i.takeId === undefined), {
    message: "give versionId (a version's file) or takeId (a take's file), not both",
    path: ["versionId"],
  });

/** The measurements (levels are null where the analysis has none). */
export interface AnalyzeJobResult {
  [key: string]: unknown;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number | null;
  samplePeakDbfs: number | null;
  /**
   * A take's detected problems (takes only; any length since 2026-12-07 — null in results stored before,
   * for takes longer than 10 minutes, which were not scanned).
   */
  problems?: TakeProblems | null;
}

const finite = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);

export const analyzeJob = defineJobKind({
  name: "analyze",
  input: AnalyzeInput,
  request: {
    schema: AnalyzeRequest,
    async prepare(s, projectId, request) {
      if (request.takeId) {
        const take = await s.db
          .selectFrom("takes")
          .innerJoin("songs", "songs.id", "takes.song_id")
          .select(["takes.blob_sha256", "songs.project_id"])
          .where("takes.id", "=", request.takeId)
          .executeTakeFirst();
        if (!take || take.project_id !== projectId)
          throw invalid("input.takeId", `no take ${request.takeId} in this project`);
        if (!take.blob_sha256) throw invalid("input.takeId", "this take has no uploaded file");
        return { takeId: request.takeId, blobSha256: take.blob_sha256 };
      }
      const versionId = request.versionId as string;
      const ver = await s.db
        .selectFrom("mix_versions")
        .innerJoin("songs", "songs.id", "mix_versions.song_id")
        .select(["mix_versions.blob_sha256", "songs.project_id"])
        .where("mix_versions.id", "=", versionId)
        .executeTakeFirst();
      if (!ver || ver.project_id !== projectId)
        throw invalid("input.versionId", `no version ${versionId} in this project`);
      if (!ver.blob_sha256) throw invalid("input.versionId", "this version has no uploaded file");
      return { versionId, blobSha256: ver.blob_sha256 };
    },
    async inserted(s, jobId, input) {
      if (input.takeId)
        await s.db
          .updateTable("takes")
          .set({ analysis_job_id: jobId })
          .where("id", "=", input.takeId)
          .execute();
    },
  },
  async run({ blobSha256, takeId }, env): Promise<AnalyzeJobResult> {
    const { analyzeFile } = await import("@controlroom/node/analysis/analyze-file.ts");
    const file = blobFile(env.blobRoot, blobSha256);
    // A take's file is also scanned for problems to repair: loudness is the first half of the work then.
    const share = takeId ? 0.5 : 1;
    const a = await analyzeFile(file, {
      onProgress: (done, total) => total && env.progress(share * Math.min(1, done / total)),
    });
    const r = a.report;
    let problems: TakeProblems | null | undefined;
    if (takeId) problems = await detectTakeProblems(file, (f) => env.progress(0.5 + 0.5 * f));
    return {
      sampleRate: a.info.sampleRate,
      channels: a.info.channels,
      durationSeconds: r.durationSeconds,
      integratedLufs: r.integratedLufs,
      loudnessRangeLu: r.loudnessRangeLu,
      truePeakDbtp: r.truePeakDbtp ?? null,
      samplePeakDbfs: r.samplePeakDbfs ?? null,
      ...(takeId ? { problems } : {}),
    };
  },
  async record(trx, job, result) {
    const { takeId, versionId } = job.input;
    if (takeId)
      await trx
        .updateTable("takes")
        .set({
          integrated_lufs: finite(result.integratedLufs),
          true_peak_dbtp: finite(result.truePeakDbtp),
          duration_seconds: finite(result.durationSeconds),
          ...(result.problems !== undefined ? { problems: JSON.stringify(result.problems) } : {}),
        })
        .where("id", "=", takeId)
        .execute();
    if (versionId && typeof result.integratedLufs === "number" && Number.isFinite(result.integratedLufs))
      await trx
        .updateTable("mix_versions")
        .set({ integrated_lufs: result.integratedLufs })
        .where("id", "=", versionId)
        .execute();
  },
});

/**
 * The repair detection on a take's file, for any length: files longer than a minute are scanned in chunks
 * (node/repair/detect-file.ts), in bounded memory — a 45-minute live recording gets its badges too.
 */
async function detectTakeProblems(file: string, progress: (fraction: number) => void): Promise<TakeProblems> {
  const { detectFile } = await import("@controlroom/node/repair/detect-file.ts");
  const { fixesFor } = await import("@controlroom/engine/repair/repair-channels.ts");
  const found = await detectFile(file, { onProgress: progress });
  return takeProblemsOf(found, fixesFor(found));
}
