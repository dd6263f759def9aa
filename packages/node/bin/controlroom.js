#!/usr/bin/env node
// The controlroom command. Runs the prebuilt bundle (packages/node/dist, made by scripts/build-cli.mjs) while
// it is up to date with the sources, and the TypeScript sources through tsx otherwise — same behaviour, the
// bundle only starts faster.
import { existsSync } from "node:fs";

const buildScript = new URL("../../../scripts/build-cli.mjs", import.meta.url);
let useBundle = false;
if (!process.env.CONTROLROOM_FROM_SOURCE && existsSync(buildScript)) {
  const { isCliBundleFresh } = await import(buildScript.href);
  useBundle = isCliBundleFresh();
} else if (!process.env.CONTROLROOM_FROM_SOURCE) {
  // Installed without the repository's scripts: use the bundle if it was shipped.
  useBundle = existsSync(new URL("../dist/controlroom.mjs", import.meta.url));
}

if (useBundle) {
  await import("../dist/controlroom.mjs");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
