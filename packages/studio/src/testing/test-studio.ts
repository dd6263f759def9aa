/**
 * Test support: opens a fresh studio on PGlite (in memory) or on the PostgreSQL test server in a schema of
 * its own, so test files never collide and leave nothing behind.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { register } from "../accounts/accounts.ts";
import type { Actor, Studio } from "../context.ts";
import { createProject, setMemberRoles } from "../projects/projects.ts";
import { createWorkspace } from "../projects/workspaces.ts";
import { openStore } from "../store/store.ts";
import type { Role } from "../team/roles.ts";

/** The PostgreSQL server the tests use (trust auth, database `test`). */
export const TEST_DATABASE_URL =
  process.env.CONTROLROOM_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Both databases every store test runs on. */
export const DATABASES = ["pglite", "postgres"] as const;
export type DatabaseKind = (typeof DATABASES)[number];

/** A studio for one test file, plus how to throw it away. */
export interface TestStudio {
  studio: Studio;
  /** PostgreSQL schema name (postgres only). */
  schema?: string;
  cleanup(): Promise<void>;
}

/** Opens an empty, migrated studio on `kind`. */
export async function openTestStudio(kind: DatabaseKind): Promise<TestStudio> {
  if (kind === "pglite") {
    const store = await openStore({});
    return { studio: { store, db: store.db }, cleanup: () => store.close() };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 4 });
  return {
    studio: { store, db: store.db },
    schema,
    cleanup: async () => {
      await sql.raw(`drop schema ${schema} cascade`).execute(store.db);
      await store.close();
    },
  };
}

/** A project with one person per role (plus a producer-engineer) and an outsider. */
export interface TeamFixture {
  projectId: string;
  workspaceId: string;
  actors: Record<Role | "producerEngineer" | "outsider", Actor>;
}

let counter = 0;

/** Creates the team fixture; passwords are all "correct horse battery". */
export async function seedTeam(s: Studio): Promise<TeamFixture> {
  const tag = `${Date.now().toString(36)}${counter++}`;
  const mk = async (who: string) => ({
    userId: (
      await register(s, { email: `${who}.${tag}@example.com`, name: who, password: "correct horse battery" })
    ).id,
  });
  const producer = await mk("producer");
  const ws = await createWorkspace(s, producer, { name: "Studio" });
  const project = await createProject(s, producer, {
    workspaceId: ws.id,
    title: "Record",
    kind: "album",
    currency: "EUR",
  });
  const names = [
    "engineer",
    "mixing_engineer",
    "mastering_engineer",
    "artist",
    "session_musician",
    "label",
    "viewer",
  ] as const;
  const actors = { producer } as TeamFixture["actors"];
  await Promise.all(
    [...names, "producerEngineer", "outsider"].map(async (n) => {
      actors[n as keyof TeamFixture["actors"]] = await mk(n);
    }),
  );
  for (const n of names)
    await setMemberRoles(s, producer, project.id, { userId: actors[n].userId, roles: [n] });
  await setMemberRoles(s, producer, project.id, {
    userId: actors.producerEngineer.userId,
    roles: ["producer", "engineer"],
  });
  return { projectId: project.id, workspaceId: ws.id, actors };
}
