/**
 * Opens the studio database: embedded PGlite in a data folder by default (or in memory), or a
 * PostgreSQL server given by a connection URL; both are migrated to the newest schema on open.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrate.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import type { Database } from "./schema.ts";

/** Where the studio keeps its data. */
export interface StoreOptions {
  /** PostgreSQL connection URL (`postgres://…`). When given, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data folder, created on first run. Omitted (and no URL): an in-memory database. */
  dataDir?: string;
  /** PostgreSQL only: schema to work in (created if missing); isolates tests and tenants. */
  schema?: string;
  /** PostgreSQL only: pool size (default 10). */
  poolSize?: number;
  /**
   * PGlite only: PostgreSQL's buffer cache, in MiB (default 16). It lives in PGlite's WebAssembly memory,
   * which never shrinks, so every MiB of it that fills stays resident; pages beyond it are still cached by
   * the operating system, which can give that memory back.
   */
  pgliteSharedBuffersMiB?: number;
}

/** PGlite's buffer cache by default, in MiB (PostgreSQL's own default, 128, costs ~60 MB resident at idle). */
export const PGLITE_SHARED_BUFFERS_MIB = 16;

/** An open, migrated studio database. */
export interface Store {
  db: Kysely<Database>;
  /** "pglite" or "postgres". */
  kind: "pglite" | "postgres";
  /** Closes every connection. */
  close(): Promise<void>;
}

const INT8 = 20;

/** Opens and migrates a store. Throws one clear error when the database cannot be reached. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let kind: Store["kind"];
  if (opts.databaseUrl) {
    kind = "postgres";
    if (opts.schema && !/^[a-z_][a-z0-9_]*$/.test(opts.schema))
      throw new Error(`schema: invalid name "${opts.schema}"`);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
      // Money and counts are bigint in the schema but always within 2^53.
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") => {
          if (oid === INT8) return (v: string) => Number(v);
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    if (opts.schema) {
      const c = await pool.connect().catch((e: Error) => {
        throw new Error(`database-url: cannot connect (${e.message})`);
      });
      try {
        await c.query(`create schema if not exists ${opts.schema}`);
      } finally {
        c.release();
      }
    }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = "pglite";
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    const lite = new PGlite(opts.dataDir, {
      parsers: { [INT8]: (v: string) => Number(v) },
      postgresqlconf: [`shared_buffers = ${opts.pgliteSharedBuffersMiB ?? PGLITE_SHARED_BUFFERS_MIB}MB`],
    });
    db = new Kysely<Database>({ dialect: new PGliteDialect(lite) });
  }
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw new Error(`database${kind === "postgres" ? "-url" : ""}: cannot connect (${(e as Error).message})`);
  }
  await migrateToLatest(db, kind === "postgres" ? opts.schema : undefined);
  return { db, kind, close: () => db.destroy() };
}
