/** Reading a session document: migrate, check the schema, check the model; every problem reported at once. */

import { migrateSession } from "./migrate.ts";
import { formatPath, SessionError, type SessionProblem } from "./problems.ts";
import { type Session, sessionSchema } from "./schema.ts";
import { checkSession } from "./validate.ts";

/**
 * Turns parsed JSON into a checked Session (defaults filled in). Throws SessionError listing every problem,
 * each with its JSON path: unknown fields, bad values, missing references, routing cycles, clips beyond their
 * source, bad insert chains or automation.
 * @param source name used in the error's first line (the file name).
 */
export function parseSession(json: unknown, source = "session"): Session {
  const doc = migrateSession(json, source);
  const r = sessionSchema.safeParse(doc);
  if (!r.success) {
    const problems: SessionProblem[] = [];
    for (const issue of r.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys)
          problems.push({ path: formatPath([...issue.path, k]), message: "unknown field" });
      } else problems.push({ path: formatPath(issue.path), message: issue.message });
    }
    throw new SessionError(problems, source);
  }
  const problems = checkSession(r.data);
  if (problems.length) throw new SessionError(problems, source);
  return r.data;
}
