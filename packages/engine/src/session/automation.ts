/**
 * Automation curves: breakpoints joined by straight or curved segments, evaluated per sample so changes are
 * sample-accurate and free of zipper noise (the curve is continuous between breakpoints; two points at the
 * same time make a deliberate jump).
 */
import type { AutomationPoint } from "./schema.ts";

/** Steepness of a fully curved segment (`curve` = ±1): the bow of (e^(k·u) − 1)/(e^k − 1) with k = 6. */
const CURVE_STEEPNESS = 6;

export class AutomationCurve {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private readonly curves: Float64Array;
  /** Index of the segment found last, so sequential evaluation is O(1) per sample. */
  private seg = 0;

  /** @param points breakpoints (time in seconds, value in the target's unit), any order; at least one. */
  constructor(points: readonly Pick<AutomationPoint, "time" | "value" | "curve">[]) {
    if (points.length === 0) throw new RangeError("an automation lane needs at least one point");
    // Stable sort keeps the written order of points that share a time (a jump).
    const sorted = points.map((p, i) => ({ ...p, i })).sort((a, b) => a.time - b.time || a.i - b.i);
    this.times = Float64Array.from(sorted, (p) => p.time);
    this.values = Float64Array.from(sorted, (p) => p.value);
    this.curves = Float64Array.from(sorted, (p) => p.curve ?? 0);
  }

  /** The value at `time` seconds. */
  valueAt(time: number): number {
    const t = this.times;
    const n = t.length;
    if (time <= t[0]) return this.values[0];
    if (time >= t[n - 1]) return this.values[n - 1];
    let s = this.seg;
    if (s >= n - 1 || t[s] > time) s = 0;
    while (s < n - 2 && t[s + 1] <= time) s++;
    this.seg = s;
    const t0 = t[s];
    const t1 = t[s + 1];
    const v0 = this.values[s];
    const v1 = this.values[s + 1];
    if (t1 <= t0) return v1;
    const u = (time - t0) / (t1 - t0);
    return v0 + (v1 - v0) * shape(u, this.curves[s]);
  }

  /**
   * Fills `out[0 … frames)` with the value at samples `startSample + i` of a timeline at `sampleRate` Hz.
   * Returns true when the values are all the same (callers may then use `out[0]` as a constant).
   */
  fill(out: Float32Array, startSample: number, frames: number, sampleRate: number): boolean {
    const t = this.times;
    const first = startSample / sampleRate;
    const last = (startSample + frames - 1) / sampleRate;
    // The whole block in one flat stretch (before the first or after the last point).
    if (last <= t[0] || first >= t[t.length - 1]) {
      out.fill(last <= t[0] ? this.values[0] : this.values[t.length - 1], 0, frames);
      return true;
    }
    // Inside one level segment (or between two points of equal value): constant.
    this.valueAt(first);
    const s = this.seg;
    if (t[s] <= first && last < t[s + 1] && this.values[s] === this.values[s + 1]) {
      out.fill(this.values[s], 0, frames);
      return true;
    }
    // Segment by segment: the same values as valueAt, without searching per sample.
    const v = this.values;
    const n = t.length;
    let i = 0;
    while (i < frames) {
      const time = (startSample + i) / sampleRate;
      if (time <= t[0]) {
        out[i++] = v[0];
        continue;
      }
      if (time >= t[n - 1]) {
        out.fill(v[n - 1], i, frames);
        break;
      }
      this.valueAt(time);
      const k = this.seg;
      const t0 = t[k];
      const t1 = t[k + 1];
      const v0 = v[k];
      const dv = v[k + 1] - v0;
      const c = this.curves[k];
      const span = t1 - t0;
      for (; i < frames; i++) {
        const tt = (startSample + i) / sampleRate;
        if (tt >= t1) break;
        const u = (tt - t0) / span;
        out[i] = v0 + dv * (c === 0 ? u : shape(u, c));
      }
    }
    return false;
  }
}

/** Segment shape: u (0 … 1) → 0 … 1. */
function shape(u: number, curve: number): number {
  if (curve === 0) return u;
  const k = CURVE_STEEPNESS * curve;
  return Math.expm1(k * u) / Math.expm1(k);
}

/** What an automation lane moves. */
export type AutomationTarget =
  | { kind: "volume" }
  | { kind: "pan" }
  | { kind: "send"; bus: string }
  | { kind: "insert"; index: number; param: string };

/** Parses `volume`, `pan`, `send.<bus>` or `insert.<index>.<parameter>`; null when it is none of these. */
export function parseAutomationTarget(target: string): AutomationTarget | null {
  if (target === "volume") return { kind: "volume" };
  if (target === "pan") return { kind: "pan" };
  let m = /^send\.([A-Za-z0-9_][A-Za-z0-9_.-]*)$/.exec(target);
  if (m) return { kind: "send", bus: m[1] };
  m = /^insert\.(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(target);
  if (m) return { kind: "insert", index: Number(m[1]), param: m[2] };
  return null;
}
