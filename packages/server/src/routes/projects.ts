/** Projects: list and create in a workspace, read, edit, the dashboard, the audit log. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { AuditEntry, Dashboard, Project } from "../responses.ts";
import { route } from "../route.ts";

export const projectRoutes = [
  route("GET /api/workspaces/{workspaceId}/projects", {
    summary: "Projects you are on",
    tag: "projects",
    response: z.array(Project),
    handler: async ({ studio, actor, params }) => S.listProjects(studio, actor, params.workspaceId),
  }),
  route("POST /api/workspaces/{workspaceId}/projects", {
    summary: "Create a project (album, EP, single); you become its producer",
    tag: "projects",
    status: 201,
    body: S.CreateProjectInput.omit({ workspaceId: true }),
    response: Project,
    handler: async ({ studio, actor, params, body }) =>
      S.createProject(studio, actor, { ...(body as object), workspaceId: params.workspaceId }),
  }),
  route("GET /api/projects/{projectId}", {
    summary: "A project",
    tag: "projects",
    response: Project,
    handler: async ({ studio, actor, params }) => S.getProject(studio, actor, params.projectId),
  }),
  route("PATCH /api/projects/{projectId}", {
    summary: "Edit a project (producers; give the version you edited)",
    tag: "projects",
    body: S.UpdateProjectInput,
    response: Project,
    handler: async ({ studio, actor, params, body }) =>
      S.updateProject(studio, actor, params.projectId, body),
  }),
  route("GET /api/projects/{projectId}/dashboard", {
    summary: "The project dashboard",
    tag: "projects",
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: Dashboard,
    handler: async ({ studio, actor, params, query }) =>
      S.getDashboard(studio, actor, params.projectId, query.limit),
  }),
  route("GET /api/projects/{projectId}/audit", {
    summary: "Audit log of decisions (producers, label)",
    tag: "projects",
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.array(AuditEntry),
    handler: async ({ studio, actor, params, query }) =>
      S.listAudit(studio, actor, params.projectId, query.limit),
  }),
];
