/** Runs server jobs and follows their progress until they end. */
import { api, type Job, type JobRequest, type Wire } from "./api.ts";

/**
 * Polls a submitted job every 500 ms until it ends. @param onProgress gets 0…1.
 * @returns the finished job; throws with the job's error when it fails or is cancelled.
 */
export async function followJob(job: Wire<Job>, onProgress: (fraction: number) => void): Promise<Wire<Job>> {
  let j = job;
  while (j.status === "queued" || j.status === "running") {
    onProgress(j.progress);
    await new Promise((r) => setTimeout(r, 500));
    j = await api.job(j.id);
  }
  if (j.status !== "done") throw new Error(j.error ?? `job ${j.kind} ${j.status}`);
  onProgress(1);
  return j;
}

/** Submits a generic job (analyze) and follows it. */
export async function runJob(
  projectId: string,
  body: JobRequest,
  onProgress: (fraction: number) => void,
): Promise<Wire<Job>> {
  return followJob(await api.submitJob(projectId, body), onProgress);
}
