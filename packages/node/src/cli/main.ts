import { Command } from "commander";
import { registerDeliver } from "../delivery/commands.ts";
import { registerMaster } from "../mastering/commands.ts";
import { registerQc } from "../qc/commands.ts";
import { registerRenderCommands } from "../session/commands.ts";
import { registerAnalyze } from "./commands/analyze.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerProcess } from "./commands/process.ts";

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
  .showHelpAfterError();

registerAnalyze(program);
registerProcess(program);
registerRenderCommands(program);
registerMaster(program);
registerQc(program);
registerDeliver(program);
registerDemo(program);

// The studio commands (serve, worker, project, song, booking, budget) live in @controlroom/server, a layer
// above this one; they are loaded when that package is installed beside this one.
try {
  // A computed specifier: this package must typecheck and run without the server package.
  const specifier = "@controlroom/server/cli/index.ts";
  const studio = (await import(specifier)) as { registerStudioCommands(p: Command): void };
  studio.registerStudioCommands(program);
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw e;
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // One clear line, never a stack trace (set CONTROLROOM_DEBUG=1 to see one).
  if (process.env.CONTROLROOM_DEBUG) console.error(e);
  else console.error(`controlroom: ${(e as Error).message}`);
  process.exitCode = process.exitCode || 1;
}
