/** The report a repair job left on the take it made (see jobs/kinds/repair.ts). */
import type { Actor, Studio } from "../context.ts";
import { notFound } from "../errors.ts";
import type { RepairJobResult } from "../jobs/kinds/repair.ts";
import { authorizeSong } from "../team/access.ts";

/** A repaired take's report: the take it was repaired from, the job, and what was found and done. */
export interface TakeRepairReport {
  takeId: string;
  repairedFromTakeId: string | null;
  jobId: string;
  report: RepairJobResult;
}

/** The repair report of a repaired take (any team member who sees the song). 404 for an original take. */
export async function getTakeRepairReport(
  s: Studio,
  actor: Actor,
  takeId: string,
): Promise<TakeRepairReport> {
  const r = await s.db
    .selectFrom("takes")
    .select(["song_id", "repaired_from_take_id", "repair_job_id", "repair_report"])
    .where("id", "=", takeId)
    .executeTakeFirst();
  if (!r) throw notFound(`take ${takeId}`);
  await authorizeSong(s.db, actor, r.song_id, "project.read");
  if (!r.repair_job_id || !r.repair_report)
    throw notFound(`repair report of take ${takeId} (only repaired takes have one)`);
  return {
    takeId,
    repairedFromTakeId: r.repaired_from_take_id,
    jobId: r.repair_job_id,
    report: r.repair_report as RepairJobResult,
  };
}
