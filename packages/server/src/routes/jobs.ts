/** Jobs: submit one of the kinds clients may ask for (analyze, wait), follow it, cancel it. */
import * as S from "@controlroom/studio";
import { Job } from "../responses.ts";
import { JobId, ProjectId, route } from "../route.ts";

export const jobRoutes = [
  route({
    method: "POST",
    url: "/api/projects/{projectId}/jobs",
    summary: "Submit a job (analyze a version's file)",
    tag: "jobs",
    status: 202,
    params: ProjectId,
    body: S.SubmitJobInput,
    response: Job,
    handler: async ({ studio, actor, params, body }) => S.submitJob(studio, actor, params.projectId, body),
  }),
  route({
    method: "GET",
    url: "/api/jobs/{jobId}",
    summary: "Job status, progress and result",
    tag: "jobs",
    params: JobId,
    response: Job,
    handler: async ({ studio, actor, params }) => S.getJob(studio, actor, params.jobId),
  }),
  route({
    method: "POST",
    url: "/api/jobs/{jobId}/cancel",
    summary: "Cancel a job",
    tag: "jobs",
    params: JobId,
    response: Job,
    handler: async ({ studio, actor, params }) => S.cancelJob(studio, actor, params.jobId),
  }),
];
