/**
 * The song's takes, one row each (TakeRow): performer, the take to play, what the analysis found to repair
 * (badges) with the Repair action, rating, decision (keep, comp, redo) and the producer's notes. A repaired
 * take names the take it was repaired from and opens an A/B against it (../song/RepairAB.tsx). Reloads when
 * `reloadKey` changes (a take was recorded).
 */
import { useState } from "react";
import { allows, api } from "../api.ts";
import { Link } from "../router.tsx";
import { RepairAB } from "../song/RepairAB.tsx";
import { useLoad } from "../util.ts";
import { TakeRow, takeName } from "./TakeRow.tsx";

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
  const canRepair = allows(roles, "repair.run");
  const [comparing, setComparing] = useState<string | null>(null);
  const byId = new Map((takes ?? []).map((t) => [t.id, t]));
  const repaired = comparing ? byId.get(comparing) : undefined;
  const original = repaired?.repairedFromTakeId ? byId.get(repaired.repairedFromTakeId) : undefined;
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
            <th scope="col">Problems</th>
            <th scope="col">Rating</th>
            <th scope="col">Decision</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {takes?.map((t) => (
            <TakeRow
              key={t.id}
              take={t}
              canDecide={canDecide}
              canRepair={canRepair}
              repairedFrom={t.repairedFromTakeId ? byId.get(t.repairedFromTakeId) : null}
              onCompare={() => setComparing(t.id)}
              onChange={reload}
            />
          ))}
        </tbody>
      </table>
      {repaired?.blobSha256 && original?.blobSha256 && (
        <RepairAB
          key={repaired.id}
          original={{
            name: takeName(original),
            blobSha256: original.blobSha256,
            integratedLufs: original.integratedLufs,
          }}
          repaired={{
            name: takeName(repaired),
            blobSha256: repaired.blobSha256,
            integratedLufs: repaired.integratedLufs,
          }}
          onClose={() => setComparing(null)}
        />
      )}
    </section>
  );
}
