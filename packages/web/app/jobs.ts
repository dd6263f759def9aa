/** Runs a server job and follows its progress until it ends. */
import { api, type Job, type JobRequest, type Wire } from "./api.ts";

/**
 * Submits a job and polls it every 500 ms. @param onProgress gets 0…1.
 * @returns the finished job; throws with the job's error when it fails or is cancelled.
 */
export async function runJob(
  projectId: string,
  body: JobRequest,
  onProgress: (percent: number) => void,
): Promise<Wire<Job>> {
  let job = await api.submitJob(projectId, body);
  while (job.status === "queued" || job.status === "running") {
    onProgress(job.progress);
    await new Promise((r) => setTimeout(r, 500));
    job = await api.job(job.id);
  }
  if (job.status !== "done") throw new Error(job.error ?? `job ${job.kind} ${job.status}`);
  onProgress(1);
  return job;
}
