/** Takes with performer, rating, the producer's notes and a decision (keep, comp, redo); play each take. */
import { useState } from "react";
import { allows, api, type Take, type Wire } from "../api.ts";
import { Link } from "../router.tsx";
import { messageOf, useLoad } from "../util.ts";

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

function TakeRow({ take, canDecide, onChange }: { take: Wire<Take>; canDecide: boolean; onChange(): void }) {
  const [notes, setNotes] = useState(take.notes);
  const [err, setErr] = useState<string | null>(null);
  const name = `${take.part} take ${take.number}`;
  const save = async (patch: {
    rating?: number | null;
    decision?: "keep" | "comp" | "redo" | null;
    notes?: string;
  }) => {
    setErr(null);
    try {
      await api.decideTake(take.id, { version: take.version, ...patch });
      onChange();
    } catch (e) {
      setErr(messageOf(e));
    }
  };
  return (
    <tr data-take={name}>
      <td>{name}</td>
      <td>{take.performerName}</td>
      <td>
        {take.blobSha256 ? (
          // biome-ignore lint/a11y/useMediaCaption: takes are raw performances without captions
          <audio controls preload="none" src={api.blobUrl(take.blobSha256)} aria-label={`Play ${name}`} />
        ) : (
          <span className="muted">no audio</span>
        )}
      </td>
      <td>
        <select
          aria-label={`Rating of ${name}`}
          disabled={!canDecide}
          value={take.rating ?? ""}
          onChange={(e) => save({ rating: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">–</option>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {"★".repeat(n)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          aria-label={`Decision on ${name}`}
          disabled={!canDecide}
          value={take.decision ?? ""}
          onChange={(e) => save({ decision: (e.target.value || null) as "keep" | null })}
        >
          <option value="">undecided</option>
          <option value="keep">keep</option>
          <option value="comp">comp</option>
          <option value="redo">redo</option>
        </select>
      </td>
      <td>
        {canDecide ? (
          <form
            className="row"
            onSubmit={(ev) => {
              ev.preventDefault();
              save({ notes });
            }}
          >
            <input aria-label={`Notes on ${name}`} value={notes} onChange={(e) => setNotes(e.target.value)} />
            <button type="submit">Save</button>
          </form>
        ) : (
          take.notes
        )}
        {err && <p className="error small">{err}</p>}
      </td>
    </tr>
  );
}
