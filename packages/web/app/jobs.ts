/** Runs server jobs and follows their progress until they end. */
import { useState } from "react";
import { api, type Job, type JobRequest, type Wire } from "./api.ts";
import { messageOf } from "./util.ts";

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

/** A server job the page started: its progress while it runs, what it left, or why it failed. */
export interface JobState<R> {
  /** 0…1 while running; null when not running. */
  progress: number | null;
  result: R | null;
  error: string | null;
  /**
   * Submits the job (`submit` returns the queued job) and follows it to the end.
   * @returns whether it finished (else `error` says why).
   */
  run(submit: () => Promise<Wire<Job>>): Promise<boolean>;
}

/** Runs one server job at a time and follows its progress. */
export function useJob<R>(): JobState<R> {
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(submit: () => Promise<Wire<Job>>): Promise<boolean> {
    setError(null);
    setResult(null);
    setProgress(0);
    let ok = false;
    try {
      const job = await followJob(await submit(), setProgress);
      setResult(job.result as R);
      ok = true;
    } catch (e) {
      setError(messageOf(e));
    }
    setProgress(null);
    return ok;
  }
  return { progress, result, error, run };
}
