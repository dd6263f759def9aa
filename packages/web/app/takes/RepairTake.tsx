/**
 * The "Repair" action on a take: "auto" (the fixes the take analysis found a need for) or a choice of fixes,
 * the denoise amount and an optional noise-only stretch; runs the repair job on the server with its
 * progress, then says what was done (the repaired take appears in the list, linked to this one).
 */
import type { RepairFix } from "@controlroom/engine/repair/repair-channels.ts";
import { useId, useState } from "react";
import { api, type RepairResult, type Take, type Wire } from "../api.ts";
import { JobProgress } from "../JobProgress.tsx";
import { useJob } from "../jobs.ts";

/** Every fix, in the order the engine applies them, with what it is in the studio's words. */
export const FIX_LABELS: Record<RepairFix, string> = {
  declip: "Declip (rebuild clipped peaks)",
  dc: "DC offset",
  declick: "Declick",
  decrackle: "Decrackle",
  dehum: "Dehum (mains hum)",
  denoise: "Denoise (hiss)",
};
const FIXES = Object.keys(FIX_LABELS) as RepairFix[];

export function RepairTake({
  take,
  name,
  onRepaired,
}: {
  take: Wire<Take>;
  /** The take's name ("lead vocal take 1"). */
  name: string;
  /** After the repair job is done (the list reloads to show the new take). */
  onRepaired(): void;
}) {
  const found = (take.problems?.fixes ?? []) as RepairFix[];
  const [open, setOpen] = useState(false);
  const [auto, setAuto] = useState(true);
  const [chosen, setChosen] = useState<RepairFix[]>(found);
  const [amount, setAmount] = useState("12");
  const [noiseFrom, setNoiseFrom] = useState("");
  const [noiseTo, setNoiseTo] = useState("");
  const job = useJob<Wire<RepairResult>>();
  const id = useId();
  const shown = auto ? found : chosen;
  const denoise = shown.includes("denoise");
  const nothing = !auto && chosen.length === 0;

  const submit = async () => {
    const body: Parameters<typeof api.repairTake>[1] = { fixes: auto ? "auto" : chosen };
    if (denoise || auto) body.amountDb = Number(amount);
    if (noiseFrom !== "" && noiseTo !== "") body.noiseFrom = [Number(noiseFrom), Number(noiseTo)];
    if (await job.run(() => api.repairTake(take.id, body))) {
      setOpen(false);
      onRepaired();
    }
  };
  // After a successful run: what was done, and the new take comes with the reloaded list.
  const done = job.result;

  if (!open)
    return (
      <div>
        <button type="button" onClick={() => setOpen(true)} aria-label={`Repair ${name}`}>
          Repair…
        </button>
        {done && (
          <p role="status" className="small">
            Repaired {name}
            {done.done.length ? `: ${done.done.join("; ")}` : ": nothing needed fixing"}
          </p>
        )}
      </div>
    );
  return (
    <form
      className="repair-form"
      aria-label={`Repair ${name}`}
      onSubmit={(ev) => {
        ev.preventDefault();
        submit();
      }}
    >
      <label>
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Auto
        {found.length ? ` (${found.join(", ")})` : " (nothing found)"}
      </label>
      <fieldset>
        <legend>Fixes</legend>
        {FIXES.map((f) => (
          <label key={f}>
            <input
              type="checkbox"
              disabled={auto}
              checked={shown.includes(f)}
              onChange={(e) =>
                setChosen((c) =>
                  e.target.checked ? FIXES.filter((x) => x === f || c.includes(x)) : c.filter((x) => x !== f),
                )
              }
            />{" "}
            {FIX_LABELS[f]}
          </label>
        ))}
      </fieldset>
      {(denoise || auto) && (
        <div className="row">
          <label htmlFor={`${id}-amount`}>Denoise amount (dB)</label>
          <input
            id={`${id}-amount`}
            type="number"
            min={1}
            max={40}
            step={1}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <label htmlFor={`${id}-from`}>Noise only from (s)</label>
          <input
            id={`${id}-from`}
            type="number"
            min={0}
            step="any"
            value={noiseFrom}
            onChange={(e) => setNoiseFrom(e.target.value)}
          />
          <label htmlFor={`${id}-to`}>to (s)</label>
          <input
            id={`${id}-to`}
            type="number"
            min={0}
            step="any"
            value={noiseTo}
            onChange={(e) => setNoiseTo(e.target.value)}
          />
        </div>
      )}
      <div className="row">
        <button type="submit" disabled={nothing || job.progress !== null}>
          Repair
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={job.progress !== null}>
          Cancel
        </button>
        {nothing && <span className="muted small">Choose at least one fix, or auto.</span>}
      </div>
      <JobProgress label={`Repairing ${name}`} doing="Repairing…" progress={job.progress} />
      {job.error && <p className="error small">{job.error}</p>}
    </form>
  );
}
