/** A version's approval: its state, the producer's decision with a note, and the history of decisions. */
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf, useLoad, when, words } from "../util.ts";
import type { V } from "./versions.ts";

export function ApprovalPanel({
  version,
  canDecide,
  onChange,
}: {
  version: V;
  canDecide: boolean;
  onChange(): void;
}) {
  const [history, , reload] = useLoad(() => api.approvals(version.id).catch(() => []), [version.id]);
  const [note, setNote] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const decide = async (state: "approved" | "needs_changes" | "in_review") => {
    setErr(null);
    try {
      await api.decide(version.id, { state, note });
      setNote("");
      reload();
      onChange();
    } catch (e) {
      setErr(messageOf(e));
    }
  };
  return (
    <div className="approval">
      <h3>
        Approval: <span className={`state ${version.approvalState}`}>{words(version.approvalState)}</span>
      </h3>
      {canDecide ? (
        <div className="row">
          <label>
            Note
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="button" className="primary" onClick={() => decide("approved")}>
            Approve
          </button>
          <button type="button" onClick={() => decide("needs_changes")}>
            Needs changes
          </button>
          <button type="button" onClick={() => decide("in_review")}>
            Back to review
          </button>
        </div>
      ) : (
        <p className="muted small">Only producers approve versions.</p>
      )}
      {err && <p className="error">{err}</p>}
      {history && history.length > 0 && (
        <ul className="list small">
          {history.map((a) => (
            <li key={`${a.decidedAt}${a.state}`}>
              {when(a.decidedAt)} — {a.decidedByName}: {words(a.state)}
              {a.note && ` (“${a.note}”)`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
