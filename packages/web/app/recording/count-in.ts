/** The count-in before a take: clicks on every beat of `bars` bars of 4/4, the downbeat higher. */

/** One click: seconds after the count-in starts, and its pitch. */
export interface Click {
  at: number;
  hz: number;
}

export interface CountIn {
  /** Seconds per beat. */
  beat: number;
  clicks: Click[];
  /** Seconds from the first click to the take's start. */
  length: number;
}

const BEATS_PER_BAR = 4;

/** @param bars what the user typed (whole bars; blank or nonsense: none). */
export function countIn(tempoBpm: number, bars: string | number): CountIn {
  const beat = 60 / tempoBpm;
  const n = Math.max(0, Math.round(Number(bars) || 0)) * BEATS_PER_BAR;
  const clicks = Array.from({ length: n }, (_, i) => ({
    at: i * beat,
    hz: i % BEATS_PER_BAR === 0 ? 1500 : 1000,
  }));
  return { beat, clicks, length: n * beat };
}
