/**
 * Migration 003: a song's mix session (the engine's session document, audio referenced by blob sha256) with
 * a version for optimistic edits, and the reports that render and mastering jobs leave on the versions they
 * add (loudness before/after, true peak, QC).
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table song_sessions (
    song_id text primary key references songs(id) on delete cascade,
    document jsonb not null,
    version integer not null default 1,
    updated_by text not null references users(id),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table version_reports (
    mix_version_id text primary key references mix_versions(id) on delete cascade,
    job_id text not null,
    kind text not null check (kind in ('render','master')),
    report jsonb not null,
    created_at timestamptz not null default now()
  )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists version_reports`.execute(db);
  await sql`drop table if exists song_sessions`.execute(db);
}
