/**
 * The "wait" job: a diagnostic that holds a worker for `seconds` and reports which process ran it (health
 * checks, and the queues' tests of retries and cancellation). Submitted through the generic jobs route.
 */
import { z } from "zod";
import { defineJobKind } from "../job-kind.ts";

const WaitInput = z.object({ seconds: z.number().min(0).max(600) });

export const waitJob = defineJobKind({
  name: "wait",
  input: WaitInput,
  request: { schema: WaitInput, prepare: async (_s, _projectId, request) => request },
  async run({ seconds }, env) {
    const steps = Math.max(1, Math.round(seconds * 10));
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, (seconds * 1000) / steps));
      env.progress(i / steps);
    }
    return { pid: process.pid, seconds };
  },
});
