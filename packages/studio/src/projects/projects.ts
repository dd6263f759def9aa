/** Projects (album, EP, single) with their release date, status and team. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { isValidUpc } from "../credits/codes.ts";
import { conflict, invalid, notFound, parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorize } from "../team/access.ts";
import { ROLES } from "../team/roles.ts";
import { requireWorkspaceMember } from "./workspaces.ts";

export const PROJECT_KINDS = ["album", "ep", "single"] as const;
export const PROJECT_STATUSES = [
  "planning",
  "in_production",
  "mixing",
  "mastering",
  "delivered",
  "released",
] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "is not a real calendar date",
  );
const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR");
const upc = z.string().refine(isValidUpc, "is not a valid UPC-A (12 digits with a correct check digit)");

export const CreateProjectInput = z.object({
  workspaceId: z.string().min(1),
  title: z.string().trim().min(1).max(300),
  kind: z.enum(PROJECT_KINDS),
  releaseDate: isoDate.nullish(),
  currency: currency.default("EUR"),
});
export const UpdateProjectInput = z.object({
  version: z.number().int().positive(),
  title: z.string().trim().min(1).max(300).optional(),
  kind: z.enum(PROJECT_KINDS).optional(),
  status: z.enum(PROJECT_STATUSES).optional(),
  releaseDate: isoDate.nullish(),
  upc: upc.nullish(),
});
export const SetRolesInput = z
  .object({
    userId: z.string().min(1).optional(),
    email: z.email().optional(),
    roles: z.array(z.enum(ROLES)).max(ROLES.length),
  })
  .refine((v) => v.userId || v.email, { message: "give userId or email", path: ["userId"] });

/** A project as the API shows it. */
export interface Project {
  id: string;
  workspaceId: string;
  title: string;
  kind: string;
  status: string;
  releaseDate: string | null;
  upc: string | null;
  currency: string;
  version: number;
  myRoles: string[];
}

/** A team member with all their roles. */
export interface Member {
  userId: string;
  name: string;
  email: string;
  roles: string[];
}

/** Reads a project as `userId` sees it, without an authorization check. */
export async function readProject(
  s: Studio,
  id: string,
  userId: string,
  knownRoles?: string[],
): Promise<Project | undefined> {
  const p = await s.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
  if (!p) return undefined;
  const roles = knownRoles
    ? knownRoles.map((role) => ({ role }))
    : await s.db
        .selectFrom("project_roles")
        .select("role")
        .where("project_id", "=", id)
        .where("user_id", "=", userId)
        .execute();
  return {
    id: p.id,
    workspaceId: p.workspace_id,
    title: p.title,
    kind: p.kind,
    status: p.status,
    releaseDate: p.release_date,
    upc: p.upc,
    currency: p.currency,
    version: p.version,
    myRoles: roles.map((r) => r.role),
  };
}

/** Creates a project in a workspace; its creator becomes its producer. */
export async function createProject(s: Studio, actor: Actor, input: unknown): Promise<Project> {
  const v = parseInput(CreateProjectInput, input);
  await requireWorkspaceMember(s, actor, v.workspaceId);
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("projects")
      .values({
        id,
        workspace_id: v.workspaceId,
        title: v.title,
        kind: v.kind,
        status: "planning",
        release_date: v.releaseDate ?? null,
        currency: v.currency,
      })
      .execute();
    await trx
      .insertInto("project_roles")
      .values({ project_id: id, user_id: actor.userId, role: "producer" })
      .execute();
    await audit(trx, actor, id, "project.create", id, { title: v.title, kind: v.kind });
  });
  return (await readProject(s, id, actor.userId)) as Project;
}

/** Reads a project the actor belongs to. */
export async function getProject(s: Studio, actor: Actor, id: string): Promise<Project> {
  await authorize(s.db, actor, id, "project.read");
  return (await readProject(s, id, actor.userId)) as Project;
}

/** Projects in a workspace that the actor is on. */
export async function listProjects(s: Studio, actor: Actor, workspaceId: string): Promise<Project[]> {
  await requireWorkspaceMember(s, actor, workspaceId);
  const ids = await s.db
    .selectFrom("projects")
    .innerJoin("project_roles", "project_roles.project_id", "projects.id")
    .select("projects.id")
    .distinct()
    .where("projects.workspace_id", "=", workspaceId)
    .where("project_roles.user_id", "=", actor.userId)
    .execute();
  const out = await Promise.all(ids.map((r) => readProject(s, r.id, actor.userId)));
  return (out.filter(Boolean) as Project[]).sort((a, b) => a.title.localeCompare(b.title));
}

