/**
 * Migration 005: invitations to a project's team for people without an account yet. The producer shares a
 * link holding a secret token (only its sha256 is stored); registering with it and the invited e-mail
 * accepts the invitation and gives the roles.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table invitations (
    id text primary key,
    project_id text not null references projects(id) on delete cascade,
    email text not null,
    roles jsonb not null,
    token_hash text not null unique,
    invited_by text not null references users(id),
    created_at timestamptz not null default now(),
    accepted_at timestamptz,
    accepted_by text references users(id),
    cancelled_at timestamptz
  )`.execute(db);
  await sql`create unique index invitations_pending on invitations (project_id, email)
    where accepted_at is null and cancelled_at is null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists invitations`.execute(db);
}
