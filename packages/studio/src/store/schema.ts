/** Row types of the studio schema (see migrations/001-initial.ts), for Kysely's typed queries. */
import type { ColumnType, Generated } from "kysely";

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
type Counter = ColumnType<number, number | undefined, number>;
type Identity = ColumnType<number, never, never>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Stamp;
}
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  kind: "cookie" | "token";
  label: string | null;
  created_at: Stamp;
  expires_at: Stamp;
}
/** Failed sign-ins per e-mail (the per-account limit). */
export interface LoginFailuresTable {
  email: string;
  failures: number;
  last_attempt_at: Stamp;
  locked_until: NullableStamp;
}
/** Devices an account has signed in from: the sha256 of the device cookie. */
export interface KnownDevicesTable {
  token_hash: string;
  user_id: string;
  created_at: Stamp;
  last_seen_at: Stamp;
}
export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: Stamp;
}
export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  is_owner: Generated<boolean>;
}
export interface ProjectsTable {
  id: string;
  workspace_id: string;
  title: string;
  kind: string;
  status: string;
  release_date: string | null;
  upc: string | null;
  currency: string;
  version: Counter;
  created_at: Stamp;
}
export interface ProjectRolesTable {
  project_id: string;
  user_id: string;
  role: string;
}
export interface InvitationsTable {
  id: string;
  project_id: string;
  /** Lower-cased. */
  email: string;
  roles: Json<string[]>;
  /** sha256 (hex) of the token in the invitation link. */
  token_hash: string;
  invited_by: string;
  created_at: Stamp;
  accepted_at: NullableStamp;
  accepted_by: string | null;
  cancelled_at: NullableStamp;
}
export interface SongsTable {
  id: string;
  project_id: string;
  title: string;
  position: number;
  status: string;
  musical_key: string | null;
  tempo_bpm: number | null;
  writers: Json<string[]>;
  lyrics: Generated<string>;
  notes: Generated<string>;
  session_id: string | null;
  version: Counter;
  created_at: Stamp;
  updated_at: Stamp;
}
export interface SongPerformersTable {
  song_id: string;
  user_id: string;
  instrument: Generated<string>;
}
export interface RecordingsTable {
  id: string;
  song_id: string;
  title: string;
  status: string;
  isrc: string | null;
  version: Counter;
  created_at: Stamp;
}
export interface StatusChangesTable {
  id: Identity;
  subject_kind: "song" | "recording";
  subject_id: string;
  from_status: string | null;
  to_status: string;
  changed_by: string;
  changed_at: Stamp;
}
export interface SectionsTable {
  id: string;
  song_id: string;
  position: number;
  kind: string;
  label: string;
  bars: number;
  enters: Generated<string>;
  marker_seconds: number | null;
}
export interface TakesTable {
  id: string;
  song_id: string;
  recording_id: string | null;
  section_id: string | null;
  part: string;
  number: number;
  performer_id: string | null;
  performer_name: string;
  rating: number | null;
  notes: Generated<string>;
  decision: "keep" | "comp" | "redo" | null;
  blob_sha256: string | null;
  version: Counter;
  created_at: Stamp;
  /** Measured by the analyze job (migration 004): BS.1770 integrated loudness, LUFS. */
  integrated_lufs: Generated<number | null>;
  /** True peak over all channels, dBTP. */
  true_peak_dbtp: Generated<number | null>;
  /** Length of the file, seconds. */
  duration_seconds: Generated<number | null>;
  /** The analyze job queued when the take got its file. */
  analysis_job_id: Generated<string | null>;
  /** What the take analysis found to repair (migration 007): badges and counts (TakeProblems). */
  problems: ColumnType<unknown, string | null | undefined, string | null>;
  /** A repaired take: the take it was repaired from (kept; null for an original or once it is deleted). */
  repaired_from_take_id: Generated<string | null>;
  /** The repair job that made this take. */
  repair_job_id: Generated<string | null>;
  /** That job's report (what was found and what was done). */
  repair_report: ColumnType<unknown, string | null | undefined, string | null>;
}
export interface TasksTable {
  id: string;
  song_id: string;
  section_id: string | null;
  kind: string;
  title: string;
  assignee_id: string | null;
  done_at: NullableStamp;
  done_by: string | null;
  version: Counter;
  created_by: string;
  created_at: Stamp;
}
export interface BlobsTable {
  sha256: string;
  size: number;
  format: string;
  created_at: Stamp;
}
export interface MixVersionsTable {
  id: string;
  song_id: string;
  kind: "mix" | "master";
  number: number;
  label: string;
  blob_sha256: string | null;
  integrated_lufs: number | null;
  approval_state: Generated<"in_review" | "needs_changes" | "approved">;
  uploaded_by: string;
  created_at: Stamp;
}
export interface ApprovalsTable {
  id: Identity;
  mix_version_id: string;
  state: "in_review" | "needs_changes" | "approved";
  decided_by: string;
  note: Generated<string>;
  decided_at: Stamp;
}
export interface CommentsTable {
  id: string;
  mix_version_id: string;
  parent_id: string | null;
  author_id: string;
  body: string;
  at_seconds: number | null;
  end_seconds: number | null;
  resolved_at: NullableStamp;
  resolved_by: string | null;
  version: Counter;
  created_at: Stamp;
  /** Marked as a sound note (migration 008). */
  sound_note: Generated<boolean>;
}
export interface RoomsTable {
  id: string;
  workspace_id: string;
  name: string;
  hourly_rate_minor: number;
  currency: string;
  free_cancellation_hours: Counter;
  late_cancellation_percent: Counter;
}
export interface BookingsTable {
  id: string;
  project_id: string;
  room_id: string | null;
  title: string;
  status: "hold" | "confirmed" | "cancelled";
  starts_at: Stamp;
  ends_at: Stamp;
  time_zone: string;
  cost_minor: Counter;
  cancellation_fee_minor: Counter;
  version: Counter;
  created_by: string;
  created_at: Stamp;
}
export interface BookingPeopleTable {
  booking_id: string;
  user_id: string;
}
export interface BudgetLinesTable {
  id: string;
  project_id: string;
  category: string;
  description: string;
  song_id: string | null;
  quantity: number;
  unit_minor: number;
  planned_minor: number;
  version: Counter;
  created_at: Stamp;
}
export interface BudgetActualsTable {
  id: string;
  project_id: string;
  category: string;
  source: "booking" | "invoice";
  booking_id: string | null;
  description: string;
  amount_minor: number;
  created_at: Stamp;
}
export interface CreditsTable {
  id: string;
  song_id: string;
  kind: "writer" | "publisher" | "performer" | "production";
  name: string;
  role: Generated<string>;
  share_basis_points: number | null;
  position: number;
}
export interface DeliveryItemsTable {
  song_id: string;
  item: string;
  done: Generated<boolean>;
  done_by: string | null;
  done_at: NullableStamp;
}
export interface JobsTable {
  id: string;
  kind: string;
  project_id: string | null;
  status: "queued" | "running" | "done" | "failed" | "cancelled";
  input: Json<unknown>;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  progress: Counter;
  attempts: Counter;
  created_by: string | null;
  created_at: Stamp;
  updated_at: Stamp;
}
export interface AuditLogTable {
  id: Identity;
  project_id: string | null;
  actor_id: string | null;
  action: string;
  subject_id: string | null;
  detail: Json<Record<string, unknown>>;
  at: Stamp;
}

