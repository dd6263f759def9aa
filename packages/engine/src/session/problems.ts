/** Session problems: every one names the JSON path it is about, and all are reported at once. */

/** One problem with a session, e.g. `tracks[2].sends[0].bus: no bus "verb" (buses: reverb, delay)`. */
export interface SessionProblem {
  /** JSON path, e.g. `tracks[2].sends[0].bus`; empty for the document itself. */
  path: string;
  message: string;
}

/** A session could not be used; `problems` lists everything found, not just the first. */
export class SessionError extends Error {
  constructor(
    readonly problems: SessionProblem[],
    /** What was being read (a file name), for the first line. */
    readonly source = "session",
  ) {
    super(
      problems.length === 1
        ? `${source}: ${formatProblem(problems[0])}`
        : `${source}: ${problems.length} problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
    this.name = "SessionError";
  }
}

/** `path: message` (or just the message at the root). */
export function formatProblem(p: SessionProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/** A path array (`["tracks", 0, "sends", 1]`) as text (`tracks[0].sends[1]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out;
}
