/**
 * One take in the take list: its name, performer, audio, and the producer's rating, decision and notes,
 * each saved at once with the take's version (optimistic concurrency; the list reloads). A cell per
 * concern, so a new one (a badge, an action) is one more cell.
 */
import { useState } from "react";
import { api, type Take, type Wire } from "../api.ts";
import { messageOf } from "../util.ts";
import { ProblemBadges } from "./ProblemBadges.tsx";
import { RepairTake } from "./RepairTake.tsx";

/** What the producer decides about a take. */
export type TakeDecisionPatch = {
  rating?: number | null;
  decision?: "keep" | "comp" | "redo" | null;
  notes?: string;
};

/** A take's name in the list ("lead vocal take 2"). */
export const takeName = (t: Pick<Take, "part" | "number">) => `${t.part} take ${t.number}`;

export function TakeRow({
  take,
  canDecide,
  canRepair = false,
  repairedFrom = null,
  onCompare,
  onChange,
}: {
  take: Wire<Take>;
  canDecide: boolean;
  /** May start a repair (the role table's repair.run). */
  canRepair?: boolean;
  /** A repaired take: the take it was repaired from (when still listed). */
  repairedFrom?: Wire<Take> | null;
  /** A repaired take: opens the A/B against the original. */
  onCompare?(): void;
  onChange(): void;
}) {
  const [notes, setNotes] = useState(take.notes);
  const [err, setErr] = useState<string | null>(null);
  const name = takeName(take);
  const save = async (patch: TakeDecisionPatch) => {
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
        <ProblemBadges problems={take.problems} name={name} />
        {take.repairedFromTakeId && (
          <p className="small">
            repaired from {repairedFrom ? takeName(repairedFrom) : "a take no longer listed"}
            {repairedFrom?.blobSha256 && onCompare && (
              <>
                {" "}
                <button
                  type="button"
                  onClick={onCompare}
                  aria-label={`Compare ${name} with ${takeName(repairedFrom)}`}
                >
                  A/B with original
                </button>
              </>
            )}
          </p>
        )}
        {canRepair && take.blobSha256 && <RepairTake take={take} name={name} onRepaired={onChange} />}
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
