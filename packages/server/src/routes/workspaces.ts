/** Workspaces: yours, new ones, and who is in them. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { OK, Ok, Workspace } from "../responses.ts";
import { type Routes, WorkspaceId } from "../route.ts";

export function workspaceRoutes(r: Routes): void {
  r.add({
    method: "GET",
    url: "/api/workspaces",
    summary: "Your workspaces",
    tag: "workspaces",
    response: z.array(Workspace),
    handler: async ({ studio, actor }) => S.listWorkspaces(studio, actor),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces",
    summary: "Create a workspace",
    tag: "workspaces",
    status: 201,
    body: S.CreateWorkspaceInput,
    response: Workspace,
    handler: async ({ studio, actor, body }) => S.createWorkspace(studio, actor, body),
  });
  r.add({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/members",
    summary: "Add an account to a workspace (owners)",
    tag: "workspaces",
    params: WorkspaceId,
    body: S.AddWorkspaceMemberInput,
    response: Ok,
    handler: async ({ studio, actor, params, body }) => {
      await S.addWorkspaceMember(studio, actor, params.workspaceId, body);
      return OK;
    },
  });
}
