/**
 * A song's arrangement: its sections in order (intro, verse, chorus, …) with their length in bars and what
 * comes in where. When the song is linked to a session, each section's start becomes a session marker.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorizeSong } from "../team/access.ts";

export const SECTION_KINDS = [
  "intro",
  "verse",
  "pre_chorus",
  "chorus",
  "post_chorus",
  "bridge",
  "breakdown",
  "solo",
  "interlude",
  "outro",
  "other",
] as const;

export const SetArrangementInput = z.object({
  /** The song's version the edit is based on (the arrangement is part of the song). */
  version: z.number().int().positive(),
  /** Beats per bar, for marker times (default 4). */
  beatsPerBar: z.number().int().min(1).max(32).default(4),
  sections: z
    .array(
      z.object({
        kind: z.enum(SECTION_KINDS),
        label: z.string().trim().min(1).max(100).optional(),
        bars: z.number().int().min(1).max(1000),
        enters: z.string().max(2000).default(""),
      }),
    )
    .max(200),
});

/** A section with where it starts. */
export interface Section {
  id: string;
  position: number;
  kind: string;
  label: string;
  bars: number;
  /** First bar of the section, counting from 1. */
  startBar: number;
  /** What comes in here (instruments, parts). */
  enters: string;
  /** Start time in seconds at the song's tempo (null without a tempo); the session marker position. */
  markerSeconds: number | null;
}

/** The sections of a song in order. */
export async function getArrangement(s: Studio, actor: Actor, songId: string): Promise<Section[]> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const rows = await s.db
    .selectFrom("sections")
    .selectAll()
    .where("song_id", "=", songId)
    .orderBy("position")
    .execute();
  let bar = 1;
  return rows.map((r) => {
    const sec = {
      id: r.id,
      position: r.position,
      kind: r.kind,
      label: r.label,
      bars: r.bars,
      startBar: bar,
      enters: r.enters,
      markerSeconds: r.marker_seconds,
    };
    bar += r.bars;
    return sec;
  });
}

/**
 * Replaces the arrangement (producer, artist) in one transaction, bumping the song's version so two
 * people rearranging at once do not overwrite each other. Marker times follow from tempo and bars.
 */
export async function setArrangement(
  s: Studio,
  actor: Actor,
  songId: string,
  input: unknown,
): Promise<Section[]> {
  const v = parseInput(SetArrangementInput, input);
  await authorizeSong(s.db, actor, songId, "song.edit");
  await s.db.transaction().execute(async (trx) => {
    const song = await trx
      .selectFrom("songs")
      .select(["tempo_bpm"])
      .where("id", "=", songId)
      .executeTakeFirstOrThrow();
    await updateVersioned(trx, "songs", songId, v.version, { updated_at: new Date() }, `song ${songId}`, () =>
      trx.selectFrom("songs").selectAll().where("id", "=", songId).executeTakeFirst(),
    );
    // Sections that stay keep their ids (takes and tasks point at them): match by position.
    const old = await trx
      .selectFrom("sections")
      .select(["id", "position"])
      .where("song_id", "=", songId)
      .execute();
    const byPos = new Map(old.map((o) => [o.position, o.id]));
    const counts = new Map<string, number>();
    let startBeats = 0;
    const rows = v.sections.map((sec, i) => {
      const n = (counts.get(sec.kind) ?? 0) + 1;
      counts.set(sec.kind, n);
      const seconds = song.tempo_bpm ? (startBeats * 60) / song.tempo_bpm : null;
      startBeats += sec.bars * v.beatsPerBar;
      return {
        id: byPos.get(i + 1) ?? randomUUID(),
        song_id: songId,
        position: i + 1,
        kind: sec.kind,
        label: sec.label ?? `${sec.kind.replace("_", "-")} ${n}`,
        bars: sec.bars,
        enters: sec.enters,
        marker_seconds: seconds,
      };
    });
    const keep = new Set(rows.map((r) => r.id));
    const gone = old.filter((o) => !keep.has(o.id)).map((o) => o.id);
    if (gone.length) await trx.deleteFrom("sections").where("id", "in", gone).execute();
    for (const r of rows) {
      await trx
        .insertInto("sections")
        .values(r)
        .onConflict((oc) =>
          oc.column("id").doUpdateSet({
            kind: r.kind,
            label: r.label,
            bars: r.bars,
            enters: r.enters,
            marker_seconds: r.marker_seconds,
            position: r.position,
          }),
        )
        .execute();
    }
  });
  return getArrangement(s, actor, songId);
}
