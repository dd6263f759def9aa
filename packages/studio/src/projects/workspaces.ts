/** Workspaces: a producer's or a label's space holding projects and rooms. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { userByEmail } from "../accounts/accounts.ts";
import type { Actor, Studio } from "../context.ts";
import { forbidden, notFound, parseInput } from "../errors.ts";

export const CreateWorkspaceInput = z.object({ name: z.string().trim().min(1).max(200) });
export const AddWorkspaceMemberInput = z.object({ email: z.email() });

/** A workspace as the API shows it. */
export interface Workspace {
  id: string;
  name: string;
  isOwner: boolean;
}

/** Creates a workspace owned by the actor. */
export async function createWorkspace(s: Studio, actor: Actor, input: unknown): Promise<Workspace> {
  const { name } = parseInput(CreateWorkspaceInput, input);
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto("workspaces").values({ id, name }).execute();
    await trx
      .insertInto("workspace_members")
      .values({ workspace_id: id, user_id: actor.userId, is_owner: true })
      .execute();
  });
  return { id, name, isOwner: true };
}

/** Workspaces the actor belongs to. */
export async function listWorkspaces(s: Studio, actor: Actor): Promise<Workspace[]> {
  const rows = await s.db
    .selectFrom("workspaces")
    .innerJoin("workspace_members", "workspace_members.workspace_id", "workspaces.id")
    .select(["workspaces.id", "workspaces.name", "workspace_members.is_owner"])
    .where("workspace_members.user_id", "=", actor.userId)
    .orderBy("workspaces.created_at")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, isOwner: r.is_owner }));
}

/** Requires workspace membership (404 if missing, 403 if not a member). @returns whether the actor owns it. */
export async function requireWorkspaceMember(s: Studio, actor: Actor, workspaceId: string): Promise<boolean> {
  const m = await s.db
    .selectFrom("workspace_members")
    .select("is_owner")
    .where("workspace_id", "=", workspaceId)
    .where("user_id", "=", actor.userId)
    .executeTakeFirst();
  if (m) return m.is_owner;
  const w = await s.db.selectFrom("workspaces").select("id").where("id", "=", workspaceId).executeTakeFirst();
  if (!w) throw notFound(`workspace ${workspaceId}`);
  throw forbidden(`not a member of workspace ${workspaceId}`);
}

/** Adds an existing account to a workspace (owners only). */
export async function addWorkspaceMember(
  s: Studio,
  actor: Actor,
  workspaceId: string,
  input: unknown,
): Promise<void> {
  const { email } = parseInput(AddWorkspaceMemberInput, input);
  if (!(await requireWorkspaceMember(s, actor, workspaceId)))
    throw forbidden("only workspace owners add members");
  const u = await userByEmail(s, email);
  await s.db
    .insertInto("workspace_members")
    .values({ workspace_id: workspaceId, user_id: u.id })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
