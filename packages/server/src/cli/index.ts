/**
 * The studio's commands for the `controlroom` program: `serve`, `worker`, `user create`, `workspace create`,
 * `project list | create | show`, `song status`, `booking add`, `budget show` — one module per command
 * family. They call the same service layer as the HTTP API.
 */
import type { Command } from "commander";
import { userCommands } from "./accounts.ts";
import { budgetCommands } from "./budget.ts";
import { projectCommands } from "./projects.ts";
import { bookingCommands } from "./schedule.ts";
import { serveCommand } from "./serve.ts";
import { songCommands } from "./songs.ts";
import { workerCommand } from "./worker.ts";
import { workspaceCommands } from "./workspaces.ts";

/** The command families, in the order `controlroom --help` lists them. */
const STUDIO_COMMANDS: ((program: Command) => void)[] = [
  serveCommand,
  workerCommand,
  userCommands,
  workspaceCommands,
  projectCommands,
  songCommands,
  bookingCommands,
  budgetCommands,
];

/** Registers the studio commands on a commander program. */
export function registerStudioCommands(program: Command): void {
  for (const add of STUDIO_COMMANDS) add(program);
}
