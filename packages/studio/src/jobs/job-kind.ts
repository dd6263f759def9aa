/**
 * The shape of a job kind (see kinds/index.ts for the list and how to add one). A kind is what a worker
 * runs (`run`, with the blob folder only) and what its result changes in the database (`record`, inside the
 * transaction that stores the result, so a job has exactly one outcome); optionally how a client asks for it
 * through `POST /api/projects/{projectId}/jobs` (`request`). Kinds with a route of their own start
 * themselves with `queueJob` from a service function in the kind's module.
 */
import type { Transaction } from "kysely";
import type { z } from "zod";
import type { Studio } from "../context.ts";
import type { Database } from "../store/schema.ts";
import type { JobEnvironment } from "./environment.ts";

/** A JSON object: what a job takes and what it returns. */
export type JobJson = Record<string, unknown>;

/** The job whose result is being recorded. */
export interface FinishedJob<I = JobJson> {
  id: string;
  kind: string;
  projectId: string | null;
  createdBy: string | null;
  /** The input the job ran with (as stored on the row). */
  input: I;
}

/** How a client submits this kind as `{kind, input: <request>}` to `POST /api/projects/{projectId}/jobs`. */
export interface JobRequest<I extends JobJson, S extends z.ZodType> {
  /** The request's `input`; the body's schema in the OpenAPI document. */
  schema: S;
  /**
   * Turns a valid request into the worker's input (checking what it names belongs to the project).
   * Authorization ("job.run" on the project) is done before.
   */
  prepare(s: Studio, projectId: string, request: z.output<S>): Promise<I>;
  /** After the job row is inserted and before it is queued (e.g. link the job to what it measures). */
  inserted?(s: Studio, jobId: string, input: I): Promise<void>;
}

/** One job kind. */
export interface JobKind<N extends string, I extends JobJson, R extends JobJson> {
  /** The `kind` stored on the job row and the pg-boss queue's name. */
  name: N;
  /** The worker's input, checked before `run`. */
  input: z.ZodType<I>;
  /**
   * Runs the job in a worker to its result (a JSON-serialisable object); throws one clear error on failure.
   * Import heavy modules inside (`await import(…)`), so a worker starts fast whatever the kind.
   */
  run(input: I, env: JobEnvironment): Promise<R>;
  /** What the result changes besides the job row, in the same transaction (absent: nothing). */
  record?(trx: Transaction<Database>, job: FinishedJob<I>, result: R): Promise<void>;
}

/** A kind clients may submit through the generic jobs route. */
export interface RequestableJobKind<
  N extends string,
  I extends JobJson,
  R extends JobJson,
  S extends z.ZodType,
> extends JobKind<N, I, R> {
  request: JobRequest<I, S>;
}

/** Any kind, as the queues and the registry see it. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds kinds of every input and result type
export type AnyJobKind = JobKind<string, any, any> & { request?: JobRequest<any, z.ZodType> };

/** Declares a kind (the identity; it keeps the kind's exact types for the registry). */
export function defineJobKind<N extends string, I extends JobJson, R extends JobJson, S extends z.ZodType>(
  k: RequestableJobKind<N, I, R, S>,
): RequestableJobKind<N, I, R, S>;
export function defineJobKind<N extends string, I extends JobJson, R extends JobJson>(
  k: JobKind<N, I, R>,
): JobKind<N, I, R>;
export function defineJobKind(k: AnyJobKind): AnyJobKind {
  return k;
}
