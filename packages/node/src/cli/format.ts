/** Number formatting for reports: fixed decimals, −∞ for silence, and JSON-safe values. */

/** A level with fixed decimals, or "−inf" for silence. */
export function fmtDb(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  if (v === Number.POSITIVE_INFINITY) return "+inf";
  return v.toFixed(decimals);
}

/** JSON value of a reading: non-finite (silence, −∞) becomes null; finite values are rounded to `decimals`. */
export function jsonNumber(v: number | null | undefined, decimals = 4): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
