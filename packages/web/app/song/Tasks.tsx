/** A song's tasks and overdubs: what still has to be recorded, redone or fixed, per section; tick them off. */
import { useState } from "react";
import { allows, api } from "../api.ts";
import { messageOf, useLoad } from "../util.ts";

const KINDS = ["overdub", "redo", "fix", "other"] as const;

export function Tasks({
  projectId,
  songId,
  roles,
  sections,
  team,
}: {
  projectId: string;
  songId: string;
  roles: string[];
  sections: { id: string; label: string }[];
  team: { userId: string; name: string }[];
}) {
  const [tasks, , reload] = useLoad(() => api.tasks(projectId, { songId }), [projectId, songId]);
  const [kind, setKind] = useState<(typeof KINDS)[number]>("overdub");
  const [title, setTitle] = useState("");
  const [sectionId, setSectionId] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const canWrite = allows(roles, "task.write");
  const canTick = allows(roles, "task.complete");
  const nameOf = (id: string | null) => team.find((m) => m.userId === id)?.name;
  const sectionOf = (id: string | null) => sections.find((s) => s.id === id)?.label;
  return (
    <section className="card" aria-labelledby="tasks-song-h">
      <h2 id="tasks-song-h">Tasks and overdubs</h2>
      {tasks && tasks.length === 0 && <p className="muted">Nothing to do.</p>}
      <ul className="list">
        {tasks?.map((t) => (
          <li key={t.id}>
            <label className="inline">
              <input
                type="checkbox"
                checked={!!t.doneAt}
                disabled={!canTick}
                onChange={async (e) => {
                  try {
                    await api.completeTask(t.id, { version: t.version, done: e.target.checked });
                    reload();
                  } catch (x) {
                    setErr(messageOf(x));
                  }
                }}
              />
              <span className="tag">{t.kind}</span> {t.title}
              {t.sectionId && <span className="muted"> · {sectionOf(t.sectionId)}</span>}
              {t.assigneeId && <span className="muted"> · {nameOf(t.assigneeId)}</span>}
            </label>
          </li>
        ))}
      </ul>
      {canWrite && (
        <form
          className="row"
          onSubmit={async (ev) => {
            ev.preventDefault();
            setErr(null);
            try {
              await api.createTask(songId, {
                kind,
                title,
                sectionId: sectionId || null,
                assigneeId: assigneeId || null,
              });
              setTitle("");
              reload();
            } catch (x) {
              setErr(messageOf(x));
            }
          }}
        >
          <label>
            Task kind
            <select value={kind} onChange={(e) => setKind(e.target.value as "overdub")}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Task
            <input
              required
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="e.g. double the chorus vocal"
            />
          </label>
          <label>
            Section
            <select value={sectionId} onChange={(e) => setSectionId(e.target.value)}>
              <option value="">whole song</option>
              {sections.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Assignee
            <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              <option value="">nobody yet</option>
              {team.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Add task</button>
        </form>
      )}
      {err && <p className="error">{err}</p>}
    </section>
  );
}
