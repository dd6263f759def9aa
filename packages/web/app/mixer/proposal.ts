/**
 * A sound note's proposal in the mixer: the session it would make (the engine's `applyChanges`, as accepting
 * does on the server), what it marks on each strip — inserts it adds, parameters it changes (with the insert
 * as it was, for the dashed EQ curve), the fader and the sends it moves — and edits of those marks written
 * back into the moves' changes, so "accept with edits" sends exactly what was heard.
 */
import { applyChanges, type SessionChange } from "@controlroom/engine/brief/changes.ts";
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import type { SoundNoteMove, Wire } from "../api.ts";
import type { InsertMark } from "./inserts/InsertEditor.tsx";

/** A move as the mixer edits it. */
export type ProposalMove = Wire<SoundNoteMove>;

/** Where a change sits: move index, change index. */
export interface ChangeRef {
  move: number;
  change: number;
}

/** What a proposal does to one strip, by the strip's final insert positions. */
export interface StripMarks {
  inserts: Map<number, InsertMark & { ref?: ChangeRef; paramRefs: Record<string, ChangeRef> }>;
  fader?: { fromDb: number; toDb: number; ref: ChangeRef };
  sends: Map<string, ChangeRef>;
  /** A bus the proposal adds. */
  added?: boolean;
}

/** "track:vocal", "bus:verb", "master:master". */
export const stripKey = (kind: string, id: string) => `${kind}:${id}`;

const changesOf = (moves: readonly ProposalMove[]) =>
  moves.flatMap((m) => m.changes as unknown as SessionChange[]);

/** The session with every move applied (throws the engine's error when a change no longer fits). */
export function proposedSession(doc: Session, moves: readonly ProposalMove[]): Session {
  return applyChanges(doc, changesOf(moves));
}

function insertsOf(doc: Session, kind: string, id: string): ProcessorJSON[] {
  if (kind === "master") return doc.master.inserts as ProcessorJSON[];
  const list = kind === "track" ? doc.tracks : doc.buses;
  return ((list as { id: string; inserts: unknown[] }[]).find((x) => x.id === id)?.inserts ??
    []) as ProcessorJSON[];
}

/** The marks of every strip a proposal touches. */
export function marksOf(doc: Session, moves: readonly ProposalMove[]): Map<string, StripMarks> {
  type Slot = { original?: ProcessorJSON; added?: ChangeRef; params: Record<string, ChangeRef> };
  const slots = new Map<string, Slot[]>();
  const out = new Map<string, StripMarks>();
  const marks = (key: string) => {
    let m = out.get(key);
    if (!m) {
      m = { inserts: new Map(), sends: new Map() };
      out.set(key, m);
    }
    return m;
  };
  const slotsOf = (kind: string, id: string) => {
    const key = stripKey(kind, id);
    let s = slots.get(key);
    if (!s) {
      s = insertsOf(doc, kind, id).map((p) => ({ original: p, params: {} }));
      slots.set(key, s);
    }
    return s;
  };
  for (const [mi, mv] of moves.entries())
    for (const [ci, c] of (mv.changes as unknown as SessionChange[]).entries()) {
      const ref = { move: mi, change: ci };
      switch (c.op) {
        case "add-bus": {
          marks(stripKey("bus", c.bus.id)).added = true;
          slots.set(
            stripKey("bus", c.bus.id),
            c.bus.inserts.map(() => ({ added: ref, params: {} })),
          );
          break;
        }
        case "add-insert": {
          const s = slotsOf(c.strip.kind, c.strip.id);
          s.splice(Math.min(c.index, s.length), 0, { added: ref, params: {} });
          break;
        }
        case "set-param": {
          const slot = slotsOf(c.strip.kind, c.strip.id)[c.index];
          if (slot) slot.params[c.param] = ref;
          break;
        }
        case "set-volume": {
          marks(stripKey(c.strip.kind, c.strip.id)).fader = { fromDb: c.fromDb, toDb: c.toDb, ref };
          break;
        }
        case "set-send": {
          marks(stripKey(c.strip.kind, c.strip.id)).sends.set(c.bus, ref);
          break;
        }
        case "set-output":
          break;
      }
    }
  for (const [key, s] of slots)
    for (const [i, slot] of s.entries()) {
      const params = Object.keys(slot.params);
      if (!slot.added && params.length === 0) continue;
      marks(key).inserts.set(i, {
        added: !!slot.added,
        params,
        before: slot.original,
        ref: slot.added,
        paramRefs: slot.params,
      });
    }
  return out;
}

/** The moves with one change replaced by `f` of it. */
export function editChange(
  moves: readonly ProposalMove[],
  ref: ChangeRef,
  f: (c: SessionChange) => SessionChange,
): ProposalMove[] {
  return moves.map((m, i) =>
    i !== ref.move
      ? m
      : {
          ...m,
          changes: m.changes.map((c, j) =>
            j === ref.change ? (f(c as unknown as SessionChange) as unknown as typeof c) : c,
          ),
        },
  );
}

/**
 * An edited insert written back: an added insert's processor replaced, a changed parameter's target value set.
 * @returns the moves (unchanged when the insert is not one the proposal touches).
 */
export function editInsert(
  moves: readonly ProposalMove[],
  mark: { ref?: ChangeRef; paramRefs: Record<string, ChangeRef> },
  edited: ProcessorJSON,
  addedIndex?: number,
): ProposalMove[] {
  if (mark.ref) {
    return editChange(moves, mark.ref, (c) => {
      if (c.op === "add-insert") return { ...c, processor: edited };
      if (c.op === "add-bus" && addedIndex !== undefined)
        return {
          ...c,
          bus: { ...c.bus, inserts: c.bus.inserts.map((p, i) => (i === addedIndex ? edited : p)) },
        };
      return c;
    });
  }
  let out = [...moves];
  for (const [param, ref] of Object.entries(mark.paramRefs))
    out = editChange(out, ref, (c) => (c.op === "set-param" ? { ...c, to: edited[param] } : c));
  return out;
}

/** The moves with a proposed fader set to `toDb`. */
export function editFader(moves: readonly ProposalMove[], ref: ChangeRef, toDb: number): ProposalMove[] {
  return editChange(moves, ref, (c) => (c.op === "set-volume" ? { ...c, toDb } : c));
}

/** The moves with a proposed send level set to `toDb`. */
export function editSend(moves: readonly ProposalMove[], ref: ChangeRef, toDb: number): ProposalMove[] {
  return editChange(moves, ref, (c) => (c.op === "set-send" ? { ...c, toDb } : c));
}
