/** `workspace create`: workspaces. */
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { printJson, type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function workspaceCommands(program: Command): void {
  withStudioOptions(
    program
      .command("workspace")
      .description("Workspaces")
      .command("create <name>")
      .description("Create a workspace you own"),
  ).action(async (name: string, o: StudioCliOptions) =>
    withStudio(o, async (s, actor) => printJson(await S.createWorkspace(s, actor, { name }))),
  );
}
