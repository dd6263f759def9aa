/**
 * Time-stamped comments on a version: at a moment or over a range (seconds from the start), threaded
 * replies, resolve and reopen.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorizeSong } from "../team/access.ts";
import { songOfVersion } from "./mix-versions.ts";

export const AddCommentInput = z
  .object({
    body: z.string().trim().min(1).max(10_000),
    /** Where the comment points, in seconds from the start of the version (≥ 0). */
    atSeconds: z.number().min(0).max(86400).nullish(),
    /** End of the range it covers, in seconds (> atSeconds). */
    endSeconds: z.number().min(0).max(86400).nullish(),
    parentId: z.string().min(1).nullish(),
  })
  .refine((v) => v.endSeconds == null || (v.atSeconds != null && v.endSeconds > v.atSeconds), {
    message: "must be after atSeconds (and atSeconds must be given)",
    path: ["endSeconds"],
  });
export const ResolveInput = z.object({ version: z.number().int().positive(), resolved: z.boolean() });

/** A comment with its replies. */
export interface Comment {
  id: string;
  versionId: string;
  parentId: string | null;
  authorId: string;
  authorName: string;
  body: string;
  atSeconds: number | null;
  endSeconds: number | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  version: number;
  createdAt: Date;
  /** Marked as a sound note: its proposal is at GET /api/comments/{commentId}/sound-note. */
  soundNote: boolean;
  replies: Comment[];
}

function commentQuery(s: Studio) {
  return s.db
    .selectFrom("comments")
    .innerJoin("users", "users.id", "comments.author_id")
    .select([
      "comments.id",
      "comments.mix_version_id",
      "comments.parent_id",
      "comments.author_id",
      "users.name",
      "comments.body",
      "comments.at_seconds",
      "comments.end_seconds",
      "comments.resolved_at",
      "comments.resolved_by",
      "comments.version",
      "comments.created_at",
      "comments.sound_note",
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof commentQuery>["executeTakeFirstOrThrow"]>>;
const toComment = (r: Row): Comment => ({
  id: r.id,
  versionId: r.mix_version_id,
  parentId: r.parent_id,
  authorId: r.author_id,
  authorName: r.name,
  body: r.body,
  atSeconds: r.at_seconds,
  endSeconds: r.end_seconds,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  version: r.version,
  createdAt: r.created_at,
  soundNote: r.sound_note,
  replies: [],
});

/** Comments on a version (everyone but viewers). A reply must be to a comment on the same version. */
export async function addComment(
  s: Studio,
  actor: Actor,
  versionId: string,
  input: unknown,
): Promise<Comment> {
  const v = parseInput(AddCommentInput, input);
  await authorizeSong(s.db, actor, await songOfVersion(s, versionId), "comment.write");
  if (v.parentId) {
    const p = await s.db
      .selectFrom("comments")
      .select("mix_version_id")
      .where("id", "=", v.parentId)
      .executeTakeFirst();
    if (!p || p.mix_version_id !== versionId)
      throw invalid("parentId", `no comment ${v.parentId} on this version`);
  }
  const id = randomUUID();
  await s.db
    .insertInto("comments")
    .values({
      id,
      mix_version_id: versionId,
      parent_id: v.parentId ?? null,
      author_id: actor.userId,
      body: v.body,
      at_seconds: v.atSeconds ?? null,
      end_seconds: v.endSeconds ?? null,
    })
    .execute();
  return toComment(await commentQuery(s).where("comments.id", "=", id).executeTakeFirstOrThrow());
}

/** The comment threads of a version, in time order (untimed comments last), replies nested. */
export async function listComments(s: Studio, actor: Actor, versionId: string): Promise<Comment[]> {
  await authorizeSong(s.db, actor, await songOfVersion(s, versionId), "project.read");
  const rows = await commentQuery(s)
    .where("comments.mix_version_id", "=", versionId)
    .orderBy("comments.created_at")
    .execute();
  const all = rows.map(toComment);
  const byId = new Map(all.map((c) => [c.id, c]));
  const roots: Comment[] = [];
  for (const c of all) {
    const p = c.parentId ? byId.get(c.parentId) : undefined;
    if (p) p.replies.push(c);
    else roots.push(c);
  }
  return roots.sort(
    (a, b) => (a.atSeconds ?? Number.POSITIVE_INFINITY) - (b.atSeconds ?? Number.POSITIVE_INFINITY),
  );
}

/** Resolves or reopens a comment (anyone who may comment). 409 with the current comment when stale. */
export async function resolveComment(
  s: Studio,
  actor: Actor,
  commentId: string,
  input: unknown,
): Promise<Comment> {
  const v = parseInput(ResolveInput, input);
  const c = await s.db
    .selectFrom("comments")
    .select("mix_version_id")
    .where("id", "=", commentId)
    .executeTakeFirst();
  if (!c) throw notFound(`comment ${commentId}`);
  await authorizeSong(s.db, actor, await songOfVersion(s, c.mix_version_id), "comment.write");
  const read = async () => {
    const r = await commentQuery(s).where("comments.id", "=", commentId).executeTakeFirst();
    return r && toComment(r);
  };
  await updateVersioned(
    s.db,
    "comments",
    commentId,
    v.version,
    v.resolved
      ? { resolved_at: new Date(), resolved_by: actor.userId }
      : { resolved_at: null, resolved_by: null },
    `comment ${commentId}`,
    read,
  );
  return (await read()) as Comment;
}
