// Runs only the studio commands (development and tests); the real program is packages/cli's `controlroom`.
import { Command } from "commander";
import { registerStudioCommands } from "./index.ts";

const program = new Command().name("controlroom").showHelpAfterError();
registerStudioCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (process.env.CONTROLROOM_DEBUG) console.error(e);
  else console.error(`controlroom: ${(e as Error).message}`);
  process.exitCode = 1;
}
