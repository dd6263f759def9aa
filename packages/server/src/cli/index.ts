/**
 * The studio's commands for the `controlroom` program: `serve`, `worker`, `project …`, `song status`,
 * `booking add`, `budget show`, `user create`. They call the same service layer as the HTTP API.
 */
import { resolve } from "node:path";
import * as S from "@controlroom/studio";
import { DEMO_LOGIN, seedDemo } from "@controlroom/studio/demo/seed-demo.ts";
import type { Command } from "commander";
import { buildServer } from "../app.ts";
import { serveWebApp } from "../web-static.ts";
import { type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

const json = (x: unknown) => console.log(JSON.stringify(x, null, 2));

/** Registers the studio commands on a commander program. */
export function registerStudioCommands(program: Command): void {
  withStudioOptions(
    program
      .command("serve")
      .description("Run the studio server (embedded database in --data, or PostgreSQL with --database-url)")
      .option("--port <n>", "TCP port", "4000")
      .option("--host <addr>", "address to listen on", "127.0.0.1")
      .option("--demo", "seed a demo project on first run (an empty database)")
      .option(
        "--queue <kind>",
        "job queue: in-process | pg-boss | none (default: in-process on the embedded database, pg-boss on PostgreSQL)",
      )
      .option("--workers <n>", "with pg-boss: job workers inside the server process", "1"),
    false,
  ).action(
    async (
      o: StudioCliOptions & {
        port: string;
        host: string;
        demo?: boolean;
        queue?: "in-process" | "pg-boss" | "none";
        workers: string;
      },
    ) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: ${o.port} is not a TCP port`);
      const studio = await S.openStudio({
        dataDir: resolve(o.data),
        databaseUrl: o.databaseUrl,
        queue: o.queue,
        localWorkers: Number(o.workers),
      });
      if (o.demo) {
        const seeded = await seedDemo(studio);
        if (seeded)
          console.log(
            `demo: seeded "Night Drive EP" — sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
          );
      }
      const app = await buildServer(studio);
      // The web app, when it has been built (packages/web/dist), is served from the same origin.
      const web = await serveWebApp(app);
      const stop = async () => {
        await app.close();
        await studio.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await app.listen({ port, host: o.host });
      const where =
        studio.store.kind === "pglite" ? `embedded database in ${resolve(o.data, "db")}` : "PostgreSQL";
      console.log(
        `controlroom studio on http://${o.host}:${port} (${where}; jobs: ${studio.jobs?.kind ?? "none"})`,
      );
      console.log(
        `  API: http://${o.host}:${port}/api/openapi.json   health: http://${o.host}:${port}/api/health`,
      );
      if (web) console.log(`  web app: http://${o.host}:${port}/`);
    },
  );

  withStudioOptions(
    program
      .command("worker")
      .description(
        "Run jobs from the PostgreSQL queue (pg-boss); start any number, on any machine sharing --data",
      )
      .option("--concurrency <n>", "jobs at once per kind", "1"),
    false,
  ).action(async (o: StudioCliOptions & { concurrency: string }) => {
    if (!o.databaseUrl)
      throw new Error("--database-url: workers need the PostgreSQL server (or set DATABASE_URL)");
    const store = await S.openStore({ databaseUrl: o.databaseUrl });
    const w = await S.startPgBossWorker({
      db: store.db,
      databaseUrl: o.databaseUrl,
      blobRoot: resolve(o.data, "blobs"),
      concurrency: Number(o.concurrency),
      onJob: (id, outcome) => console.log(`job ${id}: ${outcome}`),
    });
    console.log(`controlroom worker ${process.pid}: waiting for jobs`);
    const stop = async () => {
      await w.stop();
      await store.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

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
      json(await S.register(s, o));
    } finally {
      await s.close();
    }
  });

  withStudioOptions(
    program
      .command("workspace")
      .description("Workspaces")
      .command("create <name>")
      .description("Create a workspace you own"),
  ).action(async (name: string, o: StudioCliOptions) =>
    withStudio(o, async (s, actor) => json(await S.createWorkspace(s, actor, { name }))),
  );

  const project = program.command("project").description("Projects: list, create, show");
  withStudioOptions(
    project.command("list").description("Your workspaces and projects").option("--json", "print JSON"),
  ).action(async (o: StudioCliOptions & { json?: boolean }) =>
    withStudio(o, async (s, actor) => {
      const out = [];
      for (const w of await S.listWorkspaces(s, actor))
        out.push({ workspace: w, projects: await S.listProjects(s, actor, w.id) });
      if (o.json) return json(out);
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
        json(
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
      if (o.json) return json(d);
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

  withStudioOptions(
    program
      .command("booking")
      .description("Schedule")
      .command("add <projectId>")
      .description("Book a room and/or people; a clash names the conflicting booking")
      .requiredOption("--title <text>")
      .requiredOption("--start <iso>", "start, ISO 8601 with offset, e.g. 2027-03-01T10:00:00+01:00")
      .requiredOption("--end <iso>", "end, ISO 8601 with offset")
      .option("--tz <zone>", "IANA time zone for display", Intl.DateTimeFormat().resolvedOptions().timeZone)
      .option("--room <roomId>", "room id")
      .option("--person <email...>", "people to book (e-mails)")
      .option("--confirm", "confirmed instead of a hold"),
  ).action(
    async (
      projectId: string,
      o: StudioCliOptions & {
        title: string;
        start: string;
        end: string;
        tz: string;
        room?: string;
        person?: string[];
        confirm?: boolean;
      },
    ) =>
      withStudio(o, async (s, actor) => {
        const people = await Promise.all((o.person ?? []).map(async (e) => (await S.userByEmail(s, e)).id));
        const b = await S.createBooking(s, actor, projectId, {
          title: o.title,
          roomId: o.room,
          people,
          status: o.confirm ? "confirmed" : "hold",
          startsAt: o.start,
          endsAt: o.end,
          timeZone: o.tz,
        });
        console.log(
          `booked ${b.id}: ${b.title} ${b.localStart}–${b.localEnd} ${b.timeZone} [${b.status}] cost ${S.formatMoney(b.costMinor, (await S.getProject(s, actor, projectId)).currency)}`,
        );
      }),
  );

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
      if (o.json) return json(b);
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
