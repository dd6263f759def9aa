/**
 * Reference matching EQ: a set of gentle peaking bands whose summed response follows the smoothed tonal
 * difference between a programme and a reference record, limited so the correction stays musical.
 */
import type { EqBand } from "../dsp/eq/band.ts";
import { eqResponse } from "../dsp/eq/eq.ts";
import { COMPARE_HIGH_HZ, COMPARE_LOW_HZ, type LongTermSpectrum, tonalDifference } from "./spectrum.ts";

export interface MatchEqOptions {
  /** Largest boost or cut of any band, dB (default 6; 0 … 12). */
  maxGainDb?: number;
  /** Share of the difference to correct, 0 … 1 (default 0.8: most of it; a full match over-fits the reference's arrangement). */
  strength?: number;
  /** Sample rate the EQ runs at, Hz. */
  sampleRate: number;
}

/** Band centres: half-octave steps from 40 Hz to ~14.5 kHz. */
function centres(): number[] {
  const out: number[] = [];
  for (let f = 40; f <= 15000; f *= Math.SQRT2) out.push(f);
  return out;
}

/** Q of a peaking band about one octave wide (neighbours half an octave apart overlap smoothly). */
const BAND_Q = 1.41;
/** Fitting passes: each moves every band's gain towards the remaining error at its centre. */
const PASSES = 30;

/**
 * Designs the EQ that moves `input`'s tonal balance towards `reference`'s.
 * @returns peaking bands for the `eq` processor, and the fitted curve (dB at each grid frequency).
 */
export function designMatchEq(
  input: LongTermSpectrum,
  reference: LongTermSpectrum,
  opts: MatchEqOptions,
): { bands: EqBand[]; curveDb: number[] } {
  const maxGain = opts.maxGainDb ?? 6;
  const strength = opts.strength ?? 0.8;
  if (!(maxGain >= 0 && maxGain <= 12)) throw new RangeError(`maxGainDb must be 0 … 12 dB, got ${maxGain}`);
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`strength must be 0 … 1, got ${strength}`);
  const diff = tonalDifference(input, reference);
  const freqs = input.freqs;
  // The wanted curve at each band centre: the difference averaged over the half octave around it.
  const fc = centres().filter((f) => f < opts.sampleRate * 0.45);
  const wanted = fc.map((f) => {
    let s = 0;
    let k = 0;
    for (let i = 0; i < freqs.length; i++) {
      if (freqs[i] >= f / 2 ** 0.25 && freqs[i] <= f * 2 ** 0.25) {
        s += diff[i];
        k++;
      }
    }
    const v = k ? (s / k) * strength : 0;
    return Math.max(-maxGain, Math.min(maxGain, v));
  });
  const bands: EqBand[] = fc.map((f) => ({ kind: "peak", freq: f, gainDb: 0, q: BAND_Q }));
  for (let pass = 0; pass < PASSES; pass++) {
    const now = fc.map((f) => eqResponse(bands, f, opts.sampleRate).db);
    for (let b = 0; b < bands.length; b++) {
      const g = (bands[b].gainDb ?? 0) + 0.6 * (wanted[b] - now[b]);
      bands[b].gainDb = Math.max(-maxGain, Math.min(maxGain, g));
    }
  }
  const kept = bands
    .filter((b) => Math.abs(b.gainDb ?? 0) >= 0.05)
    .map((b) => ({ ...b, gainDb: Math.round((b.gainDb ?? 0) * 100) / 100 }));
  const curveDb = freqs.map((f) =>
    f >= COMPARE_LOW_HZ / 2 && f <= Math.min(COMPARE_HIGH_HZ * 1.25, opts.sampleRate * 0.45)
      ? eqResponse(kept, f, opts.sampleRate).db
      : 0,
  );
  return { bands: kept, curveDb };
}
