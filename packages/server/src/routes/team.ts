/** A project's team and their roles. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Member } from "../responses.ts";
import { route } from "../route.ts";

const Team = z.array(Member);

export const teamRoutes = [
  route("GET /api/projects/{projectId}/team", {
    summary: "The team with roles",
    tag: "team",
    response: Team,
    handler: async ({ studio, actor, params }) => S.listTeam(studio, actor, params.projectId),
  }),
  route("PUT /api/projects/{projectId}/team", {
    summary: "Set one person's roles (producers; empty removes them)",
    tag: "team",
    body: S.SetRolesInput,
    response: Team,
    handler: async ({ studio, actor, params, body }) =>
      S.setMemberRoles(studio, actor, params.projectId, body),
  }),
];
