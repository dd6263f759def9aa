#!/usr/bin/env node
// `npm start`: the studio on a fresh clone. Builds the web app the first time (or when its sources are newer
// than the build), then runs `controlroom serve --demo` on the embedded database in ./controlroom-data, so a
// newcomer signs in to a seeded demo project at once. Arguments after `npm start --` go to `serve`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { newestMtime } from "./build-cli.mjs";

const root = new URL("..", import.meta.url).pathname;
const web = join(root, "packages", "web");
const built = join(web, "dist", "index.html");

if (existsSync(web) && (!existsSync(built) || newestMtime(join(web, "app")) > statSync(built).mtimeMs)) {
  console.error("building the web app (first run) …");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["run", "build", "-w", "packages/web"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const args = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [join(root, "packages", "cli", "bin", "controlroom.js"), "serve", "--demo", ...args],
  // Two malloc arenas instead of glibc's 8 per core: the job worker threads otherwise leave ~200 MB of freed
  // but never returned memory behind them (see README, "Memory").
  { cwd: root, stdio: "inherit", env: { MALLOC_ARENA_MAX: "2", ...process.env } },
);
process.exit(r.status ?? 1);
