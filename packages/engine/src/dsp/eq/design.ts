/**
 * EQ band → cascade of biquad sections. Peak, shelves, bandpass, notch and allpass are single RBJ cookbook
 * sections. Highpass / lowpass of any slope are Butterworth cascades: every second-order section is the
 * cookbook filter with the Q of one conjugate pole pair (Q = 1 / (2·cos θ)), odd orders add a first-order
 * section, and all sections are bilinear transforms pre-warped at the corner — so the digital cascade is
 * exactly −3 dB there. Linkwitz-Riley is the Butterworth of half the order, twice.
 */
import {
  type BiquadCoefficients,
  biquadResponse,
  designBiquad,
  designFirstOrder,
  IDENTITY,
} from "../../core/biquad.ts";
import { type BandSlope, defaultQ, type EqBand } from "./band.ts";

/** Most sections one band needs (a 48 dB/oct highpass or lowpass). */
export const MAX_SECTIONS_PER_BAND = 4;

/** Highest frequency a band is designed at, as a fraction of the sample rate. */
export const MAX_DESIGN_FRACTION = 0.49;

/**
 * Q of each second-order section of an order-`order` Butterworth filter (pole pairs at angles θ from the
 * negative real axis; Q = 1/(2 cos θ)). Odd orders also have one real pole (a first-order section).
 */
export function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 0; k < Math.floor(order / 2); k++) {
    const theta = order % 2 === 0 ? ((2 * k + 1) * Math.PI) / (2 * order) : ((k + 1) * Math.PI) / order;
    qs.push(1 / (2 * Math.cos(theta)));
  }
  return qs;
}

/**
 * Sections of an order-`order` Butterworth highpass or lowpass (1 … 8), −3 dB at `freq` Hz.
 * @param sampleRate Hz; @param freq corner in Hz, 0 < freq < sampleRate / 2.
 */
export function butterworthSections(
  kind: "highpass" | "lowpass",
  order: number,
  sampleRate: number,
  freq: number,
): BiquadCoefficients[] {
  const out = butterworthQs(order).map((q) => designBiquad(kind, sampleRate, freq, q));
  if (order % 2 === 1) out.push(designFirstOrder(kind, sampleRate, freq));
  return out;
}

/**
 * Sections of a Linkwitz-Riley highpass or lowpass of `slope` 12, 24 or 48 dB/oct (the Butterworth of half
 * the order, twice): −6 dB at `freq`. A lowpass and a highpass at the same frequency sum to an allpass —
 * with the highpass inverted for slope 12 (see `linkwitzRileySumSign`).
 */
export function linkwitzRileySections(
  kind: "highpass" | "lowpass",
  slope: 12 | 24 | 48,
  sampleRate: number,
  freq: number,
): BiquadCoefficients[] {
  const half = butterworthSections(kind, slope / 12, sampleRate, freq);
  return [...half, ...half];
}

/**
 * The sign the highpass of a Linkwitz-Riley pair needs so that lowpass + sign·highpass is an allpass:
 * −1 for slope 12 (order 2, where the plain sum has a notch at the crossover), +1 for 24 and 48.
 */
export function linkwitzRileySumSign(slope: 12 | 24 | 48): 1 | -1 {
  return slope === 12 ? -1 : 1;
}

/**
 * Sections of the allpass that a Linkwitz-Riley lowpass + (sign·)highpass pair at `freq` equals:
 * the half-order Butterworth denominator's mirror over itself, B(−s)/B(s).
 */
export function linkwitzRileyAllpassSections(
  slope: 12 | 24 | 48,
  sampleRate: number,
  freq: number,
): BiquadCoefficients[] {
  const order = slope / 12;
  const out = butterworthQs(order).map((q) => designBiquad("allpass", sampleRate, freq, q));
  if (order % 2 === 1) {
    // (1 − s)/(1 + s) pre-warped at freq: first-order allpass.
    const k = Math.tan((Math.PI * freq) / sampleRate);
    const a1 = (k - 1) / (k + 1);
    out.push({ b0: a1, b1: 1, b2: 0, a1, a2: 0 });
  }
  return out;
}

/** The frequency a band is designed at: its own, or just below Nyquist if higher. */
export function designFrequency(freq: number, sampleRate: number): number {
  return Math.min(freq, MAX_DESIGN_FRACTION * sampleRate);
}

/**
 * The sections realising one band (1 … MAX_SECTIONS_PER_BAND). A peak or shelf with 0 dB gain is the
 * identity section exactly, so the EQ skips it.
 */
export function bandSections(band: EqBand, sampleRate: number): BiquadCoefficients[] {
  const f = designFrequency(band.freq, sampleRate);
  const q = band.q ?? defaultQ(band.kind);
  switch (band.kind) {
    case "peak":
    case "lowshelf":
    case "highshelf": {
      const g = band.gainDb ?? 0;
      return [g === 0 ? { ...IDENTITY } : designBiquad(band.kind, sampleRate, f, q, g)];
    }
    case "bandpass":
    case "notch":
    case "allpass":
      return [designBiquad(band.kind, sampleRate, f, q)];
    case "highpass":
    case "lowpass": {
      const slope: BandSlope = band.slope ?? 12;
      if (band.response === "linkwitz-riley") {
        return linkwitzRileySections(band.kind, slope as 12 | 24 | 48, sampleRate, f);
      }
      if (slope === 12) return [designBiquad(band.kind, sampleRate, f, q)];
      return butterworthSections(band.kind, slope / 6, sampleRate, f);
    }
  }
}

/** Response of a cascade at `freq` Hz: magnitude (linear) and phase (radians, wrapped to −π … π). */
export function cascadeResponse(
  sections: readonly BiquadCoefficients[],
  freq: number,
  sampleRate: number,
): { magnitude: number; phase: number } {
  let magnitude = 1;
  let phase = 0;
  for (const s of sections) {
    const r = biquadResponse(s, freq, sampleRate);
    magnitude *= r.magnitude;
    phase += r.phase;
  }
  return { magnitude, phase: Math.atan2(Math.sin(phase), Math.cos(phase)) };
}

/** True if the section passes the signal unchanged (so it can be skipped). */
export function isIdentity(c: BiquadCoefficients): boolean {
  return c.b0 === 1 && c.b1 === 0 && c.b2 === 0 && c.a1 === 0 && c.a2 === 0;
}
