/** `budget show`: planned against actual. */
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { printJson, type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function budgetCommands(program: Command): void {
  withStudioOptions(
    program
      .command("budget")
      .description("Budget")
      .command("show <projectId>")
      .description("Planned vs actual with overspend warnings")
      .option("--json", "print JSON"),
  ).action(async (projectId: string, o: StudioCliOptions & { json?: boolean }) =>
    withStudio(o, async (s, actor) => {
      const b = await S.budgetSummary(s, actor, projectId);
      if (o.json) return printJson(b);
      const m = (x: number) => S.formatMoney(x, b.currency).padStart(16);
      console.log(
        `${"category".padEnd(18)}${"planned".padStart(16)}${"actual".padStart(16)}${"remaining".padStart(16)}`,
      );
      for (const [c, t] of Object.entries(b.byCategory))
        console.log(
          `${c.padEnd(18)}${m(t.plannedMinor)}${m(t.actualMinor)}${m(t.remainingMinor)}${t.over ? "  OVER" : ""}`,
        );
      console.log(
        `${"total".padEnd(18)}${m(b.total.plannedMinor)}${m(b.total.actualMinor)}${m(b.total.remainingMinor)}`,
      );
      for (const w of b.warnings) console.log(`warning: ${w}`);
    }),
  );
}
