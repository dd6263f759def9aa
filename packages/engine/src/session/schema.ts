/**
 * The session document: the JSON a record is made in. Times on the timeline are in seconds from the session
 * start; arrangement positions are in bars (1-based, as musicians count). Audio is referenced by sha256 and a
 * path hint, never embedded. Every object is strict: an unknown field is an error naming its JSON path.
 */
import * as z from "./zod-parts.ts";

/** The version this code writes. Older documents are migrated on load (see migrate.ts). */
export const SESSION_VERSION = 2;

/** Identifiers of tracks, buses, takes and audio: letters, digits, `_`, `-`, `.` (used in automation targets). */
const id = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, _ . - (no spaces)");

const seconds = z.number().finite().min(0);
const db = z.number().finite().min(-144).max(24);

/** How a fade's gain moves from 0 to 1 (see fades.ts for the curves). */
export const CLIP_FADE_SHAPES = ["linear", "equal-power", "s-curve", "exponential", "logarithmic"] as const;
export type ClipFadeShape = (typeof CLIP_FADE_SHAPES)[number];

export const fadeSchema = z.strictObject({
  /** Fade length in seconds (0 = none). */
  length: seconds.default(0),
  shape: z.enum(CLIP_FADE_SHAPES).default("equal-power"),
});

/** One audio file the session uses. */
export const audioRefSchema = z.strictObject({
  /** sha256 of the file's bytes, 64 lower-case hex digits: the identity of the audio. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits"),
  /** Where the file was last seen, relative to the session file's folder (or absolute). */
  path: z.string().min(1),
  /** The file's sample rate, Hz. */
  sampleRate: z.number().int().min(8000).max(384000),
  /** The file's channels (1 … 64). */
  channels: z.number().int().min(1).max(64),
  /** The file's length in frames. */
  frames: z.number().int().min(0),
});

/** A region of one audio file placed on the timeline. */
export const clipSchema = z.strictObject({
  /** Key into `audio`. */
  audio: id,
  /** Timeline position of the clip's first sample, seconds. */
  start: seconds,
  /** Where in the source the clip starts, seconds. */
  offset: seconds.default(0),
  /** Clip length, seconds (> 0). */
  length: z.number().finite().positive(),
  /** Clip gain, dB. */
  gainDb: db.default(0),
  fadeIn: fadeSchema.default({ length: 0, shape: "equal-power" }),
  fadeOut: fadeSchema.default({ length: 0, shape: "equal-power" }),
});

/** One recorded pass. */
export const takeSchema = z.strictObject({
  id,
  name: z.string().optional(),
  clips: z.array(clipSchema).default([]),
});

/** Which take plays from `start` to `end` (seconds). */
export const compSegmentSchema = z.strictObject({
  take: id,
  start: seconds,
  end: seconds,
});

/** The comp: a take per time range; edges are crossfaded over `crossfade` seconds centred on each edge. */
export const compSchema = z.strictObject({
  segments: z.array(compSegmentSchema).default([]),
  crossfade: z.number().finite().min(0).max(1).default(0.01),
  shape: z.enum(CLIP_FADE_SHAPES).default("equal-power"),
});

/** A send to an aux bus. */
export const sendSchema = z.strictObject({
  /** The bus id. */
  bus: id,
  /** Send level, dB. */
  levelDb: db.default(0),
  /** Tapped before the fader (true) or after fader and pan (false, the default). */
  pre: z.boolean().default(false),
});

/**
 * A breakpoint. `curve` (-1 … 1) shapes the segment to the next point: 0 straight, > 0 starts slowly and
 * speeds up (exponential-like), < 0 starts quickly and slows down.
 */
export const automationPointSchema = z.strictObject({
  /** Timeline time, seconds. */
  time: seconds,
  value: z.number().finite(),
  curve: z.number().finite().min(-1).max(1).default(0),
});

/**
 * An automation lane. Targets: `volume` (dB), `pan` (-1 … 1), `send.<bus>` (dB) and
 * `insert.<index>.<parameter>` (any numeric processor parameter, in its own unit).
 */
export const automationLaneSchema = z.strictObject({
  target: z.string().min(1),
  points: z.array(automationPointSchema).min(1),
});

