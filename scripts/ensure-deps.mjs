#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the dependencies first when they are
// missing or older than package-lock.json. Quick no-op otherwise.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const marker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const stale =
  !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.error("installing dependencies (first run) …");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The prebuilt CLI bundle (fast start-up); the bin falls back to the TypeScript sources when it is stale.
const { buildCli, isCliBundleFresh } = await import("./build-cli.mjs");
if (!isCliBundleFresh()) {
  try {
    await buildCli();
  } catch (e) {
    console.error(`note: could not prebuild the CLI (${e.message}); it will run from its TypeScript sources`);
  }
}
