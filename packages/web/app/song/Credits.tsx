/** Credits and splits: writers' and publishers' shares must each sum to 100 %, checked as you type. */
import { useEffect, useState } from "react";
import { api, type Credit, type Wire } from "../api.ts";
import { messageOf, useLoad } from "../util.ts";

const KINDS = ["writer", "publisher", "performer", "production"] as const;

/** Sum of shares of one kind, in hundredths of a percent (exact). */
export function shareSum(rows: { kind: string; sharePercent: number | null }[], kind: string): number {
  return rows.filter((r) => r.kind === kind).reduce((a, r) => a + Math.round((r.sharePercent ?? 0) * 100), 0);
}

export function Credits({ songId, canEdit }: { songId: string; canEdit: boolean }) {
  const [saved, , reload] = useLoad(() => api.credits(songId), [songId]);
  const [rows, setRows] = useState<Wire<Credit>[]>([]);
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => setRows(saved ?? []), [saved]);
  const set = (i: number, patch: Partial<Wire<Credit>>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const problems = (["writer", "publisher"] as const)
    .filter((k) => rows.some((r) => r.kind === k) && shareSum(rows, k) !== 10000)
    .map((k) => `${k} shares add up to ${(shareSum(rows, k) / 100).toFixed(2)} %, not 100 %`);
  return (
    <section className="card" aria-labelledby="credits-h">
      <h2 id="credits-h">Credits and splits</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Share %</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
            <tr key={i}>
              <td>
                <select
                  aria-label={`Kind of credit ${i + 1}`}
                  disabled={!canEdit}
                  value={r.kind}
                  onChange={(e) => set(i, { kind: e.target.value })}
                >
                  {KINDS.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  aria-label={`Name of credit ${i + 1}`}
                  disabled={!canEdit}
                  value={r.name}
                  onChange={(e) => set(i, { name: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Role of credit ${i + 1}`}
                  disabled={!canEdit}
                  value={r.role}
                  onChange={(e) => set(i, { role: e.target.value })}
                />
              </td>
              <td>
                {(r.kind === "writer" || r.kind === "publisher") && (
                  <input
                    aria-label={`Share of credit ${i + 1} in percent`}
                    type="number"
                    min={0}
                    max={100}
                    step={0.01}
                    disabled={!canEdit}
                    value={r.sharePercent ?? ""}
                    onChange={(e) =>
                      set(i, { sharePercent: e.target.value === "" ? null : Number(e.target.value) })
                    }
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.map((p) => (
        <p key={p} className="error small" role="alert">
          ⚠ {p}
        </p>
      ))}
      {rows.length > 0 && problems.length === 0 && <p className="small ok">✓ Splits add up to 100 %.</p>}
      {canEdit && (
        <div className="row">
          <button
            type="button"
            onClick={() => setRows([...rows, { kind: "writer", name: "", role: "", sharePercent: null }])}
          >
            Add credit
          </button>
          <button
            type="button"
            className="primary"
            disabled={problems.length > 0}
            onClick={async () => {
              setMsg(null);
              try {
                await api.setCredits(songId, {
                  credits: rows.map((r) => ({
                    kind: r.kind as "writer",
                    name: r.name,
                    role: r.role,
                    sharePercent: r.kind === "writer" || r.kind === "publisher" ? r.sharePercent : null,
                  })),
                });
                setMsg("Credits saved.");
                reload();
              } catch (e) {
                setMsg(messageOf(e));
              }
            }}
          >
            Save credits
          </button>
        </div>
      )}
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}