/** The channel-strip settings shared by tracks and buses. */
const stripFields = {
  /** Fader, dB (-144 … +24). */
  volumeDb: db.default(0),
  /** Pan -1 (left) … +1 (right); constant-power for mono, balance for stereo. */
  pan: z.number().finite().min(-1).max(1).default(0),
  mute: z.boolean().default(false),
  solo: z.boolean().default(false),
  /** Invert polarity. */
  polarity: z.boolean().default(false),
  /** Insert chain in the `controlroom process` JSON format. */
  inserts: z.array(z.record(z.string(), z.unknown())).default([]),
  sends: z.array(sendSchema).default([]),
  /** Where the strip's output goes: `master` or a bus id. */
  output: id.default("master"),
  automation: z.array(automationLaneSchema).default([]),
};

export const trackSchema = z.strictObject({
  id,
  name: z.string().default(""),
  /** Mono or stereo. */
  channels: z.union([z.literal(1), z.literal(2)]).default(1),
  takes: z.array(takeSchema).default([]),
  /** Which take plays where; without a comp the `activeTake` (default the first take) plays throughout. */
  comp: compSchema.optional(),
  activeTake: id.optional(),
  ...stripFields,
});

export const busSchema = z.strictObject({
  id,
  name: z.string().default(""),
  /** `aux` (fed by sends, a return) or `group` (fed by outputs, a sub-mix). */
  kind: z.enum(["aux", "group"]).default("aux"),
  /** Stays audible when something else is soloed; default true for aux returns. */
  soloSafe: z.boolean().optional(),
  ...stripFields,
});

export const masterSchema = z.strictObject({
  volumeDb: db.default(0),
  inserts: z.array(z.record(z.string(), z.unknown())).default([]),
  automation: z.array(automationLaneSchema).default([]),
});

/** Tempo from a bar (and beat) on, in quarter notes per minute. */
export const tempoChangeSchema = z.strictObject({
  bar: z.number().int().min(1),
  /** Beat within the bar, 1-based (fractions allowed). */
  beat: z.number().finite().min(1).default(1),
  bpm: z.number().finite().min(10).max(999),
});

export const timeSignatureSchema = z.strictObject({
  bar: z.number().int().min(1),
  numerator: z.number().int().min(1).max(64),
  denominator: z.union([
    z.literal(1),
    z.literal(2),
    z.literal(4),
    z.literal(8),
    z.literal(16),
    z.literal(32),
  ]),
});

export const markerSchema = z.strictObject({
  name: z.string().min(1),
  /** Bar, 1-based. */
  bar: z.number().int().min(1),
  /** Beat within the bar, 1-based (fractions allowed). */
  beat: z.number().finite().min(1).default(1),
});

/** An arrangement section: bars `startBar` … `endBar`, both inclusive (intro 1–8 ends where bar 9 starts). */
export const sectionSchema = z.strictObject({
  name: z.string().min(1),
  startBar: z.number().int().min(1),
  endBar: z.number().int().min(1),
});

export const sessionSchema = z.strictObject({
  version: z.literal(SESSION_VERSION),
  name: z.string().default("untitled"),
  /** The rate the session mixes at, Hz. Sources at other rates are converted. */
  sampleRate: z.number().int().min(8000).max(384000),
  tempo: z
    .array(tempoChangeSchema)
    .min(1)
    .default([{ bar: 1, beat: 1, bpm: 120 }]),
  timeSignatures: z
    .array(timeSignatureSchema)
    .min(1)
    .default([{ bar: 1, numerator: 4, denominator: 4 }]),
  markers: z.array(markerSchema).default([]),
  sections: z.array(sectionSchema).default([]),
  audio: z.record(id, audioRefSchema).default({}),
  tracks: z.array(trackSchema).default([]),
  buses: z.array(busSchema).default([]),
  master: masterSchema.default({ volumeDb: 0, inserts: [], automation: [] }),
});

export type Session = z.output<typeof sessionSchema>;
/** What may be written by hand: defaults filled in on load. */
export type SessionInput = z.input<typeof sessionSchema>;
export type Track = z.output<typeof trackSchema>;
export type Bus = z.output<typeof busSchema>;
export type Master = z.output<typeof masterSchema>;
export type Take = z.output<typeof takeSchema>;
export type Clip = z.output<typeof clipSchema>;
export type Comp = z.output<typeof compSchema>;
export type Send = z.output<typeof sendSchema>;
export type AudioRef = z.output<typeof audioRefSchema>;
export type AutomationLane = z.output<typeof automationLaneSchema>;
export type AutomationPoint = z.output<typeof automationPointSchema>;
export type Fade = z.output<typeof fadeSchema>;
export type TempoChange = z.output<typeof tempoChangeSchema>;
export type TimeSignature = z.output<typeof timeSignatureSchema>;
export type Marker = z.output<typeof markerSchema>;
export type Section = z.output<typeof sectionSchema>;
