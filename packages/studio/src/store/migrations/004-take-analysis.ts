/**
 * Migration 004: what the analyze job measured on a take's file — integrated loudness, true peak and
 * length — and the job that measures it (null when the take has no file or no queue was running).
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table takes
    add column integrated_lufs double precision,
    add column true_peak_dbtp double precision,
    add column duration_seconds double precision,
    add column analysis_job_id text`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table takes
    drop column if exists analysis_job_id,
    drop column if exists duration_seconds,
    drop column if exists true_peak_dbtp,
    drop column if exists integrated_lufs`.execute(db);
}
