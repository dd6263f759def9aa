/** The `serve` command: the studio server (API, job queue, and the web app when built). */
import { resolve } from "node:path";
import * as S from "@controlroom/studio";
import { DEMO_LOGIN, seedDemo } from "@controlroom/studio/demo/seed-demo.ts";
import type { Command } from "commander";
import { buildServer } from "../app.ts";
import { serveWebApp } from "../web-static.ts";
import { closeOnSignal, type StudioCliOptions, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function serveCommand(program: Command): void {
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
      .option("--workers <n>", "with pg-boss: job workers inside the server process", "1")
      .option(
        "--allowed-origin <url...>",
        "another origin whose pages may call the API with the session cookie (the server's own host always may)",
      )
      .option("--secure-cookies", "send cookies only over HTTPS (behind a TLS-terminating proxy)"),
    false,
  ).action(
    async (
      o: StudioCliOptions & {
        port: string;
        host: string;
        demo?: boolean;
        queue?: "in-process" | "pg-boss" | "none";
        workers: string;
        allowedOrigin?: string[];
        secureCookies?: boolean;
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
      // What a crash or kill left in the blob store over an hour ago: temporary files, job scratch folders,
      // files whose row was never added (blob-sweep.ts). In the background: the server starts at once.
      void S.sweepBlobStore(studio)
        .then((r) => {
          if (r.temporaryRemoved || r.orphansRemoved)
            console.log(
              `blob store: removed ${r.temporaryRemoved} temporary files and ${r.orphansRemoved} files without a row (left by a crash)`,
            );
        })
        .catch((e) => console.error(`blob store: sweep failed: ${(e as Error).message}`));
      if (o.demo) {
        const seeded = await seedDemo(studio);
        if (seeded)
          console.log(
            `demo: seeded "Night Drive EP" — sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
          );
      }
      for (const origin of o.allowedOrigin ?? [])
        if (!/^https?:\/\/[^/]+\/?$/.test(origin))
          throw new Error(`--allowed-origin: ${origin} is not an origin like https://studio.example.com`);
      const app = await buildServer(studio, {
        allowedOrigins: o.allowedOrigin,
        secureCookies: o.secureCookies,
      });
      // The web app, when it has been built (packages/web/dist), is served from the same origin.
      const web = await serveWebApp(app);
      closeOnSignal(async () => {
        await app.close();
        await studio.close();
      });
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
}
