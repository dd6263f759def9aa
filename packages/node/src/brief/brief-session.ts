/**
 * The brief on files: measure a session's targets by rendering a span of it, propose the moves for a note,
 * and (after the moves are applied) render again and measure what each move did against its prediction. Used by
 * `controlroom brief` and by the studio's sound-note job.
 */
import { isAbsolute, relative, resolve } from "node:path";
import {
  type FeatureChange,
  loudness,
  type Measurement,
  type Move,
  measureTarget,
  type Proposal,
  type ProposeOptions,
  proposeMoves,
  type ReferenceAudio,
  targetAudio,
} from "@controlroom/engine/brief/index.ts";
import { longTermSpectrum, spectralDistanceDb } from "@controlroom/engine/mastering/spectrum.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { readWholeFile } from "../files/open.ts";
import { renderSpan, type Span } from "./measure-session.ts";

/** Longest reference read, frames (20 minutes at 48 kHz). */
const MAX_REFERENCE_FRAMES = 48000 * 60 * 20;

/** A proposal and what it was measured on. */
export interface BriefResult {
  proposal: Proposal;
  /** The span measured (and rendered for checks), seconds. */
  span: Span;
  /** Milliseconds: rendering the span, and deciding the moves. */
  timings: { renderMs: number; proposeMs: number };
}

export interface BriefOptions extends Omit<ProposeOptions, "reference"> {
  /** A reference file (any supported format), or one already read. */
  reference?: string | ReferenceAudio;
  /** Measure this arrangement section (default: the one the note names, else the middle of the song). */
  section?: string;
  /** Or this span, seconds. */
  span?: Span;
}

/** Spans up to this long render on one thread: starting track workers costs more than they save. */
const ONE_THREAD_SECONDS = 30;

/** Threads for rendering a span (`renderSessionToFiles`'s `threads`): one for a short section, else the default. */
export function spanRenderThreads(span: Span): number | undefined {
  return span.end - span.start <= ONE_THREAD_SECONDS ? 1 : undefined;
}

/**
 * Reads a reference recording whole.
 * @throws AudioFileError naming the file when it cannot be read or is too long.
 */
export async function readReference(path: string): Promise<{ channels: Float32Array[]; sampleRate: number }> {
  const r = await readWholeFile(path, { maxFrames: MAX_REFERENCE_FRAMES });
  return { channels: r.channels, sampleRate: r.info.sampleRate };
}

/**
 * Proposes moves for a note on a session whose audio paths are relative to `baseDir`.
 * `opts.noteSection`: the section the note names (from parseNote), measured when `opts.section` is not given.
 */
export async function briefSession(
  session: Session,
  baseDir: string,
  note: string,
  opts: BriefOptions & { noteSection?: string } = {},
): Promise<BriefResult> {
  const reference = typeof opts.reference === "string" ? await readReference(opts.reference) : opts.reference;
  const t0 = performance.now();
  const section = opts.section ?? opts.noteSection;
  const rendered = await renderSpan(session, baseDir, opts.span ?? { section });
  const t1 = performance.now();
  const proposal = proposeMoves(session, note, rendered.audioOf, { share: opts.share, reference });
  const t2 = performance.now();
  return { proposal, span: rendered.span, timings: { renderMs: t1 - t0, proposeMs: t2 - t1 } };
}

/**
 * Whether a measured change agrees with the predicted one: same direction, and within half the predicted
 * change (at least 0.5 units) of it. A move predicted to change nothing agrees when nothing moved by 0.5.
 */
export function agrees(predicted: FeatureChange, measuredAfter: number): boolean {
  const p = predicted.after - predicted.before;
  const m = measuredAfter - predicted.before;
  const tol = Math.max(0.5, Math.abs(p) / 2);
  if (Math.abs(p) < 0.05) return Math.abs(m) <= tol;
  return Math.sign(m) === Math.sign(p) && Math.abs(m - p) <= tol;
}

/**
 * Renders the changed session over the same span and adds `measured` to every move (in place).
 * @param changed the session with the moves applied (audio paths relative to `baseDir`).
 */
export async function measureMoves(
  changed: Session,
  baseDir: string,
  span: Span,
  moves: Move[],
  reference?: ReferenceAudio,
): Promise<void> {
  const r = await renderSpan(changed, baseDir, span);
  const refSpectrum = reference && longTermSpectrum(reference.channels, reference.sampleRate);
  const cache = new Map<string, Measurement>();
  const mixLufs = loudness(r.audioOf("master"), r.sampleRate);
  for (const m of moves) {
    const key = `${m.target.kind}:${m.target.id}`;
    let meas = cache.get(key);
    if (!meas) {
      meas = measureTarget(changed, r, m.target);
      cache.set(key, meas);
    }
    let after = meas.features[m.predicted.feature];
    if (m.predicted.feature === "referenceDistanceDb" && refSpectrum) {
      const audio = targetAudio(changed, r, m.target);
      after = Math.round(spectralDistanceDb(longTermSpectrum(audio, r.sampleRate), refSpectrum) * 100) / 100;
    }
    // Several moves on one target: the render shows all of them, so it is held against the prediction after
    // the last one (each move was predicted on the state the earlier ones leave).
    const last = [...moves]
      .reverse()
      .find((x) => x.target.kind === m.target.kind && x.target.id === m.target.id && x.predictedFeatures);
    let expected = last?.predictedFeatures?.[m.predicted.feature] ?? m.predicted.after;
    if (m.predicted.feature === "levelInMixDb" && last?.predictedFeatures) {
      // The rest of the mix may have moved after this target's last move: judge the target's own level.
      expected = Math.round((last.predictedFeatures.loudnessLufs - mixLufs) * 100) / 100;
    }
    const ok = agrees({ feature: m.predicted.feature, before: m.predicted.before, after: expected }, after);
    m.measured = { feature: m.predicted.feature, before: m.predicted.before, after, expected, ok };
  }
}

/**
 * The session's audio paths made relative to a new folder (the changed session may be written elsewhere).
 * Absolute paths stay absolute.
 */
export function rebaseAudioPaths(session: Session, fromDir: string, toDir: string): Session {
  const audio: Session["audio"] = {};
  for (const [id, a] of Object.entries(session.audio)) {
    const abs = isAbsolute(a.path) ? a.path : resolve(fromDir, a.path);
    audio[id] = { ...a, path: isAbsolute(a.path) ? a.path : relative(toDir, abs) || a.path };
  }
  return { ...session, audio };
}
