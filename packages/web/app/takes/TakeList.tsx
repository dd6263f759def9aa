/**
 * The song's takes, one row each (TakeRow): performer, the take to play, rating, decision (keep, comp,
 * redo) and the producer's notes. Reloads when `reloadKey` changes (a take was recorded).
 */
import { allows, api } from "../api.ts";
import { Link } from "../router.tsx";
import { useLoad } from "../util.ts";
import { TakeRow } from "./TakeRow.tsx";

export function TakeList({
  songId,
  roles,
  reloadKey = 0,
}: {
  songId: string;
  projectId: string;
  roles: string[];
  reloadKey?: number;
}) {
  const [takes, , reload] = useLoad(() => api.takes(songId), [songId, reloadKey]);
  const canDecide = allows(roles, "take.decide");
  return (
    <section className="card" aria-labelledby="takes-h">
      <h2 id="takes-h">Takes</h2>
      {takes && takes.length === 0 && (
        <p className="muted">
          No takes yet. <Link href={`/songs/${songId}/record`}>Record one</Link>.
        </p>
      )}
      <table className="takes">
        <thead>
          <tr>
            <th scope="col">Take</th>
            <th scope="col">Performer</th>
            <th scope="col">Audio</th>
            <th scope="col">Rating</th>
            <th scope="col">Decision</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {takes?.map((t) => (
            <TakeRow key={t.id} take={t} canDecide={canDecide} onChange={reload} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
