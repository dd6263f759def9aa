/**
 * The studio's errors. Each carries the HTTP status the API answers with, so the service layer, the API
 * and the command line report the same thing: one clear message, naming the field when input is bad.
 */
import type { z } from "zod";

/** A refusal or failure the caller can act on. */
export class StudioError extends Error {
  /**
   * @param status HTTP status (400 bad input, 401 not signed in, 403 not allowed, 404 missing, 409 conflict).
   * @param code short machine-readable code.
   * @param message one line for people.
   * @param detail extra data (for 409: the current state of the thing).
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = "StudioError";
  }
}

/** 400: a field is wrong. The message starts with the field's path. */
export function invalid(field: string, message: string): StudioError {
  return new StudioError(400, "invalid", `${field}: ${message}`, { field });
}
/** 401: no or expired credentials. */
export function unauthenticated(message = "sign in first"): StudioError {
  return new StudioError(401, "unauthenticated", message);
}
/** 403: the actor's roles do not allow the action. */
export function forbidden(message: string): StudioError {
  return new StudioError(403, "forbidden", message);
}
/** 404: the thing does not exist (or is not visible to the actor). */
export function notFound(what: string): StudioError {
  return new StudioError(404, "not_found", `${what} not found`);
}
/** 409: someone else changed it first (detail.current holds the state now), or it clashes with something. */
export function conflict(message: string, detail?: unknown): StudioError {
  return new StudioError(409, "conflict", message, detail);
}

/** Parses input with a zod schema; the first problem becomes a 400 naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body";
  throw invalid(path, issue.message);
}
