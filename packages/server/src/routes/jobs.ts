/** Jobs: submit one of the kinds clients may ask for (analyze, wait), follow it, cancel it. */
import * as S from "@controlroom/studio";
import { Job } from "../responses.ts";
import { route } from "../route.ts";

export const jobRoutes = [
  route("POST /api/projects/{projectId}/jobs", {
    summary: "Submit a job (analyze a version's file)",
    tag: "jobs",
    status: 202,
    body: S.SubmitJobInput,
    response: Job,
    handler: async ({ studio, actor, params, body }) => S.submitJob(studio, actor, params.projectId, body),
  }),
  route("GET /api/jobs/{jobId}", {
    summary: "Job status, progress and result",
    tag: "jobs",
    response: Job,
    handler: async ({ studio, actor, params }) => S.getJob(studio, actor, params.jobId),
  }),
  route("POST /api/jobs/{jobId}/cancel", {
    summary: "Cancel a job",
    tag: "jobs",
    response: Job,
    handler: async ({ studio, actor, params }) => S.cancelJob(studio, actor, params.jobId),
  }),
];
