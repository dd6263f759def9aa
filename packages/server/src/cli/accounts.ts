/** `user create`: accounts. */
import { resolve } from "node:path";
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { printJson, type StudioCliOptions, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function userCommands(program: Command): void {
  withStudioOptions(
    program
      .command("user")
      .description("Accounts")
      .command("create")
      .description("Create an account")
      .requiredOption("--email <email>")
      .requiredOption("--name <name>")
      .requiredOption("--password <password>"),
    false,
  ).action(async (o: StudioCliOptions & { email: string; name: string; password: string }) => {
    const s = await S.openStudio({ dataDir: resolve(o.data), databaseUrl: o.databaseUrl, queue: "none" });
    try {
      printJson(await S.register(s, o));
    } finally {
      await s.close();
    }
  });
}