/** A song's mix session (migration 003). */
export interface SongSessionsTable {
  song_id: string;
  document: Json<Record<string, unknown>>;
  version: Counter;
  updated_by: string;
  updated_at: Stamp;
}
/** The report a render or mastering job left on the version it added (migration 003). */
export interface VersionReportsTable {
  mix_version_id: string;
  job_id: string;
  kind: "render" | "master" | "repair";
  report: Json<Record<string, unknown>>;
  created_at: Stamp;
}

/** A sound note's proposal and what became of it (migration 008); `id` is the comment's. */
export interface SoundNoteProposalsTable {
  id: string;
  song_id: string;
  job_id: string;
  session_version: number;
  span_start: number | null;
  span_end: number | null;
  state: Generated<"proposing" | "proposed" | "accepted" | "rejected">;
  proposal: ColumnType<unknown, string | null | undefined, string | null>;
  accepted_moves: ColumnType<unknown, string | null | undefined, string | null>;
  decided_by: string | null;
  decided_at: NullableStamp;
  reply_id: string | null;
  accepted_session_version: number | null;
  render_job_id: string | null;
  mix_version_id: string | null;
  measured: ColumnType<unknown, string | null | undefined, string | null>;
  version: Counter;
  created_by: string;
  created_at: Stamp;
}

/** The whole studio database. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  known_devices: KnownDevicesTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  projects: ProjectsTable;
  project_roles: ProjectRolesTable;
  invitations: InvitationsTable;
  songs: SongsTable;
  song_performers: SongPerformersTable;
  recordings: RecordingsTable;
  status_changes: StatusChangesTable;
  sections: SectionsTable;
  takes: TakesTable;
  tasks: TasksTable;
  blobs: BlobsTable;
  mix_versions: MixVersionsTable;
  approvals: ApprovalsTable;
  comments: CommentsTable;
  rooms: RoomsTable;
  bookings: BookingsTable;
  booking_people: BookingPeopleTable;
  budget_lines: BudgetLinesTable;
  budget_actuals: BudgetActualsTable;
  credits: CreditsTable;
  delivery_items: DeliveryItemsTable;
  jobs: JobsTable;
  audit_log: AuditLogTable;
  song_sessions: SongSessionsTable;
  version_reports: VersionReportsTable;
  sound_note_proposals: SoundNoteProposalsTable;
}
