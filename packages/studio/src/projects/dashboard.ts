/**
 * The project dashboard: what a producer looks at first — songs by stage, the running order with open
 * comments and tasks and the latest approval per song, the next bookings, the budget and recent decisions.
 * Sized for big projects: counts are aggregated in the database and only the first page of songs is listed.
 */
import { sql } from "kysely";
import { type AuditEntry, readAudit } from "../audit/audit.ts";
import { type BudgetTotals, computeBudget } from "../budget/budget.ts";
import type { Actor, Studio } from "../context.ts";
import { type Booking, readBookings } from "../schedule/bookings.ts";
import { STAGES } from "../songs/pipeline.ts";
import { authorize, seesAllSongs } from "../team/access.ts";
import { allows } from "../team/roles.ts";
import { type Member, type Project, readProject, readTeam } from "./projects.ts";

/** One row of the dashboard's running order. */
export interface DashboardSong {
  id: string;
  title: string;
  position: number;
  status: string;
  openComments: number;
  openTasks: number;
  /** State of the newest mix or master (null when none). */
  latestVersion: { kind: string; number: number; approvalState: string } | null;
}

/** The dashboard. */
export interface Dashboard {
  project: Project;
  team: Member[];
  songCount: number;
  /** How many songs are at each stage. */
  stages: Record<string, number>;
  /** The first `limit` songs in running order. */
  songs: DashboardSong[];
  openTasks: number;
  upcomingBookings: Booking[];
  /** Budget totals and warnings (null for roles that do not see the budget). */
  budget: { currency: string; total: BudgetTotals; warnings: string[] } | null;
  /** Newest audit entries (null for roles that do not see the log). */
  recent: AuditEntry[] | null;
}

/**
 * Reads the dashboard. @param limit songs listed, 1…200 (default 50). @param now "upcoming" is after this.
 */
export async function getDashboard(
  s: Studio,
  actor: Actor,
  projectId: string,
  limit = 50,
  now = new Date(),
): Promise<Dashboard> {
  const roles = await authorize(s.db, actor, projectId, "project.read");
  const all = seesAllSongs(roles);
  let songs = s.db.selectFrom("songs").where("songs.project_id", "=", projectId);
  if (!all)
    songs = songs.where((eb) =>
      eb.exists(
        eb
          .selectFrom("song_performers")
          .select("song_performers.song_id")
          .whereRef("song_performers.song_id", "=", "songs.id")
          .where("song_performers.user_id", "=", actor.userId),
      ),
    );
  const n = Math.max(1, Math.min(200, limit));
  // One authorization check above; the readers below skip theirs. The songs page comes first, then its
  // counts in three grouped queries over just those songs (not a subquery per song).
  const [project, team, stageRows, page, openTasks, bookings, budget, recent] = await Promise.all([
    readProject(s, projectId, actor.userId) as Promise<Project>,
    readTeam(s, projectId),
    songs
      .select(["songs.status", sql<number>`count(*)::int`.as("n")])
      .groupBy("songs.status")
      .execute(),
    songs
      .select(["songs.id", "songs.title", "songs.position", "songs.status"])
      .orderBy("songs.position")
      .limit(n)
      .execute(),
    s.db
      .selectFrom("tasks")
      .innerJoin("songs", "songs.id", "tasks.song_id")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("songs.project_id", "=", projectId)
      .where("tasks.done_at", "is", null)
      .executeTakeFirst(),
    readBookings(s.db, { projectId, from: now }),
    allows(roles, "budget.read") ? computeBudget(s, projectId) : Promise.resolve(null),
    allows(roles, "audit.read") ? readAudit(s, projectId, 10) : Promise.resolve(null),
  ]);
  const ids = page.map((r) => r.id);
  const none = [""]; // `in ()` is not valid SQL
  const [commentRows, taskRows, versionRows] = await Promise.all([
    s.db
      .selectFrom("comments")
      .innerJoin("mix_versions", "mix_versions.id", "comments.mix_version_id")
      .select(["mix_versions.song_id", sql<number>`count(*)::int`.as("n")])
      .where("mix_versions.song_id", "in", ids.length ? ids : none)
      .where("comments.resolved_at", "is", null)
      .where("comments.parent_id", "is", null)
      .groupBy("mix_versions.song_id")
      .execute(),
    s.db
      .selectFrom("tasks")
      .select(["song_id", sql<number>`count(*)::int`.as("n")])
      .where("song_id", "in", ids.length ? ids : none)
      .where("done_at", "is", null)
      .groupBy("song_id")
      .execute(),
    s.db
      .selectFrom("mix_versions")
      .select(["song_id", "kind", "number", "approval_state"])
      .distinctOn("song_id")
      .where("song_id", "in", ids.length ? ids : none)
      .orderBy("song_id")
      .orderBy("created_at", "desc")
      .orderBy("number", "desc")
      .execute(),
  ]);
  const commentsBy = new Map(commentRows.map((r) => [r.song_id, Number(r.n)]));
  const tasksBy = new Map(taskRows.map((r) => [r.song_id, Number(r.n)]));
  const versionBy = new Map(
    versionRows.map((r) => [r.song_id, { kind: r.kind, number: r.number, approvalState: r.approval_state }]),
  );
  const stages = Object.fromEntries(STAGES.map((st) => [st, 0])) as Record<string, number>;
  for (const r of stageRows) stages[r.status] = Number(r.n);
  return {
    project,
    team,
    songCount: Object.values(stages).reduce((a, b) => a + b, 0),
    stages,
    songs: page.map((r) => ({
      id: r.id,
      title: r.title,
      position: r.position,
      status: r.status,
      openComments: commentsBy.get(r.id) ?? 0,
      openTasks: tasksBy.get(r.id) ?? 0,
      latestVersion: versionBy.get(r.id) ?? null,
    })),
    openTasks: Number(openTasks?.n ?? 0),
    upcomingBookings: bookings.filter((b) => b.status !== "cancelled").slice(0, 10),
    budget: budget && { currency: budget.currency, total: budget.total, warnings: budget.warnings },
    recent,
  };
}
