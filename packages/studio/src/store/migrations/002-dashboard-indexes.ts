/**
 * Migration 002: indexes for the project dashboard on big projects — songs per stage (index-only counts),
 * open top-level comments per version, and the newest version per song.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index songs_project_status on songs(project_id, status)`.execute(db);
  await sql`create index comments_open_roots on comments(mix_version_id) where resolved_at is null and parent_id is null`.execute(
    db,
  );
  await sql`create index mix_versions_song_newest on mix_versions(song_id, created_at desc, number desc)`.execute(
    db,
  );
  await sql`create index tasks_open on tasks(song_id) where done_at is null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ["songs_project_status", "comments_open_roots", "mix_versions_song_newest", "tasks_open"])
    await sql.raw(`drop index if exists ${i}`).execute(db);
}
