/** The reports render and mastering jobs leave on the versions they make (see jobs/new-version.ts). */
import type { Actor, Studio } from "../context.ts";
import { notFound } from "../errors.ts";
import { authorizeSong } from "../team/access.ts";
import { songOfVersion } from "./mix-versions.ts";

/** The report a render or mastering job left on a version (any team member who sees the song). */
export async function getVersionReport(
  s: Studio,
  actor: Actor,
  versionId: string,
): Promise<{ versionId: string; jobId: string; kind: string; report: unknown; createdAt: Date }> {
  await authorizeSong(s.db, actor, await songOfVersion(s, versionId), "project.read");
  const r = await s.db
    .selectFrom("version_reports")
    .selectAll()
    .where("mix_version_id", "=", versionId)
    .executeTakeFirst();
  if (!r) throw notFound(`report of version ${versionId} (only rendered and mastered versions have one)`);
  return { versionId, jobId: r.job_id, kind: r.kind, report: r.report, createdAt: r.created_at };
}
