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
  // One authorization check above; the readers below skip theirs. The songs page carries its counts as
  // correlated subqueries, each an index lookup (see migration 002), so the page is one round trip.
  const project = (await readProject(s, projectId, actor.userId, roles)) as Project;
  const [team, stageRows, page, openTasks, bookings, budget, recent] = await Promise.all([
    readTeam(s, projectId),
    songs
      .select(["songs.status", sql<number>`count(*)::int`.as("n")])
      .groupBy("songs.status")
      .execute(),
    songs
      .select((eb) => [
        "songs.id",
        "songs.title",
        "songs.position",
        "songs.status",
        eb
          .selectFrom("comments")
          .innerJoin("mix_versions", "mix_versions.id", "comments.mix_version_id")
          .select(sql<number>`count(*)::int`.as("c"))
          .whereRef("mix_versions.song_id", "=", "songs.id")
          .where("comments.resolved_at", "is", null)
          .where("comments.parent_id", "is", null)
          .as("open_comments"),
        eb
          .selectFrom("tasks")
          .select(sql<number>`count(*)::int`.as("t"))
          .whereRef("tasks.song_id", "=", "songs.id")
          .where("tasks.done_at", "is", null)
          .as("open_tasks"),
        eb
          .selectFrom("mix_versions")
          .select(sql<string>`kind || ':' || number || ':' || approval_state`.as("v"))
          .whereRef("mix_versions.song_id", "=", "songs.id")
          .orderBy("mix_versions.created_at", "desc")
          .orderBy("mix_versions.number", "desc")
          .limit(1)
          .as("latest_version"),
      ])
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
    allows(roles, "budget.read") ? computeBudget(s, projectId, project.currency) : Promise.resolve(null),
    allows(roles, "audit.read") ? readAudit(s, projectId, 10) : Promise.resolve(null),
  ]);
  const latest = (v: string | null) => {
    if (!v) return null;
    const [kind, number, approvalState] = v.split(":");
    return { kind, number: Number(number), approvalState };
  };
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
      openComments: Number(r.open_comments ?? 0),
      openTasks: Number(r.open_tasks ?? 0),
      latestVersion: latest(r.latest_version),
    })),
    openTasks: Number(openTasks?.n ?? 0),
    upcomingBookings: bookings.filter((b) => b.status !== "cancelled").slice(0, 10),
    budget: budget && { currency: budget.currency, total: budget.total, warnings: budget.warnings },
    recent,
  };
}
