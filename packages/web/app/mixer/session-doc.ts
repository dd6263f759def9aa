/**
 * The song's mix session as the web app reads and edits it: the engine's session document (its own types,
 * `@controlroom/engine/session/schema.ts`), turned into mixer strips, written back with the strips' settings,
 * made from a song's stems, and given a recorded take. Pure functions; the server checks every save.
 */
import type { Session, SessionInput, Track } from "@controlroom/engine/session/schema.ts";
import type { SongSession, Take, Wire } from "../api.ts";
import { DEFAULT_TRACK, type TrackParams } from "../audio/mix-graph.ts";
import type { AudioFacts } from "../audio/probe.ts";

/** A clip of an uploaded file on a strip's timeline: seconds, as in the session's clips. */
export interface StripClip {
  sha256: string;
  start: number;
  offset: number;
  /** Seconds; null: to the end of the file. */
  length: number | null;
  gainDb: number;
}

/** A mixer strip's source: its name and width, its clips (by blob), and the session's engine inserts if any. */
export interface MixTrack {
  key: string;
  name: string;
  /** 1 or 2; 0: the width of its first file. */
  channels: number;
  clips: StripClip[];
  /** The session track's insert types, in order (empty without a session). */
  engineInserts: string[];
}

/** The session document the server stored (checked, defaults filled in). */
export function documentOf(s: SongSession): Session {
  return s.session;
}

/** The take that plays on a track: its active take, else its first. */
function playingTake(t: Track) {
  return t.takes.find((k) => k.id === t.activeTake) ?? t.takes[0];
}

/** A track's playing clips whose audio the session references, by blob. */
function clipsOf(doc: Session, t: Track): StripClip[] {
  return (playingTake(t)?.clips ?? [])
    .filter((c) => doc.audio[c.audio])
    .map((c) => ({
      sha256: doc.audio[c.audio].sha256,
      start: c.start,
      offset: c.offset,
      length: c.length,
      gainDb: c.gainDb,
    }));
}

/** One strip per session track, playing its active take. */
export function tracksOfSession(doc: Session): MixTrack[] {
  return doc.tracks.map((t) => ({
    key: t.id,
    name: t.name || t.id,
    channels: t.channels,
    clips: clipsOf(doc, t),
    engineInserts: t.inserts.map((i) => String(i.type)),
  }));
}

/** What a track is called in the take list and on its strip: "bass", "vocal 2". */
export const takeTrackName = (t: Pick<Wire<Take>, "part" | "number">) =>
  `${t.part}${t.number > 1 ? ` ${t.number}` : ""}`;

/** The takes a song's mix is made of without a session: every take with audio not marked for a redo. */
export function mixableTakes<T extends Pick<Wire<Take>, "blobSha256" | "decision">>(takes: T[]): T[] {
  return takes.filter((t) => t.blobSha256 && t.decision !== "redo");
}

/** One strip per take, its whole file from the start. */
export function tracksOfTakes(takes: Wire<Take>[]): MixTrack[] {
  return takes.map((t) => ({
    key: t.id,
    name: takeTrackName(t),
    channels: 0,
    clips: [{ sha256: t.blobSha256 as string, start: 0, offset: 0, length: null, gainDb: 0 }],
    engineInserts: [],
  }));
}

/** The strips' settings as the session stores them (fader, pan, mute, solo); the rest at the defaults. */
export function paramsOfSession(doc: Session): TrackParams[] {
  return doc.tracks.map((t) => ({
    ...structuredClone(DEFAULT_TRACK),
    gainDb: t.volumeDb,
    pan: t.pan,
    mute: t.mute,
    solo: t.solo,
  }));
}

/** The document with each track's fader, pan, mute and solo taken from the strips (in track order). */
export function withStripSettings(doc: Session, params: TrackParams[]): Session {
  return {
    ...doc,
    tracks: doc.tracks.map((t, i) => {
      const p = params[i];
      return p ? { ...t, volumeDb: p.gainDb, pan: p.pan, mute: p.mute, solo: p.solo } : t;
    }),
  };
}

