/** Projects: list and create in a workspace, read, edit, the dashboard, the audit log. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { AuditEntry, Dashboard, Project } from "../responses.ts";
import { ProjectId, route, WorkspaceId } from "../route.ts";

export const projectRoutes = [
  route({
    method: "GET",
    url: "/api/workspaces/{workspaceId}/projects",
    summary: "Projects you are on",
    tag: "projects",
    params: WorkspaceId,
    response: z.array(Project),
    handler: async ({ studio, actor, params }) => S.listProjects(studio, actor, params.workspaceId),
  }),
  route({
    method: "POST",
    url: "/api/workspaces/{workspaceId}/projects",
    summary: "Create a project (album, EP, single); you become its producer",
    tag: "projects",
    status: 201,
    params: WorkspaceId,
    body: S.CreateProjectInput.omit({ workspaceId: true }),
    response: Project,
    handler: async ({ studio, actor, params, body }) =>
      S.createProject(studio, actor, { ...(body as object), workspaceId: params.workspaceId }),
  }),
  route({
    method: "GET",
    url: "/api/projects/{projectId}",
    summary: "A project",
    tag: "projects",
    params: ProjectId,
    response: Project,
    handler: async ({ studio, actor, params }) => S.getProject(studio, actor, params.projectId),
  }),
  route({
    method: "PATCH",
    url: "/api/projects/{projectId}",
    summary: "Edit a project (producers; give the version you edited)",
    tag: "projects",
    params: ProjectId,
    body: S.UpdateProjectInput,
    response: Project,
    handler: async ({ studio, actor, params, body }) =>
      S.updateProject(studio, actor, params.projectId, body),
  }),
  route({
    method: "GET",
    url: "/api/projects/{projectId}/dashboard",
    summary: "The project dashboard",
    tag: "projects",
    params: ProjectId,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: Dashboard,
    handler: async ({ studio, actor, params, query }) =>
      S.getDashboard(studio, actor, params.projectId, query.limit),
  }),
  route({
    method: "GET",
    url: "/api/projects/{projectId}/audit",
    summary: "Audit log of decisions (producers, label)",
    tag: "projects",
    params: ProjectId,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.array(AuditEntry),
    handler: async ({ studio, actor, params, query }) =>
      S.listAudit(studio, actor, params.projectId, query.limit),
  }),
];
