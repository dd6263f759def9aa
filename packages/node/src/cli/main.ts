/**
 * The `controlroom` program's audio commands and the runner of the program. `packages/cli` runs it with these
 * families and the studio's (from @controlroom/server); this package's own `bin/controlroom.js` runs the audio
 * commands alone. Importing this module does nothing by itself.
 */
import { availableParallelism } from "node:os";
import { Command, CommanderError } from "commander";
import { prestartWorkers, stopPrestartedWorkers } from "../workers/prestart.ts";

/** Adds one family's commands to the program. */
export type Register = (program: Command) => void | Promise<void>;

/** A command family: the command names it answers to, and how to load its registration. */
export type CommandFamily = [names: string[], load: () => Promise<Register>];

/**
 * The audio command families and how to load each. Only the family named on the command line is loaded (all
 * of them for help or an unknown name): `controlroom analyze` starts without compiling the mastering chain,
 * the session renderer or the studio server.
 */
export const FAMILIES: CommandFamily[] = [
  [["analyze"], async () => (await import("./commands/analyze.ts")).registerAnalyze],
  [["process"], async () => (await import("./commands/process.ts")).registerProcess],
  [["render", "session"], async () => (await import("../session/commands.ts")).registerRenderCommands],
  [["master"], async () => (await import("../mastering/commands.ts")).registerMaster],
  [["qc"], async () => (await import("../qc/commands.ts")).registerQc],
  [["repair"], async () => (await import("../repair/commands.ts")).registerRepair],
  [["align"], async () => (await import("../repair/commands.ts")).registerAlign],
  [["deliver"], async () => (await import("../delivery/commands.ts")).registerDeliver],
  [["demo"], async () => (await import("./commands/demo.ts")).registerDemo],
  [["brief"], async () => (await import("../brief/commands.ts")).registerBrief],
];

/**
 * Runs the `controlroom` program on `process.argv` with the given command families: one clear line and a
 * non-zero exit code on an error, never a stack trace (set CONTROLROOM_DEBUG=1 to see one).
 */
export async function runControlroom(families: readonly CommandFamily[]): Promise<void> {
  // `controlroom analyze --json … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const program = new Command();
  program
    .name("controlroom")
    .description("Control Room: analyse, process, render and master audio; run the studio.")
    .version("0.1.0")
    .showHelpAfterError()
    // Usage errors (an unknown option, a missing argument) exit with 2, as a bad option value does in every
    // command; commander has already printed its one line and the help. Help and version exit with 0.
    .exitOverride();
  try {
    const named = process.argv.slice(2).find((a) => !a.startsWith("-"));
    const chosen = families.filter(([names]) => named !== undefined && names.includes(named));
    const versionOnly = named === undefined && process.argv.some((a) => a === "-V" || a === "--version");
    if (named === "render") prestartForRender(process.argv);
    if (!versionOnly) for (const [, load] of chosen.length ? chosen : families) await (await load())(program);
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    // A file's error names the file (AudioFileError prints as `path: problem`).
    if (process.env.CONTROLROOM_DEBUG) console.error(e);
    else {
      const file = (e as { file?: unknown }).file;
      console.error(
        `controlroom: ${typeof file === "string" && file ? `${file}: ` : ""}${(e as Error).message}`,
      );
    }
    process.exitCode = process.exitCode || 1;
  } finally {
    await stopPrestartedWorkers();
  }
}

/**
 * `render` starts its worker threads now, while it loads its code and the session (see workers/prestart.ts):
 * the track workers a render on this machine would use (one per core past the first, at most 7; a session of
 * fewer than 4 tracks, or with too little track work, renders its tracks here and uses the first to decode its
 * sources ahead of it when they are not cached, stopping the rest), and the stem writer with `--stems`.
 * `--threads 1` starts none.
 */
function prestartForRender(argv: readonly string[]): void {
  const at = argv.findIndex((a) => a === "--threads" || a.startsWith("--threads="));
  const given = at < 0 ? Number.NaN : Number(argv[at].includes("=") ? argv[at].split("=")[1] : argv[at + 1]);
  const threads =
    Number.isInteger(given) && given >= 1 ? Math.min(given, 64) : Math.min(availableParallelism(), 8);
  if (threads < 2) return;
  try {
    prestartWorkers("track-worker", threads - 1);
    if (argv.some((a) => a === "--stems" || a.startsWith("--stems="))) prestartWorkers("writer-worker", 1);
  } catch {
    // Only a head start: the render starts its workers itself, and reports there what keeps them from starting.
  }
}
