/**
 * The "repair" job: cleans up a take's or a version's file — clicks, crackle, hum, noise, clipping, DC — with
 * the engine's repair tools (the fixes asked for, or with "auto" those the detection calls for; see
 * engine/repair/repair-channels.ts), into a new take linked to the one it was repaired from, or a new version
 * of the same kind. The original is kept. The repair report (what was found, what was done) is stored with
 * the new take or version. Started by `startTakeRepair` (`POST /api/takes/{takeId}/repair`) or
 * `startVersionRepair` (`POST /api/versions/{versionId}/repair`). Progress: 0…0.8 repairing, 0.85 measured,
 * 0.95 the repaired take scanned again, 1 stored.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Actor, Studio } from "../../context.ts";
import { invalid, notFound, parseInput } from "../../errors.ts";
import type { TakeProblems } from "../../takes/take-problems.ts";
import { authorizeSong } from "../../team/access.ts";
import { blobFile, type JobBlob, scratchDir, storeFileAsBlob } from "../job-blobs.ts";
import { defineJobKind } from "../job-kind.ts";
import type { Job } from "../job-row.ts";
import { addJobBlob, addJobVersion } from "../new-version.ts";
import { queueJob } from "../queue-job.ts";

/** The fixes, in the order the engine applies them (the engine's REPAIR_FIXES; a test holds them equal). */
export const REPAIR_FIX_NAMES = ["declip", "dc", "declick", "decrackle", "dehum", "denoise"] as const;

/** A list of fixes. */
const FixList = z
  .array(z.enum(REPAIR_FIX_NAMES, { error: `must be one of ${REPAIR_FIX_NAMES.join(", ")}` }))
  .min(1, "give at least one fix, or auto");

/** The fixes to make: some of REPAIR_FIX_NAMES, or "auto" (those the detection finds a need for). */
const Fixes = z.union([z.literal("auto"), FixList], { error: 'must be "auto" or a list of fixes' });

/** The body of `POST /api/takes/{takeId}/repair` and `POST /api/versions/{versionId}/repair`. */
export const StartRepairBody = z.object({
  /** Which fixes to make (default "auto": those the detection finds a need for). */
  fixes: Fixes.default("auto"),
  /** Denoise: a noise-only stretch [start, end] in seconds to learn the noise from (default: the quietest frames). */
  noiseFrom: z
    .tuple([z.number().finite().min(0), z.number().finite().min(0)])
    .refine(([a, b]) => b > a, "the end must be after the start")
    .optional(),
  /** Denoise: largest reduction, dB, 1…40 (default 12). */
  amountDb: z.number().finite().min(1).max(40).optional(),
  /** Label of a new version (default "<kind> vN (repaired)"), or the new take's notes. */
  label: z.string().trim().max(200).optional(),
});

/** What the repair worker gets. */
export const RepairJobInput = z.object({
  songId: z.string(),
  /** The take repaired (into a new take), or null. */
  takeId: z.string().nullable(),
  /** The version repaired (into a new version of its kind), or null. */
  versionId: z.string().nullable(),
  versionKind: z.enum(["mix", "master"]).nullable(),
  blobSha256: z.string(),
  fixes: Fixes,
  noiseFrom: z.tuple([z.number(), z.number()]).nullable(),
  amountDb: z.number().nullable(),
  label: z.string().nullable(),
});
export type RepairJobInput = z.output<typeof RepairJobInput>;

/** The result of a repair job (stored on the job, and as the report of the take or version it made). */
export interface RepairJobResult {
  [key: string]: unknown;
  /** The new take (repairing a take) or null. */
  takeId: string | null;
  /** The new version (repairing a version) or null. */
  versionId: string | null;
  /** What was repaired. */
  sourceTakeId: string | null;
  sourceVersionId: string | null;
  songId: string;
  label: string | null;
  repaired: JobBlob;
  /** The repaired file: BS.1770 integrated loudness (LUFS), true peak (dBTP), length (s). */
  integratedLufs: number;
  truePeakDbtp: number | null;
  durationSeconds: number;
  /** The fixes made, in order. */
  fixes: string[];
  /** The original's badges (what was found) and one line per fix made (what was done). */
  found: string[];
  done: string[];
  /** What the detection still finds in the repaired file (takes only). */
  problemsAfter: TakeProblems | null;
  /** The engine's repair report (positions listed up to MAX_LISTED per list; counts are complete). */
  report: Record<string, unknown>;
}

