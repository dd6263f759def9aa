#!/usr/bin/env node
// Bundles the controlroom CLI and its worker threads into packages/node/dist with esbuild, so a command starts
// in tens of milliseconds instead of compiling TypeScript on every run. The sources stay the truth: the bin
// uses the bundle only while it is newer than every source file (`isCliBundleFresh`), and falls back to
// running the sources through tsx otherwise. npm packages stay external; our workspace packages are bundled.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const nodeSrc = join(root, "packages", "node", "src");
export const BUNDLE_DIR = join(root, "packages", "node", "dist");
export const CLI_BUNDLE = join(BUNDLE_DIR, "controlroom.mjs");
/** npm packages bundled in (pure ESM JavaScript loaded on every command); every other one stays external. */
const BUNDLED_PACKAGES = /^zod(\/|$)/;
/** Source trees the CLI bundle is made from. */
const SOURCES = ["engine", "node"].map((p) => join(root, "packages", p, "src"));

/**
 * Newest modification time of any file below `dir` (build output, dependencies, dot-folders and tests left out:
 * no test is in the bundle, and editing one made every command fall back to the slow sources).
 */
export function newestMtime(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    if (name.endsWith(".test.ts") || name.endsWith(".test.tsx")) continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return t;
}

/** True when the bundle exists and no source file is newer than it. */
export function isCliBundleFresh() {
  if (!existsSync(CLI_BUNDLE)) return false;
  const built = statSync(CLI_BUNDLE).mtimeMs;
  return SOURCES.every((d) => newestMtime(d) <= built);
}

export async function buildCli() {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: {
      controlroom: join(nodeSrc, "cli", "main.ts"),
      "analysis-worker": join(nodeSrc, "analysis", "analysis-worker.ts"),
      "track-worker": join(nodeSrc, "render", "track-worker.ts"),
      "decode-worker": join(nodeSrc, "render", "decode-worker.ts"),
      "writer-worker": join(nodeSrc, "files", "writer-worker.ts"),
      "limiter-worker": join(nodeSrc, "mastering", "limiter-worker.ts"),
      "chain-worker": join(nodeSrc, "processing", "chain-worker.ts"),
    },
    outdir: BUNDLE_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    // Workers find their entries next to this file (packages/node/src/workers/worker-entry.ts).
    banner: { js: "globalThis.__controlroomBundle ??= import.meta.url;" },
    plugins: [
      {
        name: "external-npm-packages",
        setup(b) {
          // Bare imports are npm packages (external) unless they are our own workspace packages — or zod, which
          // every command loads (session and chain validation): as ~100 separate modules it took 55–75 ms of
          // start-up to resolve, read and compile, bundled ~35 ms.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith("@controlroom/") || BUNDLED_PACKAGES.test(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = performance.now();
  await buildCli();
  console.error(`built ${CLI_BUNDLE} in ${Math.round(performance.now() - t)} ms`);
}
