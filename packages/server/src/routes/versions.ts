/** The version stack of mixes and masters, approvals, and the reports jobs leave on versions. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Approval, MixVersion, VersionReport } from "../responses.ts";
import { route } from "../route.ts";

const Approvals = z.array(Approval);

export const versionRoutes = [
  route("GET /api/songs/{songId}/versions", {
    summary: "Mix and master versions, newest first, with A/B match gains",
    tag: "versions",
    response: z.array(MixVersion),
    handler: async ({ studio, actor, params }) => S.listVersions(studio, actor, params.songId),
  }),
  route("POST /api/songs/{songId}/versions", {
    summary: "Add a mix or master version (upload its file first)",
    tag: "versions",
    status: 201,
    body: S.CreateVersionInput,
    response: MixVersion,
    handler: async ({ studio, actor, params, body }) => S.createVersion(studio, actor, params.songId, body),
  }),
  route("GET /api/versions/{versionId}/approvals", {
    summary: "Approval history",
    tag: "versions",
    response: Approvals,
    handler: async ({ studio, actor, params }) => S.listApprovals(studio, actor, params.versionId),
  }),
  route("POST /api/versions/{versionId}/approvals", {
    summary: "Approve, request changes or put back in review (producers)",
    tag: "versions",
    status: 201,
    body: S.DecideInput,
    response: Approvals,
    handler: async ({ studio, actor, params, body }) =>
      S.decideVersion(studio, actor, params.versionId, body),
  }),
  route("GET /api/versions/{versionId}/report", {
    summary:
      "The render, mastering or repair report of a version made by a job (loudness before/after, true peak, QC; what a repair found and did)",
    tag: "renders",
    response: VersionReport,
    handler: async ({ studio, actor, params }) => S.getVersionReport(studio, actor, params.versionId),
  }),
];
