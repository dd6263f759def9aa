/**
 * Notes, keys and scales for pitch correction: which pitches are allowed, and the nearest one to a sung pitch.
 * Pitches are MIDI note numbers (A4 = 69, C4 = 60), fractional for pitches between notes.
 */
import { ParamError } from "../../core/params.ts";

/** Key names (sharps and flats). */
export const KEYS = [
  "C",
  "C#",
  "Db",
  "D",
  "D#",
  "Eb",
  "E",
  "F",
  "F#",
  "Gb",
  "G",
  "G#",
  "Ab",
  "A",
  "A#",
  "Bb",
  "B",
] as const;
export type Key = (typeof KEYS)[number];

/** Scales as semitone steps above the key's root. */
export const SCALES = {
  chromatic: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  harmonicMinor: [0, 2, 3, 5, 7, 8, 11],
  melodicMinor: [0, 2, 3, 5, 7, 9, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  majorPentatonic: [0, 2, 4, 7, 9],
  minorPentatonic: [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
} as const satisfies Record<string, readonly number[]>;
export type ScaleName = keyof typeof SCALES;
export const SCALE_NAMES = Object.keys(SCALES) as ScaleName[];

const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/** A parsed note name: a pitch class (0 = C … 11 = B), and a MIDI number when an octave was given. */
export interface NoteName {
  pitchClass: number;
  midi: number | null;
}

/**
 * Parses "A3", "C#4", "Bb2", "E" (no octave: any octave). Octaves in scientific pitch notation (C4 = 60).
 * Returns null when the text is not a note name.
 */
export function parseNoteName(text: string): NoteName | null {
  const m = /^([A-Ga-g])([#b]?)(-?\d)?$/.exec(text.trim());
  if (!m) return null;
  const pc = (LETTER[m[1].toUpperCase()] + (m[2] === "#" ? 1 : m[2] === "b" ? -1 : 0) + 12) % 12;
  if (m[3] === undefined) return { pitchClass: pc, midi: null };
  const octave = Number(m[3]);
  // B#3 is C4 and Cb4 is B3: the accidental moves across the octave boundary.
  const midi = 12 * (octave + 1) + LETTER[m[1].toUpperCase()] + (m[2] === "#" ? 1 : m[2] === "b" ? -1 : 0);
  if (midi < 0 || midi > 127) return null;
  return { pitchClass: pc, midi };
}

/** The name of a MIDI note, e.g. 57 → "A3". */
export function noteNameOf(midi: number): string {
  const n = Math.round(midi);
  return `${NAMES[((n % 12) + 12) % 12]}${Math.floor(n / 12) - 1}`;
}

/** Validates a list of note names; the error names the bad element (`pitch.notes[1]`). */
export function validateNoteList(path: string, value: unknown): void {
  if (!Array.isArray(value))
    throw new ParamError(path, `must be a list of note names, got ${JSON.stringify(value)}`);
  if (value.length > 128) throw new ParamError(path, `at most 128 notes, got ${value.length}`);
  for (const [i, v] of value.entries()) {
    if (typeof v !== "string" || !parseNoteName(v)) {
      throw new ParamError(
        `${path}[${i}]`,
        `must be a note name like "A3", "C#4", "Bb2" or "E" (any octave), got ${JSON.stringify(v)}`,
      );
    }
  }
}

/** MIDI (fractional) of a frequency, given the tuning of A4. */
export function hzToMidi(hz: number, referenceHz = 440): number {
  return 69 + 12 * Math.log2(hz / referenceHz);
}

/** Frequency of a MIDI (fractional) note, given the tuning of A4. */
export function midiToHz(midi: number, referenceHz = 440): number {
  return referenceHz * 2 ** ((midi - 69) / 12);
}

/** The set of pitches a corrector may land on. */
export class AllowedNotes {
  /** Allowed pitch classes in every octave (12 flags). */
  private readonly classes: boolean[];
  /** Allowed exact MIDI notes. */
  private readonly exact: number[];

  /**
   * @param key root of the scale.
   * @param scale which scale.
   * @param notes explicit note names; when non-empty they replace key and scale ("A3" that note only, "E" every E).
   */
  constructor(key: Key, scale: ScaleName, notes: readonly string[] = []) {
    this.classes = new Array(12).fill(false);
    this.exact = [];
    if (notes.length > 0) {
      for (const t of notes) {
        const n = parseNoteName(t);
        if (!n) throw new ParamError("notes", `not a note name: ${JSON.stringify(t)}`);
        if (n.midi === null) this.classes[n.pitchClass] = true;
        else this.exact.push(n.midi);
      }
    } else {
      const root = parseNoteName(key)!.pitchClass;
      for (const s of SCALES[scale]) this.classes[(root + s) % 12] = true;
    }
  }

  /** Whether a whole MIDI note is allowed. */
  allows(midi: number): boolean {
    return this.classes[((midi % 12) + 12) % 12] || this.exact.includes(midi);
  }

  /** The allowed MIDI note nearest to a (fractional) pitch; ties go down. */
  nearest(midi: number): number {
    let best = Number.NaN;
    let bestD = Infinity;
    const r = Math.round(midi);
    for (let k = r - 12; k <= r + 12; k++) {
      if (this.classes[((k % 12) + 12) % 12]) {
        const d = Math.abs(k - midi);
        if (d < bestD || (d === bestD && k < best)) {
          best = k;
          bestD = d;
        }
      }
    }
    for (const k of this.exact) {
      const d = Math.abs(k - midi);
      if (d < bestD || (d === bestD && k < best)) {
        best = k;
        bestD = d;
      }
    }
    return best;
  }
}
