/** The project's team with their roles; those who manage the team invite by e-mail with a role. */
import { ROLES } from "@controlroom/studio/team/roles.ts";
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf, words } from "../util.ts";

export function Team({
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
