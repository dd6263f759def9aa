/** The project's recent activity (who did what, newest first; the first 15), for those who may see it. */
import type { Dashboard, Wire } from "../api.ts";
import { words } from "../util.ts";

/** @param entries the activity, or null when the user's roles do not show it. */
export function ActivityFeed({ entries }: { entries: Wire<Dashboard>["recent"] }) {
  return (
    <section className="card" aria-labelledby="activity-h">
      <h2 id="activity-h">Recent activity</h2>
      {entries ? (
        <ul className="list">
          {entries.slice(0, 15).map((a) => (
            <li key={a.id}>
              <span className="muted small">{new Date(a.at).toLocaleString()}</span> {a.actorName ?? "system"}
              : {words(a.action)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">The activity log is visible to producers and the label.</p>
      )}
    </section>
  );
}
