/**
 * From a note to a proposal: parse the note, measure every target on its rendered audio, decide each move from
 * the measurement, and return the moves with their session changes, reasons and predictions. Applying a
 * proposal is pure: a new session.
 */
import type { Session } from "../session/schema.ts";
import { applyChanges } from "./changes.ts";
import { loudness, type Measurement, measureFeatures, round2 } from "./features.ts";
import { descriptorByName } from "./lexicon.ts";
import { decideMoveWithResult, featureFor, type Move, stripChanges } from "./moves.ts";
import {
  type BriefTarget,
  mixTarget,
  type NotUnderstood,
  parseNote,
  REFERENCE_DESCRIPTOR,
} from "./parse-note.ts";
import { DEFAULT_SHARE, matchReference, type ReferenceAudio } from "./reference-match.ts";
import { directToReverbDb } from "./reverb-ratio.ts";
import type { MoveContext } from "./simulate.ts";

/** A bad request: an empty note, a reference asked for but not given. One clear message. */
export class BriefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BriefError";
  }
}

/** What a note became: the moves, and the words that were not understood. */
export interface Proposal {
  moves: Move[];
  notUnderstood: NotUnderstood[];
  /** The arrangement section the note named, if any. */
  section?: string;
}

export interface ProposeOptions {
  /** A reference recording to match ("like that record"); without a mention in the note the mix is matched. */
  reference?: ReferenceAudio;
  /** Share of the difference to the reference to correct, 0 … 1 (default 0.8). */
  share?: number;
}

/** A target quieter than this over the measured span (LUFS) is treated as silent: no move is guessed. */
const SILENT_LUFS = -69;

/** Id `renderedAudio` is asked for the whole mix. */
export const MIX_ID = "master";

/**
 * Proposes moves for a note.
 * @param session the session as it is.
 * @param note the producer's words.
 * @param renderedAudio the measured output (planar stereo, session rate) of a track id, a bus id, or `master`
 *   for the mix, all over the same span. Called once per id at most.
 */
