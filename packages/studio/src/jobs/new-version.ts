/**
 * What recording a render, mastering or repair result adds, inside the transaction that stores it (see markDone):
 * the files' blob rows, and the new "mix" or "master" version of the song with its loudness, the job's report,
 * an "in review" approval and an audit entry. The version id comes from the worker's result, so the job's
 * result names the version it made.
 */
import type { Kysely } from "kysely";
import { audit } from "../audit/audit.ts";
import type { Database } from "../store/schema.ts";
import type { JobBlob } from "./job-blobs.ts";
import type { FinishedJob } from "./job-kind.ts";

/** Adds the blob row of a file a job moved into the blob store (nothing when the bytes were there already). */
export async function addJobBlob(trx: Kysely<Database>, b: JobBlob): Promise<void> {
  await trx
    .insertInto("blobs")
    .values({ sha256: b.sha256, size: b.size, format: b.format })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The version a job's result adds. */
export interface JobVersion {
  id: string;
  songId: string;
  kind: "mix" | "master";
  label: string | null;
  defaultLabel: (n: number) => string;
  blobSha256: string;
  integratedLufs: number;
  report: Record<string, unknown>;
  /** What made it, as its report's kind and in the audit action (default: render for a mix, master for a master). */
  madeBy?: "render" | "master" | "repair";
}

/** Adds the version (nothing when the song was deleted while the job ran, or the job has no author). */
export async function addJobVersion(
  trx: Kysely<Database>,
  job: FinishedJob<unknown>,
  v: JobVersion,
): Promise<void> {
  const song = await trx.selectFrom("songs").select("id").where("id", "=", v.songId).executeTakeFirst();
  if (!song || !job.createdBy) return;
  // Imported here: it loads kysely, which a worker (importing every kind, hence this module) does not need.
  const { nextVersionNumber } = await import("../versions/mix-versions.ts");
  const number = await nextVersionNumber(trx, v.songId, v.kind);
  await trx
    .insertInto("mix_versions")
    .values({
      id: v.id,
      song_id: v.songId,
      kind: v.kind,
      number,
      label: v.label || v.defaultLabel(number),
      blob_sha256: v.blobSha256,
      integrated_lufs: Number.isFinite(v.integratedLufs) ? v.integratedLufs : null,
      uploaded_by: job.createdBy,
    })
    .execute();
  await trx
    .insertInto("approvals")
    .values({ mix_version_id: v.id, state: "in_review", decided_by: job.createdBy, note: `${v.kind} by job` })
    .execute();
  const made = v.madeBy ?? (v.kind === "mix" ? "render" : "master");
  await trx
    .insertInto("version_reports")
    .values({ mix_version_id: v.id, job_id: job.id, kind: made, report: JSON.stringify(v.report) })
    .execute();
  await audit(trx, { userId: job.createdBy }, job.projectId, `${v.kind}.${made}`, v.id, {
    songId: v.songId,
    number,
    jobId: job.id,
  });
}
