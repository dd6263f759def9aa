import { Command } from "commander";

// `controlroom analyze --json … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

type Register = (program: Command) => void | Promise<void>;

/**
 * Each command family and how to load it. Only the family named on the command line is loaded (all of them
 * for help or an unknown name): `controlroom analyze` starts without compiling the mastering chain, the
 * session renderer or the studio server.
 */
const FAMILIES: [names: string[], load: () => Promise<Register>][] = [
  [["analyze"], async () => (await import("./commands/analyze.ts")).registerAnalyze],
  [["process"], async () => (await import("./commands/process.ts")).registerProcess],
  [["render", "session"], async () => (await import("../session/commands.ts")).registerRenderCommands],
  [["master"], async () => (await import("../mastering/commands.ts")).registerMaster],
  [["qc"], async () => (await import("../qc/commands.ts")).registerQc],
  [["repair"], async () => (await import("../repair/commands.ts")).registerRepair],
  [["align"], async () => (await import("../repair/commands.ts")).registerAlign],
  [["deliver"], async () => (await import("../delivery/commands.ts")).registerDeliver],
  [["demo"], async () => (await import("./commands/demo.ts")).registerDemo],
  [["serve", "worker", "user", "workspace", "project", "song", "booking", "budget"], loadStudioCommands],
];

/**
 * The studio commands live in @controlroom/server, a layer above this one; they are there when that package
 * is installed beside this one, and simply absent otherwise.
 */
async function loadStudioCommands(): Promise<Register> {
  try {
    // From the prebuilt CLI bundle the TypeScript loader is not registered yet; the studio runs from sources.
    if ((globalThis as { __controlroomBundle?: string }).__controlroomBundle) {
      const { register } = await import("tsx/esm/api");
      register();
    }
    // A computed specifier: this package must typecheck and run without the server package.
    const specifier = "@controlroom/server/cli/index.ts";
    const studio = (await import(specifier)) as { registerStudioCommands: Register };
    return studio.registerStudioCommands;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw e;
    return () => {};
  }
}

const program = new Command();
program
  .name("controlroom")
  .description("Control Room: analyse, process, render and master audio; run the studio.")
  .version("0.1.0")
  .showHelpAfterError();

try {
  const named = process.argv.slice(2).find((a) => !a.startsWith("-"));
  const chosen = FAMILIES.filter(([names]) => named !== undefined && names.includes(named));
  const versionOnly = named === undefined && process.argv.some((a) => a === "-V" || a === "--version");
  if (!versionOnly) for (const [, load] of chosen.length ? chosen : FAMILIES) await (await load())(program);
  await program.parseAsync(process.argv);
} catch (e) {
  // One clear line, never a stack trace (set CONTROLROOM_DEBUG=1 to see one).
  if (process.env.CONTROLROOM_DEBUG) console.error(e);
  else console.error(`controlroom: ${(e as Error).message}`);
  process.exitCode = process.exitCode || 1;
}
