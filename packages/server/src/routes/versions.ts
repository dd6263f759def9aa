/** The version stack of mixes and masters, approvals, and the reports jobs leave on versions. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Approval, MixVersion, VersionReport } from "../responses.ts";
import { route, SongId, VersionId } from "../route.ts";

const Approvals = z.array(Approval);

export const versionRoutes = [
  route({
    method: "GET",
    url: "/api/songs/{songId}/versions",
    summary: "Mix and master versions, newest first, with A/B match gains",
    tag: "versions",
    params: SongId,
    response: z.array(MixVersion),
    handler: async ({ studio, actor, params }) => S.listVersions(studio, actor, params.songId),
  }),
  route({
    method: "POST",
    url: "/api/songs/{songId}/versions",
    summary: "Add a mix or master version (upload its file first)",
    tag: "versions",
    status: 201,
    params: SongId,
    body: S.CreateVersionInput,
    response: MixVersion,
    handler: async ({ studio, actor, params, body }) => S.createVersion(studio, actor, params.songId, body),
  }),
  route({
    method: "GET",
    url: "/api/versions/{versionId}/approvals",
    summary: "Approval history",
    tag: "versions",
    params: VersionId,
    response: Approvals,
    handler: async ({ studio, actor, params }) => S.listApprovals(studio, actor, params.versionId),
  }),
  route({
    method: "POST",
    url: "/api/versions/{versionId}/approvals",
    summary: "Approve, request changes or put back in review (producers)",
    tag: "versions",
    status: 201,
    params: VersionId,
    body: S.DecideInput,
    response: Approvals,
    handler: async ({ studio, actor, params, body }) =>
      S.decideVersion(studio, actor, params.versionId, body),
  }),
  route({
    method: "GET",
    url: "/api/versions/{versionId}/report",
    summary:
      "The render or mastering report of a version made by a job (loudness before/after, true peak, QC)",
    tag: "renders",
    params: VersionId,
    response: VersionReport,
    handler: async ({ studio, actor, params }) => S.getVersionReport(studio, actor, params.versionId),
  }),
];
