#!/usr/bin/env node
// The `controlroom` program: the audio commands from @controlroom/node, the studio's (serve, worker, user, …)
// from @controlroom/server. Only the family named on the command line is loaded (every family for help or an
// unknown name), so `controlroom analyze` never loads the studio, and the studio runs from its TypeScript
// sources (its job workers start from them).
import { loadCommandLine, useTypeScript } from "@controlroom/node/bin/command-line.js";

/** The studio's command names, and its registration (packages/server/src/cli/index.ts). */
const STUDIO_COMMANDS = [
  ["serve", "worker", "user", "workspace", "project", "song", "booking", "budget"],
  async () => {
    await useTypeScript();
    return (await import("@controlroom/server/cli/index.ts")).registerStudioCommands;
  },
];

const cli = await loadCommandLine();
await cli.runControlroom([...cli.FAMILIES, STUDIO_COMMANDS]);
