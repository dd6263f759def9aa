/**
 * DC offset: measured as the mean, removed by subtracting a slowly varying mean — a zero-phase moving average
 * (two passes of a box `windowSeconds` long, so a triangular kernel) — which takes out a constant or drifting
 * offset exactly, leaves everything above ~2 Hz untouched in level and phase, and has no start-up transient.
 */
import { gainToDb } from "../core/db.ts";

/** DC offset of a channel. */
export interface DcReport {
  /** Mean sample value (full scale ±1). */
  offset: number;
  /** |offset| in dBFS (−Infinity for none). */
  db: number;
}

/** Mean of a channel, computed in 64-bit. */
export function measureDc(x: Float32Array): DcReport {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const offset = x.length ? s / x.length : 0;
  return { offset, db: gainToDb(offset) };
}

/** Zero-phase moving average of `x` over `width` samples (edges average what exists). */
function boxMean(x: Float64Array, width: number): Float64Array {
  const n = x.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
  const half = width >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    out[i] = (prefix[b] - prefix[a]) / (b - a);
  }
  return out;
}

/**
 * Removes DC (and drift slower than about 1/windowSeconds Hz) from one channel.
 * @param windowSeconds length of each of the two averaging boxes, 0.05 … 10 s (default 1: flat above 2 Hz).
 * @returns a new array.
 */
export function removeDc(x: Float32Array, sampleRate: number, windowSeconds = 1): Float32Array {
  if (!(windowSeconds >= 0.05 && windowSeconds <= 10)) {
    throw new RangeError(`windowSeconds must be between 0.05 and 10, got ${windowSeconds}`);
  }
  const width = Math.max(1, Math.round(windowSeconds * sampleRate));
  const mean = boxMean(boxMean(Float64Array.from(x), width), width);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - mean[i];
  return out;
}
