/**
 * The project's team with their roles. Those who manage the team invite by e-mail with a role: someone
 * with an account joins at once; someone without one gets a pending invitation, and the producer a link to
 * send them (they join by creating their account through it). Pending invitations are listed, to cancel.
 */
import { ROLES } from "@controlroom/studio/team/roles.ts";
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf, useLoad, words } from "../util.ts";

/** The link that opens the sign-up for an invitation. */
export const inviteLink = (token: string) => `${window.location.origin}/?invite=${encodeURIComponent(token)}`;

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
  const [link, setLink] = useState<string | null>(null);
  const [pending, , reloadPending] = useLoad(
    () => (canManage ? api.invitations(projectId).catch(() => []) : Promise.resolve([])),
    [projectId, canManage],
  );
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
      {canManage && (pending ?? []).length > 0 && (
        <>
          <h3>Invited, no account yet</h3>
          <ul className="list" aria-label="Pending invitations">
            {(pending ?? []).map((i) => (
              <li key={i.id}>
                {i.email} — {i.roles.map(words).join(", ")}{" "}
                <button
                  type="button"
                  onClick={async () => {
                    try {
                      await api.cancelInvitation(i.id);
                      setMsg(`Cancelled the invitation to ${i.email}.`);
                      setLink(null);
                    } catch (e) {
                      setMsg(messageOf(e));
                    }
                    reloadPending();
                  }}
                >
                  Cancel invitation
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {canManage && (
        <form
          className="row"
          onSubmit={async (ev) => {
            ev.preventDefault();
            setMsg(null);
            setLink(null);
            try {
              const r = await api.invite(projectId, { email, roles: [role as never] });
              if (r.status === "added") {
                setMsg(`Invited ${email} as ${words(role)}.`);
                onChange();
              } else {
                setMsg(
                  `${email} has no account yet: invited as ${words(role)}. Send them this link to join — it works once, with that address:`,
                );
                setLink(inviteLink(r.token));
                reloadPending();
              }
              setEmail("");
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
      {link && (
        <input
          readOnly
          aria-label="Invitation link"
          value={link}
          onFocus={(e) => e.currentTarget.select()}
          className="wide"
        />
      )}
    </section>
  );
}
