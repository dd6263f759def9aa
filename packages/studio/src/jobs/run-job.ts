/** Runs one job in a worker: finds its kind, checks its input against the kind's schema, runs it. */
import { parseInput } from "../errors.ts";
import type { JobEnvironment } from "./environment.ts";
import type { JobJson } from "./job-kind.ts";
import { jobKindNamed } from "./kinds/index.ts";

/** Runs one job to its result (a JSON-serialisable object). Throws one clear error on failure. */
export async function runJob(kind: string, input: unknown, env: JobEnvironment): Promise<JobJson> {
  const k = jobKindNamed(kind);
  if (!k) throw new Error(`kind: unknown job kind "${kind}"`);
  return k.run(parseInput(k.input, input, "input"), env);
}
