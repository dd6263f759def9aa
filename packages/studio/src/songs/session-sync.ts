/**
 * Keeps a song's arrangement and a linked session (the engine's session document) in step: the session's
 * sections are {name, startBar, endBar} (bars inclusive) with a marker at each section start; the studio's
 * are ordered sections with a length in bars.
 */
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { invalid, parseInput } from "../errors.ts";
import { SECTION_KINDS, type Section, setArrangement } from "./arrangement.ts";

/** A section as the session document stores it. */
export interface SessionSection {
  name: string;
  startBar: number;
  endBar: number;
}
/** A session marker. */
export interface SessionMarker {
  name: string;
  bar: number;
  beat: number;
}

/** The arrangement as session sections and one marker per section start. */
export function arrangementToSession(sections: Pick<Section, "label" | "startBar" | "bars">[]): {
  sections: SessionSection[];
  markers: SessionMarker[];
} {
  return {
    sections: sections.map((s) => ({ name: s.label, startBar: s.startBar, endBar: s.startBar + s.bars - 1 })),
    markers: sections.map((s) => ({ name: s.label, bar: s.startBar, beat: 1 })),
  };
}

/** The section kind a session section's name suggests ("Chorus 2" → chorus, "Pre-Chorus" → pre_chorus). */
export function kindFromName(name: string): (typeof SECTION_KINDS)[number] {
  const n = name
    .toLowerCase()
    .replace(/[\s-]+/g, "_")
    .replace(/_?\d+$/, "");
  return (SECTION_KINDS as readonly string[]).includes(n) ? (n as (typeof SECTION_KINDS)[number]) : "other";
}

export const SyncFromSessionInput = z.object({
  version: z.number().int().positive(),
  sections: z
    .array(
      z.object({
        name: z.string().min(1),
        startBar: z.number().int().min(1),
        endBar: z.number().int().min(1),
      }),
    )
    .max(200),
});

/**
 * Replaces a song's arrangement with a session's sections (they must be in order, without gaps or
 * overlaps, starting at bar 1).
 */
export async function syncArrangementFromSession(
  s: Studio,
  actor: Actor,
  songId: string,
  input: unknown,
): Promise<Section[]> {
  const v = parseInput(SyncFromSessionInput, input);
  let next = 1;
  for (const [i, sec] of v.sections.entries()) {
    if (sec.startBar !== next)
      throw invalid(
        `sections.${i}.startBar`,
        `expected bar ${next} (sections must follow each other without gaps)`,
      );
    if (sec.endBar < sec.startBar) throw invalid(`sections.${i}.endBar`, "must not be before startBar");
    next = sec.endBar + 1;
  }
  return setArrangement(s, actor, songId, {
    version: v.version,
    sections: v.sections.map((sec) => ({
      kind: kindFromName(sec.name),
      label: sec.name,
      bars: sec.endBar - sec.startBar + 1,
    })),
  });
}
