/** Workspaces and their projects; create either. */
import { useState } from "react";
import { api } from "../api.ts";
import { Link, navigate } from "../router.tsx";
import { messageOf, useLoad, words } from "../util.ts";

const KINDS = ["album", "ep", "single"];

export function ProjectsPage() {
  const [workspaces, wsError, reload] = useLoad(() => api.workspaces(), []);
  const ws = workspaces?.[0];
  const [projects] = useLoad(() => (ws ? api.projects(ws.id) : Promise.resolve([])), [ws?.id]);
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState("album");
  const [wsName, setWsName] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function createProject(ev: React.FormEvent) {
    ev.preventDefault();
    setError(null);
    try {
      let workspaceId = ws?.id;
      if (!workspaceId) workspaceId = (await api.createWorkspace(wsName || "My studio")).id;
      const p = await api.createProject({ workspaceId, title, kind: kind as "album" });
      navigate(`/projects/${p.id}`);
    } catch (e) {
      setError(messageOf(e));
      reload();
    }
  }

  return (
    <div className="page">
      <h1>Projects</h1>
      {wsError && <p className="error">{wsError}</p>}
      <section className="card">
        <h2>{ws ? `Projects in ${ws.name}` : "No workspace yet"}</h2>
        {projects && projects.length > 0 ? (
          <ul className="list">
            {projects.map((p) => (
              <li key={p.id}>
                <Link href={`/projects/${p.id}`}>{p.title}</Link> <span className="muted">{p.kind}</span>{" "}
                <span className="muted">{p.myRoles.map(words).join(", ")}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No projects yet.</p>
        )}
      </section>
      <section className="card">
        <h2>New project</h2>
        <form onSubmit={createProject} className="row">
          {!ws && (
            <label>
              Workspace name
              <input value={wsName} onChange={(e) => setWsName(e.target.value)} placeholder="My studio" />
            </label>
          )}
          <label>
            Project title
            <input required value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Create project
          </button>
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </section>
    </div>
  );
}
