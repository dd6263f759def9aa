#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the dependencies first when they are
// missing or older than package-lock.json. Quick no-op otherwise.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

// The Node versions package.json's engines names (^20.19.0 || >=22.13.0): say so plainly rather than fail later.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 13)) {
  console.error(`Control Room needs Node.js 20.19+ or 22.13+; this is Node.js ${process.versions.node}.`);
  process.exit(1);
}
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
