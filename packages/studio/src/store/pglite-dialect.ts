/**
 * A small Kysely dialect over PGlite (PostgreSQL compiled to WebAssembly, in-process).
 * PGlite is a single connection, so connections are handed out one at a time: a transaction owns
 * the connection until it commits or rolls back, and other queries wait their turn.
 */
import type { PGlite } from "@electric-sql/pglite";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const r = await this.pg.query<R>(q.sql, q.parameters as unknown[]);
    const isWrite = /^\s*(insert|update|delete|merge)/i.test(q.sql);
    return {
      rows: r.rows,
      ...(isWrite && r.affectedRows !== undefined ? { numAffectedRows: BigInt(r.affectedRows) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported; fail clearly if someone asks.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streamQuery is not supported on PGlite");
  }
}

class PGliteDriver implements Driver {
  private readonly conn: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly pg: PGlite) {
    this.conn = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A FIFO lock: each acquirer waits for the previous holder's release.
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const prev = this.queue;
    this.queue = prev.then(() => next);
    await prev;
    (this.conn as unknown as { release: () => void }).release = release;
    return this.conn;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "begin", parameters: [] } as unknown as CompiledQuery);
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "commit", parameters: [] } as unknown as CompiledQuery);
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery({ sql: "rollback", parameters: [] } as unknown as CompiledQuery);
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    (c as unknown as { release: () => void }).release();
  }

  async destroy(): Promise<void> {
    await this.pg.close();
  }
}

/** Kysely dialect for an open PGlite instance. */
export class PGliteDialect implements Dialect {
  /** @param pg an open PGlite instance (in memory or on a data folder). */
  constructor(private readonly pg: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new PGliteDriver(this.pg);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes any database shape.
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
