/** The comment being written on the waveform: at a moment, or over a range (click, then shift-click). */

/** Seconds; `end` null for a moment. */
export interface Draft {
  at: number;
  end: number | null;
}

/**
 * Where a click on the waveform at `t` seconds puts the draft: a plain click starts one at `t`; a
 * shift-click makes a range between `t` and the draft's start — or, with no draft open (just saved or
 * cancelled), the playhead `anchor` (seconds), which the previous click put there. A range of zero length
 * is a moment.
 */
export function pickOnWaveform(draft: Draft | null, t: number, shift: boolean, anchor?: number): Draft {
  const from = draft?.at ?? anchor;
  if (shift && from !== undefined) {
    const a = Math.min(from, t);
    const b = Math.max(from, t);
    return { at: a, end: b > a ? b : null };
  }
  return { at: t, end: null };
}

/** Comment times as stored: to the hundredth of a second. */
export const roundTime = (t: number) => Math.round(t * 100) / 100;
