/**
 * What each job kind does. Runs inside a worker (a thread of the server, or a `controlroom worker`
 * process), with access to the blob store's files only — never the database.
 */
import { join } from "node:path";
import type { MasterJobInput } from "../mastering/start-master.ts";
import type { RenderJobInput } from "../renders/start-render.ts";

/** Job kinds and their inputs. */
export interface JobInputs {
  /** Measure a stored audio file (loudness, levels, true peak…). */
  analyze: { blobSha256: string; versionId?: string | null; takeId?: string | null };
  /** Diagnostic: holds a worker for `seconds` and reports which process ran it (health checks, tests). */
  wait: { seconds: number };
  /** Render a song's session into a new mix version (see render-job.ts). */
  render: RenderJobInput;
  /** Master a mix version to a delivery target into a new master version (see master-job.ts). */
  master: MasterJobInput;
}
export type JobKind = keyof JobInputs;
export const JOB_KINDS: JobKind[] = ["analyze", "wait", "render", "master"];

/** Where the job may read blobs. */
export interface JobEnvironment {
  blobRoot: string;
  /** Reports progress in 0…1. */
  progress(fraction: number): void;
  /** True once the job was cancelled (queues that cannot kill the worker ask long jobs to stop early). */
  cancelled?: () => boolean;
}

function blobPath(root: string, sha: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error("blobSha256: not a sha256 digest");
  return join(root, sha.slice(0, 2), sha.slice(2, 4), sha);
}

/** Runs one job to its result (a JSON-serialisable object). Throws one clear error on failure. */
export async function runJob(
  kind: string,
  input: unknown,
  env: JobEnvironment,
): Promise<Record<string, unknown>> {
  if (kind === "analyze") {
    const { blobSha256 } = input as JobInputs["analyze"];
    // Imported here, not at the top: the analysis module may be heavy and is only needed by this kind.
    const { analyzeFile } = await import("@controlroom/node/analysis/analyze-file.ts");
    const a = await analyzeFile(blobPath(env.blobRoot, blobSha256), {
      onProgress: (done, total) => total && env.progress(Math.min(1, done / total)),
    });
    const r = a.report;
    return {
      sampleRate: a.info.sampleRate,
      channels: a.info.channels,
      durationSeconds: r.durationSeconds,
      integratedLufs: r.integratedLufs,
      loudnessRangeLu: r.loudnessRangeLu,
      truePeakDbtp: (r as unknown as { truePeakDbtp?: number }).truePeakDbtp ?? null,
      samplePeakDbfs: (r as unknown as { samplePeakDbfs?: number }).samplePeakDbfs ?? null,
    };
  }
  if (kind === "render") {
    const { runRenderJob } = await import("./render-job.ts");
    return runRenderJob(input as JobInputs["render"], env);
  }
  if (kind === "master") {
    const { runMasterJob } = await import("./master-job.ts");
    return runMasterJob(input as JobInputs["master"], env);
  }
  if (kind === "wait") {
    const { seconds } = input as JobInputs["wait"];
    const steps = Math.max(1, Math.round(seconds * 10));
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, (seconds * 1000) / steps));
      env.progress(i / steps);
    }
    return { pid: process.pid, seconds };
  }
  throw new Error(`kind: unknown job kind "${kind}"`);
}
