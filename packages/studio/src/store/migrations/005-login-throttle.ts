/**
 * Migration 005: the per-account sign-in limit (failed attempts and the lock they earned, kept per e-mail
 * whether or not an account has it) and the devices an account has signed in from (a device cookie's
 * sha256), which may sign in while the account is locked.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table login_failures (
    email text primary key,
    failures integer not null,
    last_attempt_at timestamptz not null,
    locked_until timestamptz
  )`.execute(db);
  await sql`create table known_devices (
    token_hash text primary key,
    user_id text not null references users(id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index known_devices_user on known_devices (user_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists known_devices`.execute(db);
  await sql`drop table if exists login_failures`.execute(db);
}
