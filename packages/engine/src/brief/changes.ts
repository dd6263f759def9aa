/**
 * Concrete session edits a move is made of: a processor added to a strip's inserts, a parameter changed, a
 * fader or send level set, a bus added, a strip routed to a bus. Applying them is pure (a new session).
 */
import type { ProcessorJSON } from "../core/processor.ts";
import { parseSession } from "../session/load.ts";
import { busSchema, type Session } from "../session/schema.ts";

/** A channel strip: a track, a bus, or the master (`{kind: "master", id: "master"}`). */
export interface StripRef {
  kind: "track" | "bus" | "master";
  id: string;
}

/** One edit. `from` values say what was there, so an edit can be shown as before → after. */
export type SessionChange =
  | {
      op: "add-bus";
      /** The new bus: `group` (fed by outputs) or `aux` (fed by sends), with its inserts. */
      bus: { id: string; name: string; kind: "aux" | "group"; inserts: ProcessorJSON[] };
    }
  | { op: "set-output"; strip: StripRef; from: string; to: string }
  | {
      op: "add-insert";
      strip: StripRef;
      /** Position in the strip's inserts (0-based); past the end appends. */
      index: number;
      processor: ProcessorJSON;
    }
  | { op: "set-param"; strip: StripRef; index: number; param: string; from: unknown; to: unknown }
  | { op: "set-volume"; strip: StripRef; fromDb: number; toDb: number }
  | {
      op: "set-send";
      strip: StripRef;
      bus: string;
      /** Send level before, dB; null when there was no send (one is added, post-fader). */
      fromDb: number | null;
      toDb: number;
    };

/** The error for a change that does not fit the session (a strip or insert that is not there). */
export class BriefChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BriefChangeError";
  }
}

interface StripLike {
  volumeDb: number;
  inserts: Record<string, unknown>[];
  sends?: { bus: string; levelDb: number; pre: boolean }[];
  output?: string;
}

function stripOf(s: Session, ref: StripRef): StripLike {
  if (ref.kind === "master") return s.master as StripLike;
  const list = ref.kind === "track" ? s.tracks : s.buses;
  const st = (list as { id: string }[]).find((x) => x.id === ref.id);
  if (!st) throw new BriefChangeError(`no ${ref.kind} "${ref.id}" in the session`);
  return st as unknown as StripLike;
}

/** Applies one change to a session in place (the caller owns the copy). */
function applyOne(s: Session, c: SessionChange): void {
  switch (c.op) {
    case "add-bus": {
      if (s.buses.some((b) => b.id === c.bus.id)) return; // already there (applied before)
      s.buses.push(
        busSchema.parse({ id: c.bus.id, name: c.bus.name, kind: c.bus.kind, inserts: clone(c.bus.inserts) }),
      );
      return;
    }
    case "set-output": {
      const st = stripOf(s, c.strip);
      st.output = c.to;
      return;
    }
    case "add-insert": {
      const st = stripOf(s, c.strip);
      st.inserts.splice(Math.min(c.index, st.inserts.length), 0, clone(c.processor));
      return;
    }
    case "set-param": {
      const st = stripOf(s, c.strip);
      const p = st.inserts[c.index];
      if (!p) throw new BriefChangeError(`${c.strip.id} has no insert ${c.index}`);
      p[c.param] = c.to;
      return;
    }
    case "set-volume": {
      stripOf(s, c.strip).volumeDb = c.toDb;
      return;
    }
    case "set-send": {
      const st = stripOf(s, c.strip);
      if (!st.sends) throw new BriefChangeError(`the master has no sends`);
      const send = st.sends.find((x) => x.bus === c.bus);
      if (send) send.levelDb = c.toDb;
      else st.sends.push({ bus: c.bus, levelDb: c.toDb, pre: false });
      return;
    }
  }
}

/**
 * Applies changes in order and returns a new, checked session (the input is not modified).
 * @throws SessionError when the result is not a valid session (e.g. a parameter out of range).
 */
export function applyChanges(session: Session, changes: readonly SessionChange[]): Session {
  const s = clone(session);
  for (const c of changes) applyOne(s, c);
  return parseSession(s, "proposed session");
}

/** A deep copy of plain JSON data. */
function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Rounds a dB value to 0.1 dB (the precision moves are written with). */
export function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** One line describing a change, for the command line and the studio. */
export function describeChange(c: SessionChange): string {
  const at = (r: StripRef) => (r.kind === "master" ? "master" : `${r.kind} ${r.id}`);
  switch (c.op) {
    case "add-bus":
      return `add ${c.bus.kind} bus "${c.bus.id}"${c.bus.inserts.length ? ` with ${c.bus.inserts.map((p) => p.type).join(", ")}` : ""}`;
    case "set-output":
      return `route ${at(c.strip)} to ${c.to}${c.from !== c.to ? ` (was ${c.from})` : ""}`;
    case "add-insert":
      return `${at(c.strip)}: insert ${describeProcessor(c.processor)}`;
    case "set-param":
      return `${at(c.strip)}: insert ${c.index} ${c.param} ${String(c.from)} → ${String(c.to)}`;
    case "set-volume":
      return `${at(c.strip)}: fader ${fmtDb(c.fromDb)} → ${fmtDb(c.toDb)}`;
    case "set-send":
      return `${at(c.strip)}: send to ${c.bus} ${c.fromDb === null ? "(new)" : fmtDb(c.fromDb)} → ${fmtDb(c.toDb)}`;
  }
}

function fmtDb(v: number): string {
  return `${v > 0 ? "+" : ""}${v.toFixed(1)} dB`;
}

/** "eq (lowshelf 220 Hz +2.0 dB, peak 4500 Hz −1.0 dB)", "compressor (thresholdDb −24, ratio 2, …)". */
export function describeProcessor(p: ProcessorJSON): string {
  if (p.type === "eq" && Array.isArray(p.bands)) {
    const bands = (p.bands as { kind: string; freq: number; gainDb?: number; q?: number }[]).map(
      (b) => `${b.kind} ${Math.round(b.freq)} Hz${b.gainDb !== undefined ? ` ${fmtDb(b.gainDb)}` : ""}`,
    );
    return `eq (${bands.join(", ")})`;
  }
  const params = Object.entries(p)
    .filter(([k]) => k !== "type")
    .map(([k, v]) => `${k} ${typeof v === "number" ? Math.round(v * 100) / 100 : String(v)}`);
  return `${p.type} (${params.join(", ")})`;
}
