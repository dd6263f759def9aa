/**
 * The EQ curve an editor draws: the engine's own response of the bands (`eqResponse`, the minimum-phase
 * biquad design the renderer runs), sampled at log-spaced frequencies and mapped to an SVG path.
 */
import type { EqBand } from "@controlroom/engine/dsp/eq/band.ts";
import { eqResponse } from "@controlroom/engine/dsp/eq/eq.ts";

/** Lowest and highest frequency drawn, Hz. */
export const CURVE_MIN_HZ = 20;
export const CURVE_MAX_HZ = 20000;

/** The curve: `points` log-spaced frequencies (Hz) and the response at each (dB). */
export function eqCurve(
  bands: readonly EqBand[],
  sampleRate: number,
  points = 160,
): { freqs: number[]; db: number[] } {
  const freqs: number[] = [];
  const db: number[] = [];
  const top = Math.min(CURVE_MAX_HZ, sampleRate * 0.49);
  for (let i = 0; i < points; i++) {
    const f = CURVE_MIN_HZ * (top / CURVE_MIN_HZ) ** (i / (points - 1));
    freqs.push(f);
    const r = bands.length ? eqResponse(bands, f, sampleRate).db : 0;
    db.push(Number.isFinite(r) ? r : -60);
  }
  return { freqs, db };
}

/** x of a frequency on a `width`-wide log axis from CURVE_MIN_HZ to CURVE_MAX_HZ. */
export function xOfFreq(f: number, width: number): number {
  return (Math.log(f / CURVE_MIN_HZ) / Math.log(CURVE_MAX_HZ / CURVE_MIN_HZ)) * width;
}

/**
 * The SVG path ("M x y L x y …") of a curve in a `width` × `height` box whose vertical range is ±`rangeDb`
 * (values outside are clipped to the box).
 */
export function curvePath(
  curve: { freqs: number[]; db: number[] },
  width: number,
  height: number,
  rangeDb: number,
): string {
  const y = (d: number) => {
    const c = Math.max(-rangeDb, Math.min(rangeDb, d));
    return height / 2 - (c / rangeDb) * (height / 2);
  };
  return curve.freqs
    .map((f, i) => `${i ? "L" : "M"}${xOfFreq(f, width).toFixed(1)} ${y(curve.db[i]).toFixed(1)}`)
    .join(" ");
}
