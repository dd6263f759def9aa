/** Mastering a mix version on the server into a new master version (a job; its report: versions.ts). */
import * as S from "@controlroom/studio";
import { Job } from "../responses.ts";
import { route } from "../route.ts";

export const masteringRoutes = [
  route("POST /api/versions/{versionId}/master", {
    summary: "Master a mix version to a delivery target into a new master version (a job)",
    tag: "renders",
    status: 202,
    body: S.StartMasterBody,
    response: Job,
    handler: async ({ studio, actor, params, body }) =>
      S.startMaster(studio, actor, { ...(body as object), versionId: params.versionId }),
  }),
];
