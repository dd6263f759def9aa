/**
 * The project dashboard: songs × stage board (drag a card to move the song, when your roles allow), the
 * schedule as a calendar with conflicts flagged, budget planned vs actual, open tasks, recent activity, team.
 *
 * The parts: StageBoard (with AddSong), Calendar and BookingForm, BudgetChart, ActivityFeed, Team.
 */
import { useState } from "react";
import { allows, api, type Booking, type Wire } from "../api.ts";
import { Link } from "../router.tsx";
import { messageOf, useLoad, words } from "../util.ts";
import { ActivityFeed } from "./ActivityFeed.tsx";
import { BookingForm } from "./BookingForm.tsx";
import { BudgetChart } from "./BudgetChart.tsx";
import { BudgetEditor } from "./BudgetEditor.tsx";
import { Calendar } from "./Calendar.tsx";
import { StageBoard } from "./StageBoard.tsx";
import { Team } from "./Team.tsx";

/** The zone the studio books in: that of its latest booking (null with none). */
function latestZone(bookings: Wire<Booking>[]): string | null {
  const live = bookings.filter((b) => b.status !== "cancelled");
  return live.length ? live[live.length - 1].timeZone : null;
}

export function DashboardPage({ projectId }: { projectId: string }) {
  const [dash, error, reload] = useLoad(() => api.dashboard(projectId), [projectId]);
  const [songs, , reloadSongs] = useLoad(() => api.songs(projectId), [projectId]);
  const [bookings, , reloadBookings] = useLoad(
    () => api.bookings(projectId).catch(() => [] as Wire<Booking>[]),
    [projectId],
  );
  const roles = dash?.project.myRoles ?? [];
  const canBudget = allows(roles, "budget.read");
  const [budget, , reloadBudget] = useLoad(
    () => (canBudget ? api.budget(projectId).catch(() => null) : Promise.resolve(null)),
    [projectId, canBudget],
  );
  const [rooms] = useLoad(
    () => (dash ? api.rooms(dash.project.workspaceId).catch(() => []) : Promise.resolve([])),
    [dash?.project.workspaceId],
  );
  const [tasks] = useLoad(() => api.tasks(projectId, { open: true }).catch(() => []), [projectId]);
  const [msg, setMsg] = useState<string | null>(null);

  if (error) return <p className="error page">{error}</p>;
  if (!dash) return <p className="loading">Loading dashboard…</p>;
  const canMove = allows(roles, "song.status");

  async function move(songId: string, status: string) {
    const s = songs?.songs.find((x) => x.id === songId);
    if (!s || s.status === status) return;
    setMsg(null);
    try {
      await api.setStatus(songId, { version: s.version, status: status as "idea" });
      setMsg(`Moved “${s.title}” to ${words(status)}.`);
    } catch (e) {
      setMsg(messageOf(e));
    }
    reload();
    reloadSongs();
  }

  const open = (tasks ?? []).filter((t) => !t.doneAt);
  return (
    <div className="page">
      <h1>{dash.project.title}</h1>
      <p className="muted">
        {dash.project.kind} · {words(dash.project.status)}
        {dash.project.releaseDate ? ` · release ${dash.project.releaseDate}` : ""} · your roles:{" "}
        {roles.map(words).join(", ")}
      </p>
      {msg && (
        <p role="status" className="notice">
          {msg}
        </p>
      )}

      <StageBoard
        songs={dash.songs}
        counts={dash.stages}
        canMove={canMove}
        canAdd={allows(roles, "song.create")}
        projectId={projectId}
        onMove={move}
        onAdded={() => {
          reload();
          reloadSongs();
        }}
      />

      <div className="grid2">
        <section className="card" aria-labelledby="cal-h">
          <h2 id="cal-h">Schedule</h2>
          <Calendar bookings={bookings ?? dash.upcomingBookings} team={dash.team} />
          {allows(roles, "schedule.write") && (
            <BookingForm
              projectId={projectId}
              rooms={rooms ?? []}
              team={dash.team}
              defaultTimeZone={latestZone(bookings ?? dash.upcomingBookings)}
              onBooked={() => {
                reloadBookings();
                reload();
              }}
            />
          )}
        </section>
        <section className="card" aria-labelledby="budget-h">
          <h2 id="budget-h">Budget</h2>
          {budget ? (
            <>
              <BudgetChart summary={budget} />
              <BudgetEditor
                projectId={projectId}
                summary={budget}
                canWrite={allows(roles, "budget.write")}
                onChange={() => {
                  reloadBudget();
                  reload();
                }}
              />
            </>
          ) : dash.budget ? (
            <p>
              Planned {dash.budget.total.plannedMinor} · actual {dash.budget.total.actualMinor}{" "}
              {dash.budget.currency}
            </p>
          ) : (
            <p className="muted">The budget is visible to producers and the label.</p>
          )}
        </section>
        <section className="card" aria-labelledby="tasks-h">
          <h2 id="tasks-h">Open tasks and overdubs ({dash.openTasks})</h2>
          {open.length === 0 ? (
            <p className="muted">Nothing open.</p>
          ) : (
            <ul className="list">
              {open.slice(0, 20).map((t) => (
                <li key={t.id}>
                  <span className="tag">{t.kind}</span> {t.title} —{" "}
                  <Link href={`/songs/${t.songId}`}>{t.songTitle}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <ActivityFeed
          entries={dash.recent}
          names={{
            songs: new Map([...dash.songs, ...(songs?.songs ?? [])].map((x) => [x.id, x.title])),
            people: new Map(dash.team.map((m) => [m.userId, m.name])),
            currency: dash.budget?.currency ?? budget?.currency ?? "",
          }}
        />
      </div>
      <Team
        projectId={projectId}
        team={dash.team}
        canManage={allows(roles, "team.manage")}
        onChange={reload}
      />
    </div>
  );
}
