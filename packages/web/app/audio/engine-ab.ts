/**
 * A/B of a mix session as it is against a proposal, rendered in the browser with the engine (the renderer the
 * server runs, so what is heard is what accepting renders): the same span of both sessions, each measured
 * (integrated loudness, BS.1770) and given the gain that levels it with the quieter one, so the proposal does
 * not win by being louder. Pure engine code over audio already decoded at the session's rate.
 */
import { loudness } from "@controlroom/engine/brief/features.ts";
import { SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import { MemoryProvider } from "@controlroom/engine/render/source.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";

/** A span of the timeline, seconds. */
export interface Span {
  start: number;
  end: number;
}

/** Seconds rendered before the span so compressors and reverbs are in their running state. */
const PRE_ROLL_SECONDS = 1;

/**
 * Renders the span of a session's mix into memory (planar stereo at the session's rate).
 * @param audio the session's audio by id, decoded at the session's sample rate.
 * @param cancelled polled between blocks; the render stops (with an error) when it says so.
 */
export async function renderMixSpan(
  session: Session,
  audio: Record<string, readonly Float32Array[]>,
  span: Span,
  cancelled: () => boolean = () => false,
): Promise<Float32Array[]> {
  if (!(span.end > span.start) || span.start < 0)
    throw new Error(`span ${span.start}–${span.end} s is empty`);
  const r = await SessionRenderer.create(session, new MemoryProvider(audio), {
    start: span.start,
    end: span.end,
    preRollSeconds: Math.min(PRE_ROLL_SECONDS, span.start),
    stems: false,
  });
  try {
    const out = [new Float32Array(r.frames), new Float32Array(r.frames)];
    let pos = 0;
    for (let b = await r.next(); b; b = await r.next()) {
      if (cancelled()) throw new Error("the A/B render was stopped");
      for (let c = 0; c < 2; c++) out[c].set(b.mix[c].subarray(0, b.frames), pos);
      pos += b.frames;
    }
    return out;
  } finally {
    await r.close();
  }
}

/** Both sides of the A/B with their loudness and the gains that level them. */
export interface ProposalAB {
  sampleRate: number;
  span: Span;
  /** The session as it is. */
  current: Float32Array[];
  /** The session with the proposal applied. */
  proposed: Float32Array[];
  /** Integrated loudness of each side over the span, LUFS (−70 for silence). */
  currentLufs: number;
  proposedLufs: number;
  /** Gain for each side, dB (≤ 0): both play at the quieter side's loudness. */
  currentGainDb: number;
  proposedGainDb: number;
}

/** Renders the span of both sessions and levels them. */
export async function renderProposalAB(
  current: Session,
  proposed: Session,
  audio: Record<string, readonly Float32Array[]>,
  span: Span,
  cancelled?: () => boolean,
): Promise<ProposalAB> {
  const a = await renderMixSpan(current, audio, span, cancelled);
  const b = await renderMixSpan(proposed, audio, span, cancelled);
  const la = loudness(a, current.sampleRate);
  const lb = loudness(b, current.sampleRate);
  const quiet = Math.min(la, lb);
  return {
    sampleRate: current.sampleRate,
    span,
    current: a,
    proposed: b,
    currentLufs: la,
    proposedLufs: lb,
    currentGainDb: quiet - la,
    proposedGainDb: quiet - lb,
  };
}
