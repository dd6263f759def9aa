/**
 * Every job kind, in one list. A kind is one module here, `kinds/<name>.ts`, exporting the kind declared
 * with `defineJobKind` (job-kind.ts):
 *
 * - `name` — stored on the job row; also the pg-boss queue's name.
 * - `input` — zod schema of what the worker gets (checked before `run`).
 * - `run(input, env)` — runs in a worker with the blob folder only (environment.ts). Returns a JSON object,
 *   the job's result.
 * - `record(trx, job, result)` (optional) — what the result changes besides the job row, in the same
 *   transaction, so a retried or cancelled job still has exactly one outcome.
 * - `request` (optional) — lets clients submit the kind through `POST /api/projects/{projectId}/jobs` as
 *   `{kind, input}`: the request's schema and `prepare`, which turns it into the worker's input. A kind with a
 *   route of its own instead exports its start function (`startRender`, `startMaster`) from its module, which
 *   calls `queueJob(s, actor, projectId, thisKind, input)`.
 *
 * Every worker imports every kind module, so a kind imports only light modules at the top (zod, Node's, the
 * jobs helpers) and the heavy ones (the engine, the node package, kysely) inside `run` or `record`, as
 * `await import(…)`; kinds.test.ts holds every kind to that.
 *
 * Adding a kind: write `kinds/<name>.ts` (render.ts is the model for a kind with its own route, analyze.ts for
 * one submitted through the jobs route) and add it to JOB_KINDS below. Nothing else dispatches on the kind.
 */
import type { AnyJobKind } from "../job-kind.ts";
import { analyzeJob } from "./analyze.ts";
import { masterJob } from "./master.ts";
import { renderJob } from "./render.ts";
import { repairJob } from "./repair.ts";
import { soundNoteJob } from "./sound-note.ts";
import { soundNoteRenderJob } from "./sound-note-render.ts";
import { waitJob } from "./wait.ts";

/** The kinds a worker runs. */
export const JOB_KINDS = [
  analyzeJob,
  waitJob,
  renderJob,
  masterJob,
  repairJob,
  soundNoteJob,
  soundNoteRenderJob,
] as const;

/** The kinds' names (the pg-boss queues). */
export const JOB_KIND_NAMES: string[] = JOB_KINDS.map((k) => k.name);

/** The kind named `name`, if there is one. */
export function jobKindNamed(name: string): AnyJobKind | undefined {
  return (JOB_KINDS as readonly AnyJobKind[]).find((k) => k.name === name);
}
