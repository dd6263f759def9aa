/**
 * Migration 001: the whole studio schema — accounts, workspaces, projects and their team, songs and
 * recordings with their status history, arrangement, takes, tasks, mix/master versions with comments and
 * approvals, rooms and bookings, budget, credits, delivery checklist, blobs, jobs and the audit log.
 * Ids are UUID text made by the application; money is integer minor units (bigint) with a currency code.
 */
import { type Kysely, sql } from "kysely";

const UP = `
create table users (
  id text primary key,
  email text not null unique,
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create table sessions (
  token_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  kind text not null check (kind in ('cookie','token')),
  label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions(user_id);
create table workspaces (
  id text primary key,
  name text not null,
  created_at timestamptz not null default now()
);
create table workspace_members (
  workspace_id text not null references workspaces(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  is_owner boolean not null default false,
  primary key (workspace_id, user_id)
);
create table projects (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  title text not null,
  kind text not null check (kind in ('album','ep','single')),
  status text not null,
  release_date text check (release_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  upc text,
  currency text not null,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index projects_workspace on projects(workspace_id);
create table project_roles (
  project_id text not null references projects(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  role text not null,
  primary key (project_id, user_id, role)
);
create index project_roles_user on project_roles(user_id);
create table songs (
  id text primary key,
  project_id text not null references projects(id) on delete cascade,
  title text not null,
  position integer not null,
  status text not null,
  musical_key text,
  tempo_bpm double precision,
  writers jsonb not null default '[]',
  lyrics text not null default '',
  notes text not null default '',
  session_id text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index songs_project on songs(project_id, position);
create table song_performers (
  song_id text not null references songs(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  instrument text not null default '',
  primary key (song_id, user_id)
);
create index song_performers_user on song_performers(user_id);
create table recordings (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  title text not null,
  status text not null,
  isrc text unique,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index recordings_song on recordings(song_id);
create table status_changes (
  id bigint generated always as identity primary key,
  subject_kind text not null check (subject_kind in ('song','recording')),
  subject_id text not null,
  from_status text,
  to_status text not null,
  changed_by text not null references users(id),
  changed_at timestamptz not null default now()
);
create index status_changes_subject on status_changes(subject_id, id);
create table sections (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  position integer not null,
  kind text not null,
  label text not null,
  bars integer not null check (bars > 0),
  enters text not null default '',
  marker_seconds double precision
);
create index sections_song on sections(song_id, position);
create table takes (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  recording_id text references recordings(id) on delete set null,
  section_id text references sections(id) on delete set null,
  part text not null,
  number integer not null,
  performer_id text references users(id),
  performer_name text not null,
  rating integer check (rating between 1 and 5),
  notes text not null default '',
  decision text check (decision in ('keep','comp','redo')),
  blob_sha256 text,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index takes_song on takes(song_id, part, number);
create table tasks (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  section_id text references sections(id) on delete set null,
  kind text not null check (kind in ('overdub','redo','fix','other')),
  title text not null,
  assignee_id text references users(id),
  done_at timestamptz,
  done_by text references users(id),
  version integer not null default 1,
  created_by text not null references users(id),
  created_at timestamptz not null default now()
);
create index tasks_song on tasks(song_id);
create table blobs (
  sha256 text primary key,
  size bigint not null,
  format text not null,
  created_at timestamptz not null default now()
);
create table mix_versions (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  kind text not null check (kind in ('mix','master')),
  number integer not null,
  label text not null,
  blob_sha256 text references blobs(sha256),
  integrated_lufs double precision,
  approval_state text not null default 'in_review' check (approval_state in ('in_review','needs_changes','approved')),
  uploaded_by text not null references users(id),
  created_at timestamptz not null default now(),
  unique (song_id, kind, number)
);
create table approvals (
  id bigint generated always as identity primary key,
  mix_version_id text not null references mix_versions(id) on delete cascade,
  state text not null check (state in ('in_review','needs_changes','approved')),
  decided_by text not null references users(id),
  note text not null default '',
  decided_at timestamptz not null default now()
);
create index approvals_version on approvals(mix_version_id, id);
create table comments (
  id text primary key,
  mix_version_id text not null references mix_versions(id) on delete cascade,
  parent_id text references comments(id) on delete cascade,
  author_id text not null references users(id),
  body text not null,
  at_seconds double precision,
  end_seconds double precision,
  resolved_at timestamptz,
  resolved_by text references users(id),
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index comments_version on comments(mix_version_id, created_at);
create table rooms (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  name text not null,
  hourly_rate_minor bigint not null check (hourly_rate_minor >= 0),
  currency text not null,
  free_cancellation_hours integer not null default 48,
  late_cancellation_percent integer not null default 50 check (late_cancellation_percent between 0 and 100),
  unique (workspace_id, name)
);
create table bookings (
  id text primary key,
  project_id text not null references projects(id) on delete cascade,
  room_id text references rooms(id),
  title text not null,
  status text not null check (status in ('hold','confirmed','cancelled')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  time_zone text not null,
  cost_minor bigint not null default 0,
  cancellation_fee_minor bigint not null default 0,
  version integer not null default 1,
  created_by text not null references users(id),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index bookings_time on bookings(starts_at, ends_at);
create index bookings_project on bookings(project_id);
create table booking_people (
  booking_id text not null references bookings(id) on delete cascade,
  user_id text not null references users(id),
  primary key (booking_id, user_id)
);
create index booking_people_user on booking_people(user_id);
create table budget_lines (
  id text primary key,
  project_id text not null references projects(id) on delete cascade,
  category text not null,
  description text not null,
  song_id text references songs(id) on delete set null,
  quantity double precision not null default 1,
  unit_minor bigint not null,
  planned_minor bigint not null,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index budget_lines_project on budget_lines(project_id);
create table budget_actuals (
  id text primary key,
  project_id text not null references projects(id) on delete cascade,
  category text not null,
  source text not null check (source in ('booking','invoice')),
  booking_id text unique references bookings(id) on delete cascade,
  description text not null,
  amount_minor bigint not null,
  created_at timestamptz not null default now()
);
create index budget_actuals_project on budget_actuals(project_id);
create table credits (
  id text primary key,
  song_id text not null references songs(id) on delete cascade,
  kind text not null check (kind in ('writer','publisher','performer','production')),
  name text not null,
  role text not null default '',
  share_basis_points integer check (share_basis_points between 0 and 10000),
  position integer not null
);
create index credits_song on credits(song_id, position);
create table delivery_items (
  song_id text not null references songs(id) on delete cascade,
  item text not null,
  done boolean not null default false,
  done_by text references users(id),
  done_at timestamptz,
  primary key (song_id, item)
);
create table jobs (
  id text primary key,
  kind text not null,
  project_id text references projects(id) on delete cascade,
  status text not null check (status in ('queued','running','done','failed','cancelled')),
  input jsonb not null,
  result jsonb,
  error text,
  progress double precision not null default 0,
  attempts integer not null default 0,
  created_by text references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table audit_log (
  id bigint generated always as identity primary key,
  project_id text references projects(id) on delete cascade,
  actor_id text references users(id),
  action text not null,
  subject_id text,
  detail jsonb not null default '{}',
  at timestamptz not null default now()
);
create index audit_project on audit_log(project_id, id)
`;

const TABLES = [
  "audit_log",
  "jobs",
  "delivery_items",
  "credits",
  "budget_actuals",
  "budget_lines",
  "booking_people",
  "bookings",
  "rooms",
  "comments",
  "approvals",
  "mix_versions",
  "blobs",
  "tasks",
  "takes",
  "sections",
  "status_changes",
  "recordings",
  "song_performers",
  "songs",
  "project_roles",
  "projects",
  "workspace_members",
  "workspaces",
  "sessions",
  "users",
];

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  // PGlite's extended protocol takes one statement at a time, so run them one by one.
  for (const stmt of UP.split(/;\s*\n/)) {
    if (stmt.trim()) await sql.raw(stmt).execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of TABLES) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
