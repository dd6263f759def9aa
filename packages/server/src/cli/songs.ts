/** `song status`: a song's place in the pipeline. */
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function songCommands(program: Command): void {
  withStudioOptions(
    program
      .command("song")
      .description("Songs")
      .command("status <songId> [status]")
      .description(`Show a song's pipeline history, or move it: ${S.STAGES.join(" → ")}`),
  ).action(async (songId: string, status: string | undefined, o: StudioCliOptions) =>
    withStudio(o, async (s, actor) => {
      let song = await S.getSong(s, actor, songId);
      if (status) song = await S.setSongStatus(s, actor, songId, { version: song.version, status });
      console.log(`${song.title}: ${song.status}`);
      for (const h of song.history)
        console.log(`  ${h.at.toISOString()}  ${h.from ?? "—"} → ${h.to}  by ${h.byName}`);
    }),
  );
}
