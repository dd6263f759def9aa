import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { migrateToLatest } from "./migrate.ts";
import { openStore } from "./store.ts";

test("PGlite keeps its data folder across restarts; migrations are versioned and applied once", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cr-store-"));
  try {
    const a = await openStore({ dataDir: dir });
    const applied = await a.db
      .selectFrom("kysely_migration" as never)
      .select("name" as never)
      .execute();
    assert.deepEqual(
      applied.map((r) => (r as { name: string }).name),
      [
        "001-initial",
        "002-dashboard-indexes",
        "003-song-sessions",
        "004-take-analysis",
        "005-login-throttle",
        "006-invitations",
        "007-repair",
        "008-sound-notes",
      ],
    );
    await a.db
      .insertInto("users")
      .values({ id: "u1", email: "a@example.com", name: "A", password_hash: "x" })
      .execute();
    await a.close();
    const b = await openStore({ dataDir: dir });
    assert.deepEqual(await migrateToLatest(b.db), []);
    assert.equal(
      (await b.db.selectFrom("users").select("email").executeTakeFirstOrThrow()).email,
      "a@example.com",
    );
    // A failed transaction leaves nothing behind.
    await assert.rejects(
      b.db.transaction().execute(async (trx) => {
        await trx
          .insertInto("users")
          .values({ id: "u2", email: "b@example.com", name: "B", password_hash: "x" })
          .execute();
        await trx
          .insertInto("users")
          .values({ id: "u3", email: "a@example.com", name: "dup", password_hash: "x" })
          .execute();
      }),
      /users_email_key/,
    );
    assert.equal(
      Number((await sql<{ n: number }>`select count(*)::int as n from users`.execute(b.db)).rows[0].n),
      1,
    );
    await b.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an unreachable PostgreSQL server is one clear error naming the option", async () => {
  await assert.rejects(
    openStore({ databaseUrl: "postgres://nobody@127.0.0.1:1/none" }),
    /^Error: database-url: cannot connect/,
  );
});
