/**
 * Invitations to a project's team. Inviting someone who has an account gives them the roles at once;
 * inviting an e-mail with no account yet leaves a pending invitation and a link with a secret token (the
 * database keeps only its sha256). Whoever registers through that link, with that e-mail, joins the team
 * with the invited roles. Only those who manage the team (producers) invite, list and cancel; a link works
 * once, and not after it was cancelled or replaced by a newer invitation to the same e-mail.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { RegisterInput, type User } from "../accounts/accounts.ts";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { conflict, invalid, notFound, parseInput, StudioError } from "../errors.ts";
import { type Member, setMemberRoles } from "../projects/projects.ts";
import { authorize } from "./access.ts";
import { ROLES } from "./roles.ts";

export const InviteInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  roles: z.array(z.enum(ROLES)).min(1, "give at least one role").max(ROLES.length),
});

/** Sign-up through an invitation link: the account's fields and the link's token. */
export const RegisterWithInviteInput = RegisterInput.extend({
  invite: z.string().min(1).max(200).optional(),
});

/** A pending invitation as the team card shows it (never its token). */
export interface Invitation {
  id: string;
  projectId: string;
  email: string;
  roles: string[];
  invitedByName: string;
  createdAt: Date;
}

/** What inviting did: the person had an account and joined, or an invitation waits for them. */
export type InviteResult =
  | { status: "added"; team: Member[] }
  /** `token` goes into the link the producer sends (shown once). */
  | { status: "pending"; invitation: Invitation; token: string };

/** What the invitation link shows before signing up. */
export interface InvitationPreview {
  projectTitle: string;
  email: string;
  roles: string[];
  invitedByName: string;
}

const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");

/** Invites `email` to the project with `roles` (those who manage the team). */
export async function inviteToProject(
  s: Studio,
  actor: Actor,
  projectId: string,
  input: unknown,
): Promise<InviteResult> {
  const v = parseInput(InviteInput, input);
  await authorize(s.db, actor, projectId, "team.manage");
  const user = await s.db.selectFrom("users").select("id").where("email", "=", v.email).executeTakeFirst();
  if (user) {
    const had = await s.db
      .selectFrom("project_roles")
      .select("role")
      .where("project_id", "=", projectId)
      .where("user_id", "=", user.id)
      .execute();
    const roles = [...new Set([...had.map((r) => r.role), ...v.roles])];
    return { status: "added", team: await setMemberRoles(s, actor, projectId, { userId: user.id, roles }) };
  }
  const token = randomBytes(24).toString("base64url");
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    // A new invitation to the same e-mail replaces the pending one (its link stops working).
    await trx
      .updateTable("invitations")
      .set({ cancelled_at: new Date() })
      .where("project_id", "=", projectId)
      .where("email", "=", v.email)
      .where("accepted_at", "is", null)
      .where("cancelled_at", "is", null)
      .execute();
    await trx
      .insertInto("invitations")
      .values({
        id,
        project_id: projectId,
        email: v.email,
        roles: JSON.stringify(v.roles),
        token_hash: sha256(token),
        invited_by: actor.userId,
      })
      .execute();
    await audit(trx, actor, projectId, "invitation.create", id, { email: v.email, roles: v.roles });
  });
  const [invitation] = (await readPending(s, projectId)).filter((i) => i.id === id);
  return { status: "pending", invitation, token };
}

async function readPending(s: Studio, projectId: string): Promise<Invitation[]> {
  const rows = await s.db
    .selectFrom("invitations")
    .innerJoin("users", "users.id", "invitations.invited_by")
    .select([
      "invitations.id",
      "invitations.project_id",
      "invitations.email",
      "invitations.roles",
      "invitations.created_at",
      "users.name",
    ])
    .where("invitations.project_id", "=", projectId)
    .where("invitations.accepted_at", "is", null)
    .where("invitations.cancelled_at", "is", null)
    .orderBy("invitations.created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    email: r.email,
    roles: r.roles,
    invitedByName: r.name,
    createdAt: r.created_at,
  }));
}

/** The project's pending invitations (those who manage the team). */
export async function listInvitations(s: Studio, actor: Actor, projectId: string): Promise<Invitation[]> {
  await authorize(s.db, actor, projectId, "team.manage");
  return readPending(s, projectId);
}

/** Cancels a pending invitation: its link stops working (those who manage the team). */
export async function cancelInvitation(s: Studio, actor: Actor, invitationId: string): Promise<void> {
  const inv = await s.db
    .selectFrom("invitations")
    .select(["project_id", "accepted_at", "cancelled_at"])
    .where("id", "=", invitationId)
    .executeTakeFirst();
  if (!inv) throw notFound(`invitation ${invitationId}`);
  await authorize(s.db, actor, inv.project_id, "team.manage");
  if (inv.accepted_at) throw conflict("invitation: already accepted");
  if (inv.cancelled_at) return;
  await s.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("invitations")
      .set({ cancelled_at: new Date() })
      .where("id", "=", invitationId)
      .execute();
    await audit(trx, actor, inv.project_id, "invitation.cancel", invitationId, {});
  });
}

/** The pending invitation a link's token opens. 404 naming `invite` when unknown, used or cancelled. */
async function pendingByToken(s: Studio, token: string) {
  const row = await s.db
    .selectFrom("invitations")
    .innerJoin("projects", "projects.id", "invitations.project_id")
    .innerJoin("users", "users.id", "invitations.invited_by")
    .select([
      "invitations.id",
      "invitations.project_id",
      "invitations.email",
      "invitations.roles",
      "invitations.accepted_at",
      "invitations.cancelled_at",
      "projects.title",
      "users.name",
    ])
    .where("invitations.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.accepted_at || row.cancelled_at)
    throw new StudioError(404, "not_found", "invite: this invitation link is unknown, used or cancelled", {
      field: "invite",
    });
  return row;
}

/** What an invitation link offers (no sign-in: the token is the credential). */
export async function previewInvitation(s: Studio, token: string): Promise<InvitationPreview> {
  const r = await pendingByToken(s, token);
  return { projectTitle: r.title, email: r.email, roles: r.roles, invitedByName: r.name };
}

/** Checks, before an account is made, that `token` is a pending invitation for `email`. */
export async function checkInvitation(s: Studio, token: string, email: string): Promise<void> {
  const r = await pendingByToken(s, token);
  if (r.email !== email.toLowerCase())
    throw invalid("email", `the invitation is for ${r.email}; sign up with that address`);
}

/** Accepts the invitation `token` for the new account `user`: the invited roles on the project. */
export async function acceptInvitation(s: Studio, user: User, token: string): Promise<void> {
  const r = await pendingByToken(s, token);
  if (r.email !== user.email.toLowerCase())
    throw invalid("email", `the invitation is for ${r.email}; sign up with that address`);
  await s.db.transaction().execute(async (trx) => {
    // Only one acceptance wins, however many requests race.
    const taken = await trx
      .updateTable("invitations")
      .set({ accepted_at: new Date(), accepted_by: user.id })
      .where("id", "=", r.id)
      .where("accepted_at", "is", null)
      .where("cancelled_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!taken) throw conflict("invite: this invitation was just used or cancelled");
    await trx
      .insertInto("project_roles")
      .values(r.roles.map((role) => ({ project_id: r.project_id, user_id: user.id, role })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    const p = await trx
      .selectFrom("projects")
      .select("workspace_id")
      .where("id", "=", r.project_id)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("workspace_members")
      .values({ workspace_id: p.workspace_id, user_id: user.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await audit(trx, { userId: user.id }, r.project_id, "invitation.accept", r.id, { roles: r.roles });
  });
}
