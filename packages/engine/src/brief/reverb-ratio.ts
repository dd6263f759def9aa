/**
 * Direct/reverb ratio of a target from the session's sends and the measured audio of its reverb (aux) buses:
 * each aux bus's output is shared among the strips sending to it in proportion to what they send (their
 * measured output energy times the send gain), and set against the target's own output.
 */
import type { Session } from "../session/schema.ts";
import { DRY_DB, energy } from "./features.ts";
import type { BriefTarget } from "./parse-note.ts";

/**
 * @param audioOf the measured output of a track or bus id.
 * @returns dB; `DRY_DB` when no reverb comes from the target.
 */
export function directToReverbDb(
  session: Session,
  target: BriefTarget,
  audioOf: (id: string) => Float32Array[],
): number {
  const aux = session.buses.filter((b) => b.kind === "aux");
  if (!aux.length) return DRY_DB;
  type Sender = { id: string; level: number; pre: boolean; volumeDb: number };
  const senders = (busId: string): Sender[] => [
    ...session.tracks.flatMap((t) =>
      t.sends
        .filter((s) => s.bus === busId)
        .map((s) => ({ id: t.id, level: s.levelDb, pre: s.pre, volumeDb: t.volumeDb })),
    ),
    ...session.buses.flatMap((b) =>
      b.sends
        .filter((s) => s.bus === busId)
        .map((s) => ({ id: b.id, level: s.levelDb, pre: s.pre, volumeDb: b.volumeDb })),
    ),
  ];
  const ours = new Set<string>(target.kind === "bus" ? [target.id, ...target.trackIds] : target.trackIds);
  const energyCache = new Map<string, number>();
  const e = (id: string) => {
    if (!energyCache.has(id)) energyCache.set(id, energy(audioOf(id)));
    return energyCache.get(id)!;
  };
  let reverb = 0;
  for (const b of aux) {
    const list = senders(b.id);
    if (!list.length) continue;
    const w = (s: Sender) => e(s.id) * 10 ** ((s.level - (s.pre ? s.volumeDb : 0)) / 10);
    const total = list.reduce((a, s) => a + w(s), 0);
    if (total <= 0) continue;
    const mine = list.filter((s) => ours.has(s.id)).reduce((a, s) => a + w(s), 0);
    reverb += e(b.id) * (mine / total);
  }
  const direct =
    target.kind === "mix"
      ? session.tracks.reduce((a, t) => a + e(t.id), 0)
      : target.kind === "group"
        ? target.trackIds.reduce((a, id) => a + e(id), 0)
        : e(target.id);
  if (reverb <= 0 || direct <= 0) return DRY_DB;
  return Math.max(-DRY_DB, Math.min(DRY_DB, 10 * Math.log10(direct / reverb)));
}
