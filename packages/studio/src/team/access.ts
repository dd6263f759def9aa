/** Authorization checks against the database: membership, roles, and song visibility. */
import type { Kysely } from "kysely";
import type { Actor } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import type { Database } from "../store/schema.ts";
import { type Action, allows } from "./roles.ts";

/** The actor's roles on a project (empty when not a member). */
export async function rolesOn(db: Kysely<Database>, projectId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("project_roles")
    .select("role")
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.role);
}

/** Whether the roles see every song, or (session musicians only) just the ones they play on. */
export function seesAllSongs(roles: readonly string[]): boolean {
  return roles.some((r) => r !== "session_musician");
}

/**
 * Requires that the actor may take `action` on the project. 404 when the project does not exist,
 * 403 naming the action otherwise. @returns the actor's roles.
 */
export async function authorize(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  action: Action,
): Promise<string[]> {
  const roles = await rolesOn(db, projectId, actor.userId);
  if (roles.length === 0) {
    const p = await db.selectFrom("projects").select("id").where("id", "=", projectId).executeTakeFirst();
    if (!p) throw notFound(`project ${projectId}`);
    throw forbidden(`not a member of project ${projectId}`);
  }
  if (!allows(roles, action)) throw forbidden(`your roles (${roles.join(", ")}) do not allow ${action}`);
  return roles;
}

/**
 * Requires that the actor may take `action` on a song: the project check, plus, for someone who is only a
 * session musician, that they play on this song. @returns the song's project id.
 */
export async function authorizeSong(
  db: Kysely<Database>,
  actor: Actor,
  songId: string,
  action: Action,
): Promise<{ projectId: string; roles: string[] }> {
  const song = await db.selectFrom("songs").select("project_id").where("id", "=", songId).executeTakeFirst();
  if (!song) throw notFound(`song ${songId}`);
  const roles = await authorize(db, actor, song.project_id, action);
  if (!seesAllSongs(roles)) {
    const plays = await db
      .selectFrom("song_performers")
      .select("user_id")
      .where("song_id", "=", songId)
      .where("user_id", "=", actor.userId)
      .executeTakeFirst();
    if (!plays) throw forbidden(`session musicians see only the songs they play on (song ${songId})`);
  }
  return { projectId: song.project_id, roles };
}
