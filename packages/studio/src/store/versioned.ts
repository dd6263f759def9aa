/**
 * Optimistic concurrency: an edit names the version it was based on; the update only applies when that is
 * still the row's version, and bumps it. The loser of a race gets a 409 carrying the current state.
 */
import { type Kysely, sql } from "kysely";
import { conflict, notFound } from "../errors.ts";
import type { Database } from "./schema.ts";

type VersionedTable = {
  [K in keyof Database]: Database[K] extends { version: unknown; id: string } ? K : never;
}[keyof Database];

/**
 * Applies `patch` to row `id` of `table` if its version is still `expected`.
 * @param current reads the row's current public form for the 409 (and the 404 check).
 * @returns the new version number.
 */
export async function updateVersioned<T extends VersionedTable>(
  db: Kysely<Database>,
  table: T,
  id: string,
  expected: number,
  patch: Record<string, unknown>,
  what: string,
  current: () => Promise<unknown>,
): Promise<number> {
  // biome-ignore lint/suspicious/noExplicitAny: the table is generic; columns were validated by the caller.
  const q = (db as Kysely<any>)
    .updateTable(table as string)
    .set({ ...patch, version: sql`version + 1` })
    .where("id", "=", id)
    .where("version", "=", expected)
    .returning("version");
  const row = (await q.executeTakeFirst()) as { version: number } | undefined;
  if (row) return row.version;
  const now = await current();
  if (!now) throw notFound(what);
  throw conflict(`${what} was changed by someone else (you edited version ${expected})`, { current: now });
}
