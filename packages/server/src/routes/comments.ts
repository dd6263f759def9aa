/** Time-stamped comments on a version, threaded, resolved when dealt with. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Comment } from "../responses.ts";
import { route } from "../route.ts";

export const commentRoutes = [
  route("GET /api/versions/{versionId}/comments", {
    summary: "Comment threads in time order",
    tag: "versions",
    response: z.array(Comment),
    handler: async ({ studio, actor, params }) => S.listComments(studio, actor, params.versionId),
  }),
  route("POST /api/versions/{versionId}/comments", {
    summary: "Comment at a time or over a range, or reply",
    tag: "versions",
    status: 201,
    body: S.AddCommentInput,
    response: Comment,
    handler: async ({ studio, actor, params, body }) => S.addComment(studio, actor, params.versionId, body),
  }),
  route("PATCH /api/comments/{commentId}", {
    summary: "Resolve or reopen a comment",
    tag: "versions",
    body: S.ResolveInput,
    response: Comment,
    handler: async ({ studio, actor, params, body }) =>
      S.resolveComment(studio, actor, params.commentId, body),
  }),
];
