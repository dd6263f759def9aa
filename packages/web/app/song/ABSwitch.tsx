/**
 * A/B between the version (A) and the one compared (B): which is heard, where, and at what loudness-match
 * gain (and whether the browser measured it).
 */
import { clock } from "../util.ts";
import type { LoudnessMatch } from "./loudness-match.ts";
import { type V, versionName } from "./versions.ts";

export function ABSwitch({
  a,
  b,
  side,
  time,
  match,
  onSwitch,
}: {
  a: V;
  b: V;
  side: 0 | 1;
  /** The playhead, seconds. */
  time: number;
  match: LoudnessMatch;
  onSwitch(side: 0 | 1): void;
}) {
  const heard = side === 1 ? b : a;
  const gain =
    match.how === "none"
      ? "loudness not measurable (unmatched)"
      : `loudness-matched ${match.gains[side].toFixed(1)} dB${match.how === "browser" ? " (measured in the browser)" : ""}`;
  return (
    <fieldset className="ab">
      <legend className="visually-hidden">A/B comparison</legend>
      <button type="button" aria-pressed={side === 0} onClick={() => onSwitch(0)}>
        A: {versionName(a)}
      </button>
      <button type="button" aria-pressed={side === 1} onClick={() => onSwitch(1)}>
        B: {versionName(b)}
      </button>
      <span className="small" data-testid="ab-status">
        Hearing {side === 0 ? "A" : "B"} ({versionName(heard)}) at {clock(time)}, {gain}
      </span>
    </fieldset>
  );
}
