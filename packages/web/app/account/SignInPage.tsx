/**
 * Sign in, or create an account. Opened from an invitation link (`/?invite=<token>`): says who invited
 * whom to what, and creating the account (with the invited e-mail) joins that team.
 */
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { navigate } from "../router.tsx";
import { useSession } from "../session.tsx";
import { messageOf, useLoad, words } from "../util.ts";

/** The invitation token in the address, if any. */
const inviteInUrl = () => new URLSearchParams(window.location.search).get("invite");

export function SignInPage() {
  const { setUser } = useSession();
  const [mode, setMode] = useState<"in" | "up">("in");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [invite] = useState(inviteInUrl);
  const [offer, offerError] = useLoad(
    () => (invite ? api.invitationLink(invite) : Promise.resolve(null)),
    [invite],
  );
  // An invitation: create the account, with the address it was sent to.
  useEffect(() => {
    if (!offer) return;
    setMode("up");
    setEmail(offer.email);
  }, [offer]);

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "up")
        await api.register({ email, name, password, ...(offer && invite ? { invite } : {}) });
      await api.login({ email, password });
      const me = await api.me();
      if (offer) navigate("/");
      setUser(me);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>{mode === "in" ? "Sign in" : "Create an account"}</h1>
      {offer && (
        <p role="status" className="notice">
          {offer.invitedByName} invited {offer.email} to “{offer.projectTitle}” as{" "}
          {offer.roles.map(words).join(", ")}. Create your account with that address to join.
        </p>
      )}
      {invite && offerError && (
        <p role="alert" className="error">
          {offerError}
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          E-mail
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        {mode === "up" && (
          <label>
            Name
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label>
          Password
          <input
            type="password"
            autoComplete={mode === "in" ? "current-password" : "new-password"}
            required
            minLength={mode === "up" ? 10 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {mode === "in" ? "Sign in" : "Create account"}
        </button>
      </form>
      <p>
        {mode === "in" ? "New here? " : "Have an account? "}
        <button type="button" className="linklike" onClick={() => setMode(mode === "in" ? "up" : "in")}>
          {mode === "in" ? "Create an account" : "Sign in instead"}
        </button>
      </p>
    </section>
  );
}
