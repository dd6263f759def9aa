/** Approvals of a mix or master: in review → needs changes / approved, who decided, when, on which version. */
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { parseInput } from "../errors.ts";
import { authorizeSong } from "../team/access.ts";
import { songOfVersion } from "./mix-versions.ts";

export const APPROVAL_STATES = ["in_review", "needs_changes", "approved"] as const;
export const DecideInput = z.object({
  state: z.enum(APPROVAL_STATES),
  note: z.string().max(10_000).default(""),
});

/** One decision. */
export interface Approval {
  versionId: string;
  state: string;
  decidedBy: string;
  decidedByName: string;
  note: string;
  decidedAt: Date;
}

/** Only producers approve, send back or put a version back in review. One transaction with the audit entry. */
export async function decideVersion(
  s: Studio,
  actor: Actor,
  versionId: string,
  input: unknown,
): Promise<Approval[]> {
  const v = parseInput(DecideInput, input);
  const songId = await songOfVersion(s, versionId);
  const { projectId } = await authorizeSong(s.db, actor, songId, "approval.decide");
  await s.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("mix_versions")
      .set({ approval_state: v.state })
      .where("id", "=", versionId)
      .execute();
    await trx
      .insertInto("approvals")
      .values({ mix_version_id: versionId, state: v.state, decided_by: actor.userId, note: v.note })
      .execute();
    await audit(trx, actor, projectId, "approval", versionId, { songId, state: v.state, note: v.note });
  });
  return listApprovals(s, actor, versionId);
}

/** The approval history of a version, oldest first. */
export async function listApprovals(s: Studio, actor: Actor, versionId: string): Promise<Approval[]> {
  await authorizeSong(s.db, actor, await songOfVersion(s, versionId), "project.read");
  const rows = await s.db
    .selectFrom("approvals")
    .innerJoin("users", "users.id", "approvals.decided_by")
    .select(["mix_version_id", "state", "decided_by", "users.name", "note", "decided_at"])
    .where("mix_version_id", "=", versionId)
    .orderBy("approvals.id")
    .execute();
  return rows.map((r) => ({
    versionId: r.mix_version_id,
    state: r.state,
    decidedBy: r.decided_by,
    decidedByName: r.name,
    note: r.note,
    decidedAt: r.decided_at,
  }));
}
