/** The comment being written on the waveform: at a moment, or over a range (click, then shift-click). */

/** Seconds; `end` null for a moment. */
export interface Draft {
  at: number;
  end: number | null;
}

/**
 * Where a click on the waveform at `t` seconds puts the draft: a plain click starts one at `t`; a
 * shift-click with a draft open makes a range between the two points (a moment when they coincide).
 */
export function pickOnWaveform(draft: Draft | null, t: number, shift: boolean): Draft {
  if (shift && draft) {
    const a = Math.min(draft.at, t);
    const b = Math.max(draft.at, t);
    return { at: a, end: b > a ? b : null };
  }
  return { at: t, end: null };
}

/** Comment times as stored: to the hundredth of a second. */
export const roundTime = (t: number) => Math.round(t * 100) / 100;
