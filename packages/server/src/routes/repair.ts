/**
 * Repair (clicks, crackle, hum, noise, clipping, DC) on the server: a take into a new take linked to it, a
 * version into a new version (jobs), and the report a repaired take carries. A repaired version's report is
 * GET /api/versions/{versionId}/report (versions.ts).
 */
import * as S from "@controlroom/studio";
import { Job, TakeRepairReport } from "../responses.ts";
import { route } from "../route.ts";

export const repairRoutes = [
  route("POST /api/takes/{takeId}/repair", {
    summary: "Repair a take into a new take linked to it; the original is kept (a job)",
    tag: "repair",
    status: 202,
    body: S.StartRepairBody,
    response: Job,
    handler: async ({ studio, actor, params, body }) => S.startTakeRepair(studio, actor, params.takeId, body),
  }),
  route("POST /api/versions/{versionId}/repair", {
    summary: "Repair a mix or master version into a new version of its kind (a job)",
    tag: "repair",
    status: 202,
    body: S.StartRepairBody,
    response: Job,
    handler: async ({ studio, actor, params, body }) =>
      S.startVersionRepair(studio, actor, params.versionId, body),
  }),
  route("GET /api/takes/{takeId}/repair-report", {
    summary: "What the repair that made a take found and did (repaired takes only)",
    tag: "repair",
    response: TakeRepairReport,
    handler: async ({ studio, actor, params }) => S.getTakeRepairReport(studio, actor, params.takeId),
  }),
];
