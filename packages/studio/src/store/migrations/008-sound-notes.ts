/**
 * Migration 008: sound notes — a comment marked as a producer's note about the sound ("Bridge vocal: more
 * air, less push"), and its proposal: the moves the sound-note job proposed against the song's session, the
 * engineer's decision (accepted with the moves as edited, or rejected with a reply), the session version the
 * accepted moves were saved as, and the render job and mix version they became, with the measured numbers.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table comments add column sound_note boolean not null default false`.execute(db);
  await sql`create table sound_note_proposals (
    id text primary key references comments(id) on delete cascade,
    song_id text not null references songs(id) on delete cascade,
    job_id text not null,
    session_version integer not null,
    span_start double precision,
    span_end double precision,
    state text not null default 'proposing'
      check (state in ('proposing','proposed','accepted','rejected')),
    proposal jsonb,
    accepted_moves jsonb,
    decided_by text references users(id),
    decided_at timestamptz,
    reply_id text references comments(id) on delete set null,
    accepted_session_version integer,
    render_job_id text,
    mix_version_id text references mix_versions(id) on delete set null,
    measured jsonb,
    version integer not null default 1,
    created_by text not null references users(id),
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index sound_note_proposals_song on sound_note_proposals(song_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists sound_note_proposals`.execute(db);
  await sql`alter table comments drop column if exists sound_note`.execute(db);
}
