/**
 * Measuring a target of a rendered session: a track or bus stem, the mix, or a group (its bus once a move made
 * one, else its tracks summed). Used to check moves after a render.
 */
import type { Session } from "../session/schema.ts";
import { type Measurement, measureFeatures } from "./features.ts";
import type { BriefTarget } from "./parse-note.ts";
import type { RenderedTargets } from "./render-span.ts";
import { directToReverbDb } from "./reverb-ratio.ts";
import { groupBusId } from "./simulate.ts";

/** The measured audio of a target in a rendered session (a group's new bus once the moves made one). */
export function targetAudio(
  session: Session,
  r: Pick<RenderedTargets, "audioOf" | "sampleRate">,
  t: BriefTarget,
): Float32Array[] {
  if (t.kind === "mix") return r.audioOf("master");
  if (t.kind !== "group") return r.audioOf(t.id);
  const bus = groupBusId(session, t);
  if (session.buses.some((b) => b.id === bus)) return r.audioOf(bus);
  const mix = r.audioOf("master");
  const sum = [new Float32Array(mix[0].length), new Float32Array(mix[0].length)];
  for (const id of t.trackIds) {
    const a = r.audioOf(id);
    for (let c = 0; c < 2; c++) for (let i = 0; i < sum[c].length; i++) sum[c][i] += a[c][i];
  }
  return sum;
}

/** Measures a target of a rendered session. */
export function measureTarget(
  session: Session,
  r: Pick<RenderedTargets, "audioOf" | "sampleRate">,
  t: BriefTarget,
): Measurement {
  const audio = targetAudio(session, r, t);
  const dr = directToReverbDb(session, t, r.audioOf);
  return measureFeatures(audio, r.sampleRate, r.audioOf("master"), dr);
}
