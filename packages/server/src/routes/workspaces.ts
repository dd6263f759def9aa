/** Workspaces: yours, new ones, and who is in them. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { OK, Ok, Workspace } from "../responses.ts";
import { route } from "../route.ts";

export const workspaceRoutes = [
  route("GET /api/workspaces", {
    summary: "Your workspaces",
    tag: "workspaces",
    response: z.array(Workspace),
    handler: async ({ studio, actor }) => S.listWorkspaces(studio, actor),
  }),
  route("POST /api/workspaces", {
    summary: "Create a workspace",
    tag: "workspaces",
    status: 201,
    body: S.CreateWorkspaceInput,
    response: Workspace,
    handler: async ({ studio, actor, body }) => S.createWorkspace(studio, actor, body),
  }),
  route("POST /api/workspaces/{workspaceId}/members", {
    summary: "Add an account to a workspace (owners)",
    tag: "workspaces",
    body: S.AddWorkspaceMemberInput,
    response: Ok,
    handler: async ({ studio, actor, params, body }) => {
      await S.addWorkspaceMember(studio, actor, params.workspaceId, body);
      return OK;
    },
  }),
];
