/** A project's team and their roles. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Member } from "../responses.ts";
import { ProjectId, route } from "../route.ts";

const Team = z.array(Member);

export const teamRoutes = [
  route({
    method: "GET",
    url: "/api/projects/{projectId}/team",
    summary: "The team with roles",
    tag: "team",
    params: ProjectId,
    response: Team,
    handler: async ({ studio, actor, params }) => S.listTeam(studio, actor, params.projectId),
  }),
  route({
    method: "PUT",
    url: "/api/projects/{projectId}/team",
    summary: "Set one person's roles (producers; empty removes them)",
    tag: "team",
    params: ProjectId,
    body: S.SetRolesInput,
    response: Team,
    handler: async ({ studio, actor, params, body }) =>
      S.setMemberRoles(studio, actor, params.projectId, body),
  }),
];
