/** A strip's sends to the session's buses, shown and edited: level (dB) and pre/post fader; add one to a bus. */
import { NumberField } from "./controls.tsx";

/** One send as the session stores it. */
export interface SendValue {
  bus: string;
  levelDb: number;
  pre: boolean;
}

export function SendsEditor({
  name,
  sends,
  buses,
  changed,
  onChange,
}: {
  name: string;
  sends: SendValue[];
  /** Aux buses a send may go to (id and name). */
  buses: { id: string; name: string }[];
  /** Buses whose send a proposal changes (highlighted). */
  changed?: readonly string[];
  onChange(sends: SendValue[]): void;
}) {
  const set = (i: number, patch: Partial<SendValue>) =>
    onChange(sends.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const free = buses.filter((b) => !sends.some((s) => s.bus === b.id));
  return (
    <div className="sends-editor">
      {sends.length === 0 && <p className="small">No sends.</p>}
      {sends.map((s, i) => (
        <div key={s.bus} className={`row ${changed?.includes(s.bus) ? "proposed" : ""}`}>
          <NumberField
            label={`${name} send to ${buses.find((b) => b.id === s.bus)?.name ?? s.bus} (dB)`}
            min={-144}
            max={12}
            step={0.5}
            value={s.levelDb}
            onChange={(levelDb) => set(i, { levelDb })}
          />
          <label className="inline">
            <input type="checkbox" checked={s.pre} onChange={(e) => set(i, { pre: e.target.checked })} />
            pre-fader
          </label>
          <button
            type="button"
            aria-label={`Remove ${name} send to ${s.bus}`}
            onClick={() => onChange(sends.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {free.length > 0 && (
        <label>
          Add a send from {name}
          <select
            value=""
            onChange={(e) =>
              e.target.value && onChange([...sends, { bus: e.target.value, levelDb: -18, pre: false }])
            }
          >
            <option value="">to…</option>
            {free.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
