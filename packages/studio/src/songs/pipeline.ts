/** The production pipeline a song or recording moves through, and the history of who moved it when. */
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

/** Pipeline stages in order. A move may go back (a mix sent back to overdubs) — history keeps every step. */
export const STAGES = [
  "idea",
  "pre_production",
  "tracking",
  "overdubs",
  "editing",
  "mixing",
  "mastering",
  "delivered",
] as const;
export type Stage = (typeof STAGES)[number];

/** One step of the history. */
export interface StatusChange {
  from: string | null;
  to: string;
  by: string;
  byName: string;
  at: Date;
}

/** History of a song or recording, oldest first. */
export async function statusHistory(db: Kysely<Database>, subjectId: string): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom("status_changes")
    .innerJoin("users", "users.id", "status_changes.changed_by")
    .select(["from_status", "to_status", "changed_by", "users.name", "changed_at"])
    .where("subject_id", "=", subjectId)
    .orderBy("status_changes.id")
    .execute();
  return rows.map((r) => ({
    from: r.from_status,
    to: r.to_status,
    by: r.changed_by,
    byName: r.name,
    at: r.changed_at,
  }));
}