/** Most positions kept per list in a stored report (counts stay complete). */
export const MAX_LISTED = 2000;

/** A repair report with its position lists cut to MAX_LISTED and file paths named as blobs. */
function storedReport(r: Record<string, unknown>, input: string, output: string): Record<string, unknown> {
  let cut = false;
  const trim = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      if (v.length > MAX_LISTED) cut = true;
      return v.slice(0, MAX_LISTED).map(trim);
    }
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trim(x)]));
    }
    return v;
  };
  const out = trim({ ...r, input, output }) as Record<string, unknown>;
  return { ...out, positionsCut: cut };
}

export const repairJob = defineJobKind({
  name: "repair",
  input: RepairJobInput,
  async run(input, env): Promise<RepairJobResult> {
    const { repairFile } = await import("@controlroom/node/repair/repair-file.ts");
    const { detectFile } = await import("@controlroom/node/repair/detect-file.ts");
    const { analyzeFile } = await import("@controlroom/node/analysis/analyze-file.ts");
    const { fixesFor } = await import("@controlroom/engine/repair/repair-channels.ts");
    const { takeProblemsOf } = await import("../../takes/take-problems.ts");
    const dir = await scratchDir(env.blobRoot, "repair");
    try {
      const out = join(dir, "repaired.wav");
      const r = await repairFile(blobFile(env.blobRoot, input.blobSha256), out, {
        fixes: input.fixes,
        noiseFrom: input.noiseFrom ?? undefined,
        amountDb: input.amountDb ?? undefined,
        onProgress: (f) => env.progress(0.8 * f),
      });
      // The repair itself cannot be interrupted; stop before the rest when the job was cancelled meanwhile.
      if (env.cancelled?.()) throw new Error("cancelled");
      const a = await analyzeFile(out, { parallel: false });
      env.progress(0.85);
      let problemsAfter: TakeProblems | null = null;
      if (input.takeId) {
        const after = await detectFile(out, { onProgress: (f) => env.progress(0.85 + 0.1 * f) });
        problemsAfter = takeProblemsOf(after, fixesFor(after));
      }
      if (env.cancelled?.()) throw new Error("cancelled");
      const repaired = await storeFileAsBlob(env.blobRoot, out, "wav");
      env.progress(1);
      return {
        takeId: input.takeId ? randomUUID() : null,
        versionId: input.versionId ? randomUUID() : null,
        sourceTakeId: input.takeId,
        sourceVersionId: input.versionId,
        songId: input.songId,
        label: input.label,
        repaired,
        integratedLufs: a.report.integratedLufs,
        truePeakDbtp: Number.isFinite(a.report.truePeakDbtp) ? a.report.truePeakDbtp : null,
        durationSeconds: r.durationSeconds,
        fixes: r.fixes,
        found: r.found.summary,
        done: r.summary,
        problemsAfter,
        // Scratch paths mean nothing outside this worker: name the blobs instead.
        report: storedReport(
          r as unknown as Record<string, unknown>,
          `blob:${input.blobSha256}`,
          `blob:${repaired.sha256}`,
        ),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  async record(trx, job, result) {
    await addJobBlob(trx, result.repaired);
    if (result.sourceVersionId && result.versionId) {
      const kind = job.input.versionKind ?? "mix";
      await addJobVersion(trx, job, {
        id: result.versionId,
        songId: result.songId,
        kind,
        label: result.label,
        defaultLabel: (n) => `${kind} v${n} (repaired)`,
        blobSha256: result.repaired.sha256,
        integratedLufs: result.integratedLufs,
        report: result,
        madeBy: "repair",
      });
      return;
    }
    if (result.sourceTakeId && result.takeId) await addRepairedTake(trx, job, result);
  },
});

/** Adds the repaired take after the original's last take of its part (nothing when the original is gone). */
async function addRepairedTake(
  trx: Parameters<NonNullable<typeof repairJob.record>>[0],
  job: Parameters<NonNullable<typeof repairJob.record>>[1],
  result: RepairJobResult,
): Promise<void> {
  const { sql } = await import("kysely");
  const { audit } = await import("../../audit/audit.ts");
  const from = await trx
    .selectFrom("takes")
    .selectAll()
    .where("id", "=", result.sourceTakeId as string)
    .executeTakeFirst();
  if (!from || !job.createdBy) return;
  // Numbered as createTake numbers (serialised per song).
  await sql`select pg_advisory_xact_lock(hashtext(${`takes:${from.song_id}`}))`.execute(trx);
  const { n } = (await trx
    .selectFrom("takes")
    .select(sql<number>`coalesce(max(number), 0)`.as("n"))
    .where("song_id", "=", from.song_id)
    .where("part", "=", from.part)
    .executeTakeFirst()) as { n: number };
  const number = Number(n) + 1;
  const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
  await trx
    .insertInto("takes")
    .values({
      id: result.takeId as string,
      song_id: from.song_id,
      recording_id: from.recording_id,
      section_id: from.section_id,
      part: from.part,
      number,
      performer_id: from.performer_id,
      performer_name: from.performer_name,
      rating: null,
      notes:
        result.label || `repaired from take ${from.number} (${result.fixes.join(", ") || "nothing to fix"})`,
      decision: null,
      blob_sha256: result.repaired.sha256,
      integrated_lufs: finite(result.integratedLufs),
      true_peak_dbtp: finite(result.truePeakDbtp),
      duration_seconds: finite(result.durationSeconds),
      problems: result.problemsAfter ? JSON.stringify(result.problemsAfter) : null,
      repaired_from_take_id: from.id,
      repair_job_id: job.id,
      repair_report: JSON.stringify(result),
    })
    .execute();
  await audit(trx, { userId: job.createdBy }, job.projectId, "take.repair", result.takeId, {
    songId: from.song_id,
    fromTakeId: from.id,
    number,
    jobId: job.id,
  });
}

/** The repair request checked against the file's length (when known). */
function repairInput(body: unknown, durationSeconds: number | null) {
  // A list is checked on its own first, so a bad entry is named (a union's error names only the union).
  const fixes = (body as { fixes?: unknown } | null)?.fixes;
  if (Array.isArray(fixes)) parseInput(z.object({ fixes: FixList }), { fixes });
  const v = parseInput(StartRepairBody, body);
  if (v.noiseFrom && durationSeconds !== null && v.noiseFrom[1] > durationSeconds)
    throw invalid(
      "noiseFrom",
      `${v.noiseFrom[0]}–${v.noiseFrom[1]} s is not inside the file (0–${durationSeconds.toFixed(3)} s)`,
    );
  return v;
}

/** Starts repairing a take into a new take linked to it (producers, engineers, mixing engineers). */
export async function startTakeRepair(s: Studio, actor: Actor, takeId: string, body: unknown): Promise<Job> {
  const take = await s.db
    .selectFrom("takes")
    .select(["song_id", "blob_sha256", "duration_seconds"])
    .where("id", "=", takeId)
    .executeTakeFirst();
  if (!take) throw notFound(`take ${takeId}`);
  const { projectId } = await authorizeSong(s.db, actor, take.song_id, "repair.run");
  if (!take.blob_sha256) throw invalid("takeId", `take ${takeId} has no uploaded file`);
  const v = repairInput(body, take.duration_seconds);
  const job: RepairJobInput = {
    songId: take.song_id,
    takeId,
    versionId: null,
    versionKind: null,
    blobSha256: take.blob_sha256,
    fixes: v.fixes,
    noiseFrom: v.noiseFrom ?? null,
    amountDb: v.amountDb ?? null,
    label: v.label || null,
  };
  return queueJob(s, actor, projectId, repairJob, job);
}

/** Starts repairing a mix or master version into a new version of its kind (producers, engineers, mixing engineers). */
export async function startVersionRepair(
  s: Studio,
  actor: Actor,
  versionId: string,
  body: unknown,
): Promise<Job> {
  const ver = await s.db
    .selectFrom("mix_versions")
    .select(["song_id", "kind", "blob_sha256"])
    .where("id", "=", versionId)
    .executeTakeFirst();
  if (!ver) throw notFound(`version ${versionId}`);
  const { projectId } = await authorizeSong(s.db, actor, ver.song_id, "repair.run");
  if (!ver.blob_sha256) throw invalid("versionId", `version ${versionId} has no uploaded file`);
  const v = repairInput(body, null);
  const job: RepairJobInput = {
    songId: ver.song_id,
    takeId: null,
    versionId,
    versionKind: ver.kind,
    blobSha256: ver.blob_sha256,
    fixes: v.fixes,
    noiseFrom: v.noiseFrom ?? null,
    amountDb: v.amountDb ?? null,
    label: v.label || null,
  };
  return queueJob(s, actor, projectId, repairJob, job);
}
