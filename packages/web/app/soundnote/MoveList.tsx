/**
 * A sound note's moves as the producer and the engineer read them: what each does on which track, the reason
 * with its measured numbers, and the descriptor's feature before → predicted (→ measured, once rendered).
 */
import type { SoundNoteMove, Wire } from "../api.ts";

/** "airDb" → "air", "levelInMixDb" → "level in mix". */
export function featureLabel(feature: string): string {
  return feature
    .replace(/(Db|Lufs|Lu)$/, "")
    .replace(/([A-Z])/g, " $1")
    .toLowerCase();
}

/** The unit a feature is in. */
export function featureUnit(feature: string): string {
  return /Lufs$/.test(feature) ? "LUFS" : /Lu$/.test(feature) ? "LU" : /Db$/.test(feature) ? "dB" : "";
}

const num = (v: number) => `${v > 0 ? "+" : ""}${v.toFixed(1)}`;

/** One move's numbers: "air −31.2 → −28.0 dB predicted, −28.3 dB measured ✓". */
export function moveNumbers(m: Wire<SoundNoteMove>): string {
  const p = m.predicted;
  const unit = featureUnit(p.feature);
  let s = `${featureLabel(p.feature)} ${num(p.before)} → ${num(p.after)} ${unit} predicted`;
  if (m.measured)
    s += `, ${num(m.measured.after)} ${unit} measured ${m.measured.ok ? "✓" : `(expected ${num(m.measured.expected)})`}`;
  return s;
}

export function MoveList({ moves }: { moves: Wire<SoundNoteMove>[] }) {
  if (moves.length === 0) return <p className="muted">No moves proposed.</p>;
  return (
    <ol className="moves">
      {moves.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a move is identified by its place in the proposal
        <li key={`${m.target.id}-${m.descriptor}-${i}`}>
          <strong>
            {m.direction} {m.descriptor}
          </strong>{" "}
          on {m.target.name}: {m.changeLines.join("; ") || "nothing to change"}
          <br />
          <span className="small">{m.reason}</span>
          <br />
          <span className="small numbers">{moveNumbers(m)}</span>
        </li>
      ))}
    </ol>
  );
}
