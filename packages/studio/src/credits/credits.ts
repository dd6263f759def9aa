/**
 * Credits and splits per song: writers and publishers with shares that must each sum to exactly 100 %
 * (kept as basis points, 1 % = 100), performer and production credits; and the delivery checklist.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { invalid, parseInput } from "../errors.ts";
import { authorizeSong } from "../team/access.ts";

export const CREDIT_KINDS = ["writer", "publisher", "performer", "production"] as const;

export const SetCreditsInput = z.object({
  credits: z
    .array(
      z.object({
        kind: z.enum(CREDIT_KINDS),
        name: z.string().trim().min(1).max(200),
        role: z.string().max(200).default(""),
        /** Share in percent with at most two decimals (writers and publishers only). */
        sharePercent: z
          .number()
          .min(0)
          .max(100)
          .refine((x) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6, "at most two decimals")
          .nullish(),
      }),
    )
    .max(200),
});

/** One credit. */
export interface Credit {
  kind: string;
  name: string;
  role: string;
  sharePercent: number | null;
}

/** Replaces a song's credits (producer, label). Writer and publisher shares must each sum to 100 %. */
export async function setCredits(s: Studio, actor: Actor, songId: string, input: unknown): Promise<Credit[]> {
  const v = parseInput(SetCreditsInput, input);
  const { projectId } = await authorizeSong(s.db, actor, songId, "credits.write");
  for (const kind of ["writer", "publisher"] as const) {
    const of = v.credits.map((c, i) => ({ c, i })).filter((x) => x.c.kind === kind);
    for (const { c, i } of of)
      if (c.sharePercent == null) throw invalid(`credits.${i}.sharePercent`, `a ${kind} needs a share`);
    const bp = of.reduce((a, x) => a + Math.round((x.c.sharePercent as number) * 100), 0);
    if (of.length && bp !== 10000)
      throw invalid("credits", `${kind} shares sum to ${bp / 100}%, they must sum to 100%`);
  }
  for (const [i, c] of v.credits.entries())
    if ((c.kind === "performer" || c.kind === "production") && c.sharePercent != null)
      throw invalid(`credits.${i}.sharePercent`, `${c.kind} credits carry no share`);
  await s.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("credits").where("song_id", "=", songId).execute();
    if (v.credits.length)
      await trx
        .insertInto("credits")
        .values(
          v.credits.map((c, i) => ({
            id: randomUUID(),
            song_id: songId,
            kind: c.kind,
            name: c.name,
            role: c.role,
            share_basis_points: c.sharePercent == null ? null : Math.round(c.sharePercent * 100),
            position: i,
          })),
        )
        .execute();
    await audit(trx, actor, projectId, "credits.set", songId, { count: v.credits.length });
  });
  return getCredits(s, actor, songId);
}

/** A song's credits in their order. */
export async function getCredits(s: Studio, actor: Actor, songId: string): Promise<Credit[]> {
  await authorizeSong(s.db, actor, songId, "credits.read");
  const rows = await s.db
    .selectFrom("credits")
    .selectAll()
    .where("song_id", "=", songId)
    .orderBy("position")
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    role: r.role,
    sharePercent: r.share_basis_points == null ? null : r.share_basis_points / 100,
  }));
}

/** What a song's delivery needs. */
export const DELIVERY_ITEMS = [
  "main",
  "instrumental",
  "a_cappella",
  "tv_mix",
  "clean",
  "stems",
  "lyrics",
  "artwork",
  "label_copy",
] as const;
export const SetDeliveryItemInput = z.object({ item: z.enum(DELIVERY_ITEMS), done: z.boolean() });

/** One checklist entry. */
export interface DeliveryItem {
  item: string;
  done: boolean;
  doneBy: string | null;
  doneAt: Date | null;
}

/** The song's delivery checklist, every item listed (not done until ticked). */
export async function getChecklist(
  s: Studio,
  actor: Actor,
  songId: string,
): Promise<{ items: DeliveryItem[]; complete: boolean }> {
  await authorizeSong(s.db, actor, songId, "project.read");
  const rows = await s.db.selectFrom("delivery_items").selectAll().where("song_id", "=", songId).execute();
  const items = DELIVERY_ITEMS.map((item) => {
    const r = rows.find((x) => x.item === item);
    return { item, done: r?.done ?? false, doneBy: r?.done_by ?? null, doneAt: r?.done_at ?? null };
  });
  return { items, complete: items.every((i) => i.done) };
}

/** Ticks a checklist item on or off. */
export async function setDeliveryItem(s: Studio, actor: Actor, songId: string, input: unknown) {
  const v = parseInput(SetDeliveryItemInput, input);
  await authorizeSong(s.db, actor, songId, "delivery.write");
  const row = { done: v.done, done_by: v.done ? actor.userId : null, done_at: v.done ? new Date() : null };
  await s.db
    .insertInto("delivery_items")
    .values({ song_id: songId, item: v.item, ...row })
    .onConflict((oc) => oc.columns(["song_id", "item"]).doUpdateSet(row))
    .execute();
  return getChecklist(s, actor, songId);
}
