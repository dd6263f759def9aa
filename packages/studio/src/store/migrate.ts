/** Versioned migrations, applied in order by Kysely's Migrator; the same set runs on PGlite and PostgreSQL. */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as m001 from "./migrations/001-initial.ts";
import * as m002 from "./migrations/002-dashboard-indexes.ts";
import * as m003 from "./migrations/003-song-sessions.ts";
import * as m004 from "./migrations/004-take-analysis.ts";
import * as m005 from "./migrations/005-login-throttle.ts";
import * as m006 from "./migrations/006-invitations.ts";
import * as m007 from "./migrations/007-repair.ts";
import * as m008 from "./migrations/008-sound-notes.ts";

const MIGRATIONS: Record<string, Migration> = {
  "001-initial": m001,
  "002-dashboard-indexes": m002,
  "003-song-sessions": m003,
  "004-take-analysis": m004,
  "005-login-throttle": m005,
  "006-invitations": m006,
  "007-repair": m007,
  "008-sound-notes": m008,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/**
 * Brings the database up to the newest migration. Throws one error naming the failed migration.
 * @param schema PostgreSQL schema the studio lives in (when not the default).
 * @returns names of the migrations applied by this call (empty when already current).
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any database shape.
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  // Name the schema: otherwise Kysely may find another schema's migration tables and skip creating ours.
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${why}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
