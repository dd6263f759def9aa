/**
 * Migrations between session versions. Each step takes the plain JSON of version n to version n+1, so a
 * document of any older version is brought up to date one step at a time.
 *
 * Version 1 (the first hand-written format): `bpm` (one number) instead of a tempo map; each track had a flat
 * `clips` list (one take) and `gainDb` for its fader.
 */
import { SessionError, type SessionProblem } from "./problems.ts";
import { SESSION_VERSION } from "./schema.ts";

type Json = Record<string, unknown>;

const STEPS: Record<number, (doc: Json) => Json> = {
  1: (doc) => {
    const { bpm, tracks, ...rest } = doc;
    const out: Json = { ...rest, version: 2 };
    if (bpm !== undefined) out.tempo = [{ bar: 1, bpm }];
    if (Array.isArray(tracks)) {
      out.tracks = tracks.map((t) => {
        if (t === null || typeof t !== "object") return t;
        const { clips, gainDb, ...tr } = t as Json;
        const track: Json = { ...tr };
        if (clips !== undefined) track.takes = [{ id: "take1", name: "Take 1", clips }];
        if (gainDb !== undefined) track.volumeDb = gainDb;
        return track;
      });
    }
    return out;
  },
};

/** Brings a parsed session document to SESSION_VERSION. Throws SessionError for missing or future versions. */
export function migrateSession(doc: unknown, source = "session"): Json {
  const fail = (p: SessionProblem) => {
    throw new SessionError([p], source);
  };
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    fail({ path: "", message: "a session must be a JSON object" });
  }
  let cur = doc as Json;
  const v = cur.version;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    fail({
      path: "version",
      message: `must be a session version 1 … ${SESSION_VERSION}, got ${JSON.stringify(v)}`,
    });
  }
  if ((v as number) > SESSION_VERSION) {
    fail({
      path: "version",
      message: `version ${v} was written by a newer Control Room (this one reads up to ${SESSION_VERSION})`,
    });
  }
  for (let n = v as number; n < SESSION_VERSION; n++) cur = STEPS[n](cur);
  return cur;
}
