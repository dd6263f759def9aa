import { Command } from "commander";
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
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // One clear line, never a stack trace (set CONTROLROOM_DEBUG=1 to see one).
  if (process.env.CONTROLROOM_DEBUG) console.error(e);
  else console.error(`controlroom: ${(e as Error).message}`);
  process.exitCode = process.exitCode || 1;
}
