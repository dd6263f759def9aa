/**
 * The project dashboard: songs × stage board (drag a card to move the song, when your roles allow), the
 * schedule as a calendar with conflicts flagged, budget planned vs actual, open tasks, recent activity, team.
 */
import { STAGES } from "@controlroom/studio/songs/pipeline.ts";
import { ROLES } from "@controlroom/studio/team/roles.ts";
import { useState } from "react";
import { allows, api, type Booking, type Wire } from "../api.ts";
import { BookingForm } from "../components/BookingForm.tsx";
import { BudgetChart } from "../components/BudgetChart.tsx";
import { Calendar } from "../components/Calendar.tsx";
import { Link } from "../router.tsx";
import { messageOf, useLoad, words } from "../util.ts";

export function Dashboard({ projectId }: { projectId: string }) {
  const [dash, error, reload] = useLoad(() => api.dashboard(projectId), [projectId]);
  const [songs, , reloadSongs] = useLoad(() => api.songs(projectId), [projectId]);
  const [bookings, , reloadBookings] = useLoad(
    () => api.bookings(projectId).catch(() => [] as Wire<Booking>[]),
    [projectId],
  );
  const roles = dash?.project.myRoles ?? [];
  const canBudget = allows(roles, "budget.read");
  const [budget] = useLoad(
    () => (canBudget ? api.budget(projectId).catch(() => null) : Promise.resolve(null)),
    [projectId, canBudget],
  );
  const [rooms] = useLoad(
    () => (dash ? api.rooms(dash.project.workspaceId).catch(() => []) : Promise.resolve([])),
    [dash?.project.workspaceId],
  );
  const [tasks] = useLoad(() => api.tasks(projectId, { open: true }).catch(() => []), [projectId]);
  const [msg, setMsg] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);

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

      <section className="card" aria-labelledby="board-h">
        <h2 id="board-h">Songs by stage</h2>
        <ul className="board">
          {STAGES.map((stage) => (
            <li
              key={stage}
              className={`column${dragging ? " droppable" : ""}`}
              data-stage={stage}
              aria-label={`Stage ${words(stage)}`}
              onDragOver={(ev) => canMove && ev.preventDefault()}
              onDrop={(ev) => {
                ev.preventDefault();
                // The id travels in the drag data; the state is the fallback for browsers that withhold it.
                const id = ev.dataTransfer.getData("text/plain") || dragging;
                setDragging(null);
                if (id) move(id, stage);
              }}
            >
              <h3>
                {words(stage)} <span className="count">{dash.stages[stage] ?? 0}</span>
              </h3>
              {dash.songs
                .filter((s) => s.status === stage)
                .map((s) => (
                  // biome-ignore lint/a11y/noStaticElementInteractions: a drag handle; the menu inside is the keyboard way
                  <div
                    key={s.id}
                    className="songcard"
                    draggable={canMove}
                    data-song={s.title}
                    onDragStart={(ev) => {
                      ev.dataTransfer.setData("text/plain", s.id);
                      setDragging(s.id);
                    }}
                    onDragEnd={() => setDragging(null)}
                  >
                    <Link href={`/songs/${s.id}`}>{s.title}</Link>
                    <div className="small muted">
                      {s.openComments} open comments · {s.openTasks} tasks
                      {s.latestVersion &&
                        ` · ${s.latestVersion.kind} v${s.latestVersion.number} ${words(s.latestVersion.approvalState)}`}
                    </div>
                    {canMove && (
                      <label className="small">
                        Move “{s.title}” to
                        <select value={s.status} onChange={(e) => move(s.id, e.target.value)}>
                          {STAGES.map((x) => (
                            <option key={x} value={x}>
                              {words(x)}
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                  </div>
                ))}
            </li>
          ))}
        </ul>
        {allows(roles, "song.create") && (
          <AddSong
            projectId={projectId}
            onAdded={() => {
              reload();
              reloadSongs();
            }}
          />
        )}
      </section>

      <div className="grid2">
        <section className="card" aria-labelledby="cal-h">
          <h2 id="cal-h">Schedule</h2>
          <Calendar bookings={bookings ?? dash.upcomingBookings} team={dash.team} />
          {allows(roles, "schedule.write") && (
            <BookingForm
              projectId={projectId}
              rooms={rooms ?? []}
              team={dash.team}
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
            <BudgetChart summary={budget} />
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
        <section className="card" aria-labelledby="activity-h">
          <h2 id="activity-h">Recent activity</h2>
          {dash.recent ? (
            <ul className="list">
              {dash.recent.slice(0, 15).map((a) => (
                <li key={a.id}>
                  <span className="muted small">{new Date(a.at).toLocaleString()}</span>{" "}
                  {a.actorName ?? "system"}: {words(a.action)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">The activity log is visible to producers and the label.</p>
          )}
        </section>
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

function AddSong({ projectId, onAdded }: { projectId: string; onAdded(): void }) {
  const [title, setTitle] = useState("");
  const [tempo, setTempo] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      onSubmit={async (ev) => {
        ev.preventDefault();
        setError(null);
        try {
          await api.createSong(projectId, { title, tempoBpm: tempo ? Number(tempo) : null });
          setTitle("");
          setTempo("");
          onAdded();
        } catch (e) {
          setError(messageOf(e));
        }
      }}
    >
      <label>
        New song title
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Tempo (BPM)
        <input
          type="number"
          min={20}
          max={400}
          step="any"
          value={tempo}
          onChange={(e) => setTempo(e.target.value)}
        />
      </label>
      <button type="submit">Add song</button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

function Team({
  projectId,
  team,
  canManage,
  onChange,
}: {
  projectId: string;
  team: { userId: string; name: string; email: string; roles: string[] }[];
  canManage: boolean;
  onChange(): void;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("engineer");
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="team-h">
      <h2 id="team-h">Team</h2>
      <ul className="list">
        {team.map((m) => (
          <li key={m.userId}>
            {m.name} <span className="muted">{m.email}</span> — {m.roles.map(words).join(", ")}
          </li>
        ))}
      </ul>
      {canManage && (
        <form
          className="row"
          onSubmit={async (ev) => {
            ev.preventDefault();
            setMsg(null);
            try {
              const existing = team.find((m) => m.email === email.toLowerCase());
              const roles = [...new Set([...(existing?.roles ?? []), role])];
              await api.setRoles(projectId, { email, roles: roles as never });
              setMsg(`Invited ${email} as ${words(role)}.`);
              setEmail("");
              onChange();
            } catch (e) {
              setMsg(messageOf(e));
            }
          }}
        >
          <label>
            Invite by e-mail
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {words(r)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Invite</button>
        </form>
      )}
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}
