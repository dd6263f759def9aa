/** Small helpers for building SVG plots as text. */

/** Escapes text for SVG content and attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** "Nice" tick step (1, 2 or 5 × 10^n) giving about `target` ticks over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

/** Time ticks in seconds at musically readable steps (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min …). */
export function timeStep(duration: number, target = 10): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  for (const s of steps) if (duration / s <= target) return s;
  return 7200;
}

/** A time label: 0:05, 1:30, 1:02:03; sub-second steps get tenths. */
export function timeLabel(t: number, step: number): string {
  const sign = t < 0 ? "-" : "";
  t = Math.abs(t);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const ss = step < 1 ? s.toFixed(1).padStart(4, "0") : String(Math.round(s) % 60).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${ss}` : `${sign}${m}:${ss}`;
}

/** A polyline path from points, skipping non-finite values (gaps in the line). */
export function pathFrom(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  }
  return d;
}
