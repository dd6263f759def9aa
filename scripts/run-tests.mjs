#!/usr/bin/env node
// Runs every test beside the code (packages/*/src/**/*.test.ts, the web app's packages/web/app/**/*.test.ts
// and *.test.tsx, and the scripts' own scripts/*.test.ts) with Node's own test runner through tsx, in one run with one summary.
// Arguments narrow the run: `npm test -- engine` runs only files whose path contains "engine".
// tsx compiles with scripts/tsconfig.tests.json, which covers every package's folders and sets the JSX runtime
// the web app's components need (tsx applies a tsconfig only to the files it includes).
// Every test process gets a fresh decoded-audio cache folder (CONTROLROOM_CACHE_DIR), deleted when the run ends
// however it ends (pass, failure, Ctrl-C): tests must never fill or read the user's own cache.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith("-"));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.ts") || name.endsWith(".test.tsx")) out.push(p);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  // src/ holds each package's code; app/ the web app's.
  for (const folder of ["src", "app"]) {
    const dir = join(root, "packages", pkg, folder);
    try {
      statSync(dir);
    } catch {
      continue;
    }
    walk(dir, files);
  }
}
walk(join(root, "scripts"), files);
const chosen = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (chosen.length === 0) {
  console.error(`no test files match ${filters.join(", ") || "packages/*/{src,app}/**/*.test.{ts,tsx}"}`);
  process.exit(1);
}

const cacheDir = mkdtempSync(join(tmpdir(), "controlroom-test-cache-"));
const removeCache = () => rmSync(cacheDir, { recursive: true, force: true });
// "exit" handlers run on every normal way out, including process.exit below.
process.on("exit", removeCache);
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", ...passthrough, ...chosen],
  {
    stdio: "inherit",
    cwd: root,
    env: {
      ...process.env,
      CONTROLROOM_CACHE_DIR: cacheDir,
      TSX_TSCONFIG_PATH: process.env.TSX_TSCONFIG_PATH ?? join(root, "scripts", "tsconfig.tests.json"),
    },
  },
);
// A signal does not kill this process (that would skip the clean-up): it is passed on to the test runner
// (Ctrl-C reaches both already; a second SIGINT only hurries it), and we leave once it has stopped.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  });
}
child.on("error", (e) => {
  console.error(`cannot start the test runner: ${e.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