/** One source track: its name, the uploaded file, and the file's header facts. */
export interface StemSource {
  name: string;
  sha256: string;
  facts: AudioFacts;
}

/** Letters, digits, `_ . -` as the session's ids require. */
const idOf = (s: string, i: number) =>
  `${s.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "track"}_${i + 1}`;

/**
 * A song's first mix session: one track per stem, each holding that file from the start, at unity and
 * centred. @param title the session name. @param bpm the song's tempo (default 120).
 * @returns a session document at the first stem's sample rate.
 */
export function sessionFromStems(title: string, bpm: number | null, stems: StemSource[]): SessionInput {
  const audio: NonNullable<SessionInput["audio"]> = {};
  const tracks: NonNullable<SessionInput["tracks"]> = [];
  stems.forEach((s, i) => {
    const id = idOf(s.name, i);
    audio[id] = {
      sha256: s.sha256,
      path: `${id}.wav`,
      sampleRate: s.facts.sampleRate,
      channels: s.facts.channels,
      frames: s.facts.frames,
    };
    tracks.push({
      id,
      name: s.name,
      channels: s.facts.channels >= 2 ? 2 : 1,
      takes: [{ id: "take1", clips: [{ audio: id, start: 0, length: s.facts.frames / s.facts.sampleRate }] }],
    });
  });
  return {
    version: 2,
    name: title,
    sampleRate: stems[0]?.facts.sampleRate ?? 48000,
    tempo: [{ bar: 1, beat: 1, bpm: bpm ?? 120 }],
    audio,
    tracks,
  };
}

/** A recorded take to put into the session: mono, `frames` at `sampleRate`. */
export interface RecordedTake {
  part: string;
  takeNumber: number;
  sha256: string;
  sampleRate: number;
  frames: number;
}

/** Where a recorded take goes: a new track, or (a track id) a new take of that track. */
export type TakeDestination = "new" | (string & {});

/**
 * The document with a recorded take from the timeline's start (where the count-in ended and the session
 * began to play): as a new track "new" (named after the part), or as a new take of track `onto`, which
 * becomes its active take. Throws when `onto` names no track.
 */
export function addTakeToSession(doc: Session, onto: TakeDestination, t: RecordedTake): SessionInput {
  const next: SessionInput = structuredClone(doc);
  const audio = (next.audio ??= {});
  const tracks = (next.tracks ??= []);
  const slug = t.part.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40) || "take";
  const audioId = `${slug}_take${t.takeNumber}`;
  audio[audioId] = {
    sha256: t.sha256,
    path: `${audioId}.wav`,
    sampleRate: t.sampleRate,
    channels: 1,
    frames: t.frames,
  };
  const clip = { audio: audioId, start: 0, length: t.frames / t.sampleRate };
  if (onto === "new") {
    let id = slug;
    for (let k = 2; tracks.some((x) => x.id === id); k++) id = `${slug}_${k}`;
    tracks.push({ id, name: t.part, channels: 1, takes: [{ id: "take1", clips: [clip] }] });
  } else {
    const track = tracks.find((x) => x.id === onto);
    if (!track) throw new Error(`no track ${onto} in the session`);
    const takes = (track.takes ??= []);
    let id = `take${t.takeNumber}`;
    for (let k = 2; takes.some((x) => x.id === id); k++) id = `take${t.takeNumber}_${k}`;
    takes.push({ id, name: `${t.part} take ${t.takeNumber}`, clips: [clip] });
    track.activeTake = id;
  }
  return next;
}

/** What plays along while recording: each unmuted track's playing clips at its fader. */
export interface PlayAlongTrack {
  clips: StripClip[];
  gainDb: number;
}

/** The session's unmuted tracks with their playing clips, for playing along while recording. */
export function playAlongOfSession(doc: Session): PlayAlongTrack[] {
  return doc.tracks.filter((t) => !t.mute).map((t) => ({ clips: clipsOf(doc, t), gainDb: t.volumeDb }));
}
