/** A project's team and their roles, and invitations for people without an account yet. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Invitation, InvitationPreview, InviteResult, Member, OK, Ok } from "../responses.ts";
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
  route("GET /api/projects/{projectId}/invitations", {
    summary: "Pending invitations (producers)",
    tag: "team",
    response: z.array(Invitation),
    handler: async ({ studio, actor, params }) => S.listInvitations(studio, actor, params.projectId),
  }),
  route("POST /api/projects/{projectId}/invitations", {
    summary:
      "Invite by e-mail with roles (producers): someone with an account joins at once; otherwise a pending invitation and its link's token, accepted by registering with it",
    tag: "team",
    status: 201,
    body: S.InviteInput,
    response: InviteResult,
    handler: async ({ studio, actor, params, body }) =>
      S.inviteToProject(studio, actor, params.projectId, body),
  }),
  route("DELETE /api/invitations/{invitationId}", {
    summary: "Cancel a pending invitation: its link stops working (producers)",
    tag: "team",
    response: Ok,
    handler: async ({ studio, actor, params }) => {
      await S.cancelInvitation(studio, actor, params.invitationId);
      return OK;
    },
  }),
  route("GET /api/invitation-links/{token}", {
    summary:
      "What an invitation link offers: the project, the e-mail and the roles (no sign-in: the token is the credential)",
    tag: "team",
    auth: false,
    response: InvitationPreview,
    handler: async ({ studio, params }) => S.previewInvitation(studio, params.token),
  }),
];
