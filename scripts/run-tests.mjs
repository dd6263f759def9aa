#!/usr/bin/env node
// Runs every test beside the code (packages/*/src/**/*.test.ts) with Node's own test runner through tsx.
// Arguments narrow the run: `npm test -- engine` runs only files whose path contains "engine".
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith("-"));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src");
  try {
    statSync(src);
  } catch {
    continue;
  }
  walk(src, files);
}
const chosen = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (chosen.length === 0) {
  console.error(`no test files match ${filters.join(", ") || "packages/*/src/**/*.test.ts"}`);
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", ...passthrough, ...chosen],
  { stdio: "inherit", cwd: root },
);
process.exit(r.status ?? 1);