export function proposeMoves(
  session: Session,
  note: string,
  renderedAudio: (targetId: string) => Float32Array[],
  options: ProposeOptions = {},
): Proposal {
  if (!note.trim()) throw new BriefError('the note is empty: say what should change (e.g. "warmer drums")');
  const parsed = parseNote(note, session);
  const share = options.share ?? DEFAULT_SHARE;
  if (!(share >= 0 && share <= 1)) throw new BriefError(`share must be between 0 and 1, got ${share}`);
  const wantsReference = parsed.requests.some((r) => r.descriptor === REFERENCE_DESCRIPTOR);
  if (wantsReference && !options.reference) {
    throw new BriefError("the note asks to match a reference record: give one (--reference <file>)");
  }
  const requests = [...parsed.requests];
  if (options.reference && !wantsReference) {
    requests.push({
      target: mixTarget(session),
      descriptor: REFERENCE_DESCRIPTOR,
      direction: "more",
      amount: 1,
      text: "",
    });
  }
  const cache = new Map<string, Float32Array[]>();
  const audioOf = (id: string): Float32Array[] => {
    let a = cache.get(id);
    if (!a) {
      a = renderedAudio(id);
      cache.set(id, a);
    }
    return a;
  };
  const mix = audioOf(MIX_ID);
  const targetAudio = (t: BriefTarget): Float32Array[] => {
    if (t.kind === "mix") return mix;
    if (t.kind !== "group") return audioOf(t.id);
    const sum = [new Float32Array(mix[0].length), new Float32Array(mix[0].length)];
    for (const id of t.trackIds) {
      const a = audioOf(id);
      for (let c = 0; c < 2; c++) {
        const src = a[Math.min(c, a.length - 1)];
        const dst = sum[c];
        for (let i = 0; i < dst.length; i++) dst[i] += src[i];
      }
    }
    return sum;
  };
  // Each move is decided on the state the earlier ones are predicted to leave: a target's audio after its
  // earlier moves, and the mix after every earlier move (so "vocal more forward" after "punchier drums" is
  // measured against the louder drums).
  let currentMix = mix;
  let mixLufs = loudness(mix, session.sampleRate);
  const states = new Map<string, { audio: Float32Array[]; m: Measurement; session: Session }>();
  const fresh = new Map<string, { audio: Float32Array[]; m: Measurement }>();
  const stateOf = (t: BriefTarget) => {
    const key = `${t.kind}:${t.id}`;
    const st = states.get(key);
    if (st) {
      const features = {
        ...st.m.features,
        levelInMixDb: t.kind === "mix" ? 0 : round2(st.m.features.loudnessLufs - mixLufs),
      };
      return { audio: st.audio, m: { ...st.m, features }, session: st.session };
    }
    if (t.kind === "mix" && currentMix !== mix) {
      const dr = directToReverbDb(session, t, audioOf);
      return {
        audio: currentMix,
        m: measureFeatures(currentMix, session.sampleRate, currentMix, dr),
        session: working,
      };
    }
    let v = fresh.get(key);
    if (!v) {
      const audio = targetAudio(t);
      const dr = directToReverbDb(session, t, audioOf);
      v = { audio, m: measureFeatures(audio, session.sampleRate, mix, dr) };
      fresh.set(key, v);
    }
    const features = {
      ...v.m.features,
      levelInMixDb: t.kind === "mix" ? 0 : round2(v.m.features.loudnessLufs - mixLufs),
    };
    return { audio: v.audio, m: { ...v.m, features }, session };
  };
  let working = session;
  const moves: Move[] = [];
  for (const r of requests) {
    const { audio, m, session: measuredSession } = stateOf(r.target);
    const ctx: MoveContext = {
      session: working,
      measuredSession,
      sampleRate: session.sampleRate,
      target: r.target,
      audio,
      mix: currentMix,
      measurement: m,
      audioOf,
    };
    if (r.descriptor === REFERENCE_DESCRIPTOR) {
      const made = matchReference(ctx, options.reference!, share, (inserts, faderDb) =>
        stripChanges(ctx, inserts, faderDb),
      );
      for (const mv of made) {
        // Reference moves are decided on the same state: each is placed after the ones before it.
        mv.changes = rebase({ ...ctx, session: working }, mv);
        working = applyChanges(working, mv.changes);
        moves.push(mv);
      }
      continue;
    }
    if (m.features.loudnessLufs <= SILENT_LUFS && r.target.kind !== "mix") {
      // Nothing to measure: say so rather than guess.
      const d = descriptorByName(r.descriptor);
      const feature = featureFor(d, r.target);
      moves.push({
        target: r.target,
        descriptor: r.descriptor,
        direction: r.direction,
        amount: r.amount,
        changes: [],
        reason: `${r.target.name} is silent where it was measured: measure a section where it plays`,
        predicted: { feature, before: m.features[feature], after: m.features[feature] },
      });
      continue;
    }
    const { move, state } = decideMoveWithResult(ctx, r.descriptor, r.direction, r.amount);
    working = applyChanges(working, move.changes);
    moves.push(move);
    if (state) {
      states.set(`${r.target.kind}:${r.target.id}`, {
        audio: state.audio,
        m: state.measurement,
        session: working,
      });
      currentMix = state.mix;
      mixLufs = loudness(currentMix, session.sampleRate);
    }
  }
  const out: Proposal = { moves, notUnderstood: parsed.notUnderstood };
  if (parsed.section) out.section = parsed.section;
  return out;
}

/** Reference moves were all decided against the same session: re-place their inserts after earlier ones. */
function rebase(ctx: MoveContext, mv: Move): Move["changes"] {
  const inserts = mv.changes.flatMap((c) => (c.op === "add-insert" ? [c.processor] : []));
  const fader = mv.changes.find((c) => c.op === "set-volume");
  const faderDb = fader && fader.op === "set-volume" ? fader.toDb - fader.fromDb : 0;
  return stripChanges(ctx, inserts, faderDb);
}

/**
 * Applies every move of a proposal, in order, and returns the new session (checked; the input is unchanged).
 * @throws SessionError when an edited proposal no longer fits the session.
 */
export function applyProposal(session: Session, proposal: Pick<Proposal, "moves">): Session {
  return applyChanges(
    session,
    proposal.moves.flatMap((m) => m.changes),
  );
}
