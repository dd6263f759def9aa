/** The audit log of decisions: status changes, approvals, budget changes, role changes. */
import type { Kysely } from "kysely";
import type { Actor, Studio } from "../context.ts";
import type { Database } from "../store/schema.ts";
import { authorize } from "../team/access.ts";

/** Records one decision; call inside the transaction that makes it, so both land or neither. */
export async function audit(
  db: Kysely<Database>,
  actor: Actor | null,
  projectId: string | null,
  action: string,
  subjectId: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      project_id: projectId,
      actor_id: actor?.userId ?? null,
      action,
      subject_id: subjectId,
      detail: JSON.stringify(detail),
    })
    .execute();
}

/** One audit entry as the API shows it. */
export interface AuditEntry {
  id: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  at: Date;
}

/** The newest entries of a project's log, newest first. @param limit 1…500 (default 100). */
export async function listAudit(
  s: Studio,
  actor: Actor,
  projectId: string,
  limit = 100,
): Promise<AuditEntry[]> {
  await authorize(s.db, actor, projectId, "audit.read");
  return readAudit(s, projectId, limit);
}

/** The newest audit entries without an authorization check (callers check "audit.read"). */
export async function readAudit(s: Studio, projectId: string, limit = 100): Promise<AuditEntry[]> {
  const rows = await s.db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select([
      "audit_log.id",
      "audit_log.actor_id",
      "users.name",
      "audit_log.action",
      "audit_log.subject_id",
      "audit_log.detail",
      "audit_log.at",
    ])
    .where("audit_log.project_id", "=", projectId)
    .orderBy("audit_log.id", "desc")
    .limit(Math.max(1, Math.min(500, limit)))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    actorId: r.actor_id,
    actorName: r.name,
    action: r.action,
    subjectId: r.subject_id,
    detail: r.detail,
    at: r.at,
  }));
}
