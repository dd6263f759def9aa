/**
 * One EQ band as stored in JSON (`{"kind":"peak","freq":3000,"gainDb":3,"q":1}`), its validation and its
 * defaults. Which fields a band may carry depends on its kind; anything else is an error naming the field.
 */
import { checkChoice, checkNumber, ParamError } from "../../core/params.ts";

export const BAND_KINDS = [
  "peak",
  "lowshelf",
  "highshelf",
  "highpass",
  "lowpass",
  "bandpass",
  "notch",
  "allpass",
] as const;
export type BandKind = (typeof BAND_KINDS)[number];

/** Roll-off of highpass / lowpass bands in dB per octave (6 per order). */
export const BAND_SLOPES = [6, 12, 18, 24, 36, 48] as const;
export type BandSlope = (typeof BAND_SLOPES)[number];

/** Slopes a Linkwitz-Riley filter can have (a squared Butterworth of order 1, 2 or 4). */
export const LINKWITZ_RILEY_SLOPES = [12, 24, 48] as const;

export const BAND_RESPONSES = ["butterworth", "linkwitz-riley"] as const;
export type BandResponse = (typeof BAND_RESPONSES)[number];

/** One EQ band. */
export interface EqBand {
  /** Filter shape. */
  kind: BandKind;
  /**
   * Centre (peak, bandpass, notch, allpass), corner (highpass, lowpass: −3 dB Butterworth, −6 dB
   * Linkwitz-Riley) or shelf midpoint (half the shelf gain), Hz, 10 … 40000. Designed at no more than
   * 0.49 × the sample rate (a band above that is moved just below Nyquist).
   */
  freq: number;
  /** Boost (+) or cut (−) in dB, −30 … +30, for peak and shelves only. Default 0. */
  gainDb?: number;
  /**
   * Quality factor, 0.1 … 40 (RBJ cookbook Q). Peak default 1; shelves, bandpass, notch, allpass default
   * 0.7071 (for shelves 0.7071 is the steepest slope without overshoot). On highpass / lowpass only with a
   * 12 dB/oct Butterworth (a resonant single section); other slopes take their Qs from the pole angles.
   */
  q?: number;
  /** Highpass / lowpass roll-off in dB/octave: 6, 12, 18, 24, 36 or 48. Default 12. */
  slope?: BandSlope;
  /**
   * Highpass / lowpass alignment: `butterworth` (maximally flat, −3 dB at freq; default) or
   * `linkwitz-riley` (a squared Butterworth, −6 dB at freq, slopes 12/24/48; lowpass + highpass at the same
   * freq sum flat).
   */
  response?: BandResponse;
}

export const FREQ_MIN = 10;
export const FREQ_MAX = 40000;
export const GAIN_MIN = -30;
export const GAIN_MAX = 30;
export const Q_MIN = 0.1;
export const Q_MAX = 40;

const PASS_KINDS: readonly string[] = ["highpass", "lowpass"];
const GAIN_KINDS: readonly string[] = ["peak", "lowshelf", "highshelf"];

/** The Q a band uses when it gives none. */
export function defaultQ(kind: BandKind): number {
  return kind === "peak" ? 1 : Math.SQRT1_2;
}

/** Checks one band; `path` is e.g. `eq.bands[2]`. Throws a ParamError naming the bad field. */
export function validateBand(path: string, value: unknown): EqBand {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ParamError(
      path,
      `must be an object like {"kind":"peak","freq":1000,"gainDb":3,"q":1}, got ${JSON.stringify(value)}`,
    );
  }
  const b = value as Record<string, unknown>;
  const kind = checkChoice(`${path}.kind`, b.kind, BAND_KINDS);
  const pass = PASS_KINDS.includes(kind);
  const allowed = ["kind", "freq", "q"];
  if (GAIN_KINDS.includes(kind)) allowed.push("gainDb");
  if (pass) allowed.push("slope", "response");
  for (const key of Object.keys(b)) {
    if (!allowed.includes(key)) {
      throw new ParamError(
        `${path}.${key}`,
        `does not apply to a ${kind} band (allowed: ${allowed.join(", ")})`,
      );
    }
  }
  checkNumber(`${path}.freq`, b.freq, FREQ_MIN, FREQ_MAX, "Hz");
  if (b.gainDb !== undefined) checkNumber(`${path}.gainDb`, b.gainDb, GAIN_MIN, GAIN_MAX, "dB");
  if (b.q !== undefined) checkNumber(`${path}.q`, b.q, Q_MIN, Q_MAX);
  if (pass) {
    if (b.slope !== undefined && !BAND_SLOPES.includes(b.slope as BandSlope)) {
      throw new ParamError(
        `${path}.slope`,
        `must be one of ${BAND_SLOPES.join(", ")} dB/oct, got ${JSON.stringify(b.slope)}`,
      );
    }
    const slope = (b.slope ?? 12) as BandSlope;
    const response =
      b.response === undefined ? "butterworth" : checkChoice(`${path}.response`, b.response, BAND_RESPONSES);
    if (response === "linkwitz-riley" && !(LINKWITZ_RILEY_SLOPES as readonly number[]).includes(slope)) {
      throw new ParamError(
        `${path}.slope`,
        `a linkwitz-riley ${kind} must have slope ${LINKWITZ_RILEY_SLOPES.join(", ")} dB/oct, got ${slope}`,
      );
    }
    if (b.q !== undefined && (slope !== 12 || response !== "butterworth")) {
      throw new ParamError(
        `${path}.q`,
        `applies to a ${kind} only with slope 12 and butterworth response (other slopes have fixed Qs)`,
      );
    }
  }
  return b as unknown as EqBand;
}

/** Checks a band list (the `bands` parameter); `path` is e.g. `eq.bands`. */
export function validateBands(path: string, value: unknown): EqBand[] {
  if (!Array.isArray(value))
    throw new ParamError(path, `must be a list of bands, got ${JSON.stringify(value)}`);
  return value.map((b, i) => validateBand(`${path}[${i}]`, b));
}
