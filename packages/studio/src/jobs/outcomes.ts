/**
 * What recording a job's result changes besides the job row, inside the same transaction (see markDone):
 * a render adds its mix as a new "mix" version of the song, a mastering job its master as a new "master"
 * version, each with the files' blob rows, loudness, the job's report, an "in review" approval and an audit
 * entry. The version id comes from the worker's result, so the job's result names the version it made.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { audit } from "../audit/audit.ts";
import type { Database } from "../store/schema.ts";
import type { JobBlob } from "./job-blobs.ts";

/** The job whose result is being recorded. */
export interface FinishedJob {
  id: string;
  kind: string;
  projectId: string | null;
  createdBy: string | null;
}

async function addBlob(trx: Kysely<Database>, b: JobBlob): Promise<void> {
  await trx
    .insertInto("blobs")
    .values({ sha256: b.sha256, size: b.size, format: b.format })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function addVersion(
  trx: Kysely<Database>,
  job: FinishedJob,
  v: {
    id: string;
    songId: string;
    kind: "mix" | "master";
    label: string | null;
    defaultLabel: (n: number) => string;
    blobSha256: string;
    integratedLufs: number;
    report: Record<string, unknown>;
  },
): Promise<void> {
  const song = await trx.selectFrom("songs").select("id").where("id", "=", v.songId).executeTakeFirst();
  if (!song || !job.createdBy) return; // the song was deleted while the job ran: nothing to add it to
  // The same lock as createVersion: version numbers per song and kind stay gapless and unique.
  await sql`select pg_advisory_xact_lock(hashtext(${`versions:${v.songId}`}))`.execute(trx);
  const { n } = (await trx
    .selectFrom("mix_versions")
    .select(sql<number>`coalesce(max(number), 0)`.as("n"))
    .where("song_id", "=", v.songId)
    .where("kind", "=", v.kind)
    .executeTakeFirst()) as { n: number };
  const number = Number(n) + 1;
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
  await trx
    .insertInto("version_reports")
    .values({
      mix_version_id: v.id,
      job_id: job.id,
      kind: v.kind === "mix" ? "render" : "master",
      report: JSON.stringify(v.report),
    })
    .execute();
  await audit(
    trx,
    { userId: job.createdBy },
    job.projectId,
    `${v.kind}.${v.kind === "mix" ? "render" : "master"}`,
    v.id,
    {
      songId: v.songId,
      number,
      jobId: job.id,
    },
  );
}

/** Applies a finished render or master job's side effects (other kinds have none here). */
export async function applyJobOutcome(
  trx: Transaction<Database>,
  job: FinishedJob,
  result: Record<string, unknown>,
): Promise<void> {
  if (job.kind === "render") {
    const r = result as {
      versionId: string;
      songId: string;
      label: string | null;
      mix: JobBlob;
      stems: JobBlob | null;
      integratedLufs: number;
    };
    await addBlob(trx, r.mix);
    if (r.stems) await addBlob(trx, r.stems);
    await addVersion(trx, job, {
      id: r.versionId,
      songId: r.songId,
      kind: "mix",
      label: r.label,
      defaultLabel: (n) => `mix v${n} (render)`,
      blobSha256: r.mix.sha256,
      integratedLufs: r.integratedLufs,
      report: result,
    });
  } else if (job.kind === "master") {
    const r = result as {
      versionId: string;
      songId: string;
      label: string | null;
      master: JobBlob;
      target: string;
      integratedLufs: number;
    };
    await addBlob(trx, r.master);
    await addVersion(trx, job, {
      id: r.versionId,
      songId: r.songId,
      kind: "master",
      label: r.label,
      defaultLabel: (n) => `master v${n} (${r.target})`,
      blobSha256: r.master.sha256,
      integratedLufs: r.integratedLufs,
      report: result,
    });
  }
}