/** Edits a project (producers). Needs the version the edit is based on; 409 with the current project if stale. */
export async function updateProject(s: Studio, actor: Actor, id: string, input: unknown): Promise<Project> {
  const v = parseInput(UpdateProjectInput, input);
  await authorize(s.db, actor, id, "project.edit");
  const patch: Record<string, unknown> = {};
  if (v.title !== undefined) patch.title = v.title;
  if (v.kind !== undefined) patch.kind = v.kind;
  if (v.status !== undefined) patch.status = v.status;
  if (v.releaseDate !== undefined) patch.release_date = v.releaseDate;
  if (v.upc !== undefined) patch.upc = v.upc;
  await s.db.transaction().execute(async (trx) => {
    await updateVersioned(trx, "projects", id, v.version, patch, `project ${id}`, () =>
      readProject({ ...s, db: trx }, id, actor.userId),
    );
    if (v.status !== undefined) await audit(trx, actor, id, "project.status", id, { status: v.status });
  });
  return (await readProject(s, id, actor.userId)) as Project;
}

/** The team with every member's roles. */
export async function listTeam(s: Studio, actor: Actor, projectId: string): Promise<Member[]> {
  await authorize(s.db, actor, projectId, "project.read");
  return readTeam(s, projectId);
}

/** The team without an authorization check. */
export async function readTeam(s: Studio, projectId: string): Promise<Member[]> {
  const rows = await s.db
    .selectFrom("project_roles")
    .innerJoin("users", "users.id", "project_roles.user_id")
    .select(["users.id", "users.name", "users.email", "project_roles.role"])
    .where("project_roles.project_id", "=", projectId)
    .orderBy("users.name")
    .execute();
  const byUser = new Map<string, Member>();
  for (const r of rows) {
    const m = byUser.get(r.id) ?? { userId: r.id, name: r.name, email: r.email, roles: [] };
    m.roles.push(r.role);
    byUser.set(r.id, m);
  }
  for (const m of byUser.values())
    m.roles.sort((a, b) => ROLES.indexOf(a as never) - ROLES.indexOf(b as never));
  return [...byUser.values()];
}

/**
 * Sets a person's roles on a project (producers only); an empty list removes them. The person joins the
 * workspace if needed. A project always keeps at least one producer.
 */
export async function setMemberRoles(
  s: Studio,
  actor: Actor,
  projectId: string,
  input: unknown,
): Promise<Member[]> {
  const v = parseInput(SetRolesInput, input);
  await authorize(s.db, actor, projectId, "team.manage");
  await s.db.transaction().execute(async (trx) => {
    let userId = v.userId;
    if (!userId) {
      const u = await trx
        .selectFrom("users")
        .select("id")
        .where("email", "=", (v.email as string).toLowerCase())
        .executeTakeFirst();
      if (!u) throw invalid("email", `no account for ${v.email}`);
      userId = u.id;
    } else {
      const u = await trx.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst();
      if (!u) throw invalid("userId", `no account ${userId}`);
    }
    const p = await trx
      .selectFrom("projects")
      .select("workspace_id")
      .where("id", "=", projectId)
      .executeTakeFirst();
    if (!p) throw notFound(`project ${projectId}`);
    const before = (
      await trx
        .selectFrom("project_roles")
        .select("role")
        .where("project_id", "=", projectId)
        .where("user_id", "=", userId)
        .execute()
    ).map((r) => r.role);
    await trx
      .deleteFrom("project_roles")
      .where("project_id", "=", projectId)
      .where("user_id", "=", userId)
      .execute();
    const roles = [...new Set(v.roles)];
    if (roles.length) {
      await trx
        .insertInto("project_roles")
        .values(roles.map((role) => ({ project_id: projectId, user_id: userId as string, role })))
        .execute();
      await trx
        .insertInto("workspace_members")
        .values({ workspace_id: p.workspace_id, user_id: userId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const producers = await trx
      .selectFrom("project_roles")
      .select("user_id")
      .where("project_id", "=", projectId)
      .where("role", "=", "producer")
      .execute();
    if (producers.length === 0) throw conflict("roles: a project must keep at least one producer");
    await audit(trx, actor, projectId, "team.roles", userId, { before, after: roles });
  });
  return listTeam(s, actor, projectId);
}
