/** The stems zip a render job made (stored as a blob, but not part of any version, so found through the job). */
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { getJob } from "../jobs/jobs.ts";
import type { RenderJobResult } from "../jobs/kinds/render.ts";
import { authorizeSong } from "../team/access.ts";

/**
 * The stems zip of a finished render job (whoever sees the song). 404 when the job made none.
 * @returns the blob's sha256 and size in bytes.
 */
export async function renderStems(
  s: Studio,
  actor: Actor,
  jobId: string,
): Promise<{ sha256: string; size: number; songId: string }> {
  const job = await getJob(s, actor, jobId);
  if (job.kind !== "render") throw invalid("jobId", `job ${jobId} is not a render`);
  const r = job.result as RenderJobResult | null;
  if (job.status !== "done" || !r) throw notFound(`stems of job ${jobId} (it is ${job.status})`);
  await authorizeSong(s.db, actor, r.songId, "project.read");
  if (!r.stems) throw notFound(`stems of job ${jobId} (render with stems: true)`);
  return { sha256: r.stems.sha256, size: r.stems.size, songId: r.songId };
}
