/**
 * What the take analysis found to repair in a take, as badges ("12 clicks", "hum 50 Hz −30 dB", "clipped
 * 1,145 runs") — the server's detection summary, word for word; "clean" when nothing was found, "not
 * scanned" until the analysis has run.
 */
import type { TakeProblems, Wire } from "../api.ts";

export function ProblemBadges({ problems, name }: { problems: Wire<TakeProblems> | null; name: string }) {
  if (!problems) return <span className="muted small">not scanned</span>;
  if (problems.summary.length === 0) return <span className="tag ok">clean</span>;
  return (
    <ul className="badges" aria-label={`Problems in ${name}`}>
      {problems.summary.map((b) => (
        <li key={b} className="tag warn">
          {b}
        </li>
      ))}
    </ul>
  );
}
