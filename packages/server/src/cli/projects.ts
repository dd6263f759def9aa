/** `project list | create | show`: projects and the dashboard. */
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { printJson, type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function projectCommands(program: Command): void {
  const project = program.command("project").description("Projects: list, create, show");
  withStudioOptions(
    project.command("list").description("Your workspaces and projects").option("--json", "print JSON"),
  ).action(async (o: StudioCliOptions & { json?: boolean }) =>
    withStudio(o, async (s, actor) => {
      const out = [];
      for (const w of await S.listWorkspaces(s, actor))
        out.push({ workspace: w, projects: await S.listProjects(s, actor, w.id) });
      if (o.json) return printJson(out);
      for (const { workspace, projects } of out) {
        console.log(`${workspace.name}  (workspace ${workspace.id})`);
        for (const p of projects)
          console.log(
            `  ${p.id}  ${p.title} [${p.kind}, ${p.status}] release ${p.releaseDate ?? "—"}  roles: ${p.myRoles.join(", ")}`,
          );
      }
    }),
  );
  withStudioOptions(
    project
      .command("create <title>")
      .description("Create a project; you become its producer")
      .requiredOption("--workspace <id>", "workspace id (see project list)")
      .option("--kind <kind>", "album | ep | single", "album")
      .option("--release-date <date>", "YYYY-MM-DD")
      .option("--currency <code>", "budget currency", "EUR"),
  ).action(
    async (
      title: string,
      o: StudioCliOptions & { workspace: string; kind: string; releaseDate?: string; currency: string },
    ) =>
      withStudio(o, async (s, actor) =>
        printJson(
          await S.createProject(s, actor, {
            workspaceId: o.workspace,
            title,
            kind: o.kind,
            releaseDate: o.releaseDate,
            currency: o.currency,
          }),
        ),
      ),
  );
  withStudioOptions(
    project.command("show <projectId>").description("The project dashboard").option("--json", "print JSON"),
  ).action(async (id: string, o: StudioCliOptions & { json?: boolean }) =>
    withStudio(o, async (s, actor) => {
      const d = await S.getDashboard(s, actor, id);
      if (o.json) return printJson(d);
      console.log(
        `${d.project.title} [${d.project.kind}, ${d.project.status}] release ${d.project.releaseDate ?? "—"}`,
      );
      console.log(`  team: ${d.team.map((m) => `${m.name} (${m.roles.join("+")})`).join(", ")}`);
      console.log(
        `  ${d.songCount} songs: ${Object.entries(d.stages)
          .filter(([, n]) => n)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}; ${d.openTasks} open tasks`,
      );
      for (const x of d.songs)
        console.log(
          `  ${String(x.position).padStart(3)}. ${x.title.padEnd(28)} ${x.status.padEnd(15)} comments ${x.openComments}  tasks ${x.openTasks}  ${x.latestVersion ? `${x.latestVersion.kind} v${x.latestVersion.number}: ${x.latestVersion.approvalState}` : ""}  (${x.id})`,
        );
      for (const b of d.upcomingBookings)
        console.log(
          `  booked: ${b.localStart}–${b.localEnd.slice(11)} ${b.timeZone}  ${b.title} [${b.status}]`,
        );
      for (const w of d.budget?.warnings ?? []) console.log(`  budget warning: ${w}`);
    }),
  );
}
