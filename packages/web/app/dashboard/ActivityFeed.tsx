/** The project's recent activity (who did what, newest first; the first 15), for those who may see it. */
import type { Dashboard, Wire } from "../api.ts";
import { when } from "../util.ts";
import { type ActivityNames, describeActivity } from "./activity.ts";

/** @param entries the activity, or null when the user's roles do not show it. */
export function ActivityFeed({
  entries,
  names,
}: {
  entries: Wire<Dashboard>["recent"];
  /** Songs and people to name (from the dashboard). */
  names: ActivityNames;
}) {
  return (
    <section className="card" aria-labelledby="activity-h">
      <h2 id="activity-h">Recent activity</h2>
      {entries ? (
        <ul className="list">
          {entries.slice(0, 15).map((a) => (
            <li key={a.id}>
              <span className="muted small">{when(a.at)}</span> {a.actorName ?? "The studio"}{" "}
              {describeActivity(a, names)}.
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">The activity log is visible to producers and the label.</p>
      )}
    </section>
  );
}
