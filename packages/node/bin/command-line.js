// Loads the controlroom program's module (packages/node/src/cli/main.ts: the audio command families and the
// runner): the prebuilt bundle (packages/node/dist, made by scripts/build-cli.mjs) while it is up to date with
// the sources, and the TypeScript sources through tsx otherwise — same behaviour, the bundle only starts faster.
// Shared by this package's bin (the audio commands alone) and packages/cli's (every command).
import { existsSync } from "node:fs";

let typeScript = false;

/** Registers tsx's loader once, so TypeScript sources can be imported (the studio always runs from them). */
export async function useTypeScript() {
  if (typeScript) return;
  const { register } = await import("tsx/esm/api");
  register();
  typeScript = true;
}

/** @returns the module: `{ FAMILIES, runControlroom(families) }`. */
export async function loadCommandLine() {
  const buildScript = new URL("../../../scripts/build-cli.mjs", import.meta.url);
  let useBundle = false;
  if (!process.env.CONTROLROOM_FROM_SOURCE && existsSync(buildScript)) {
    const { isCliBundleFresh } = await import(buildScript.href);
    useBundle = isCliBundleFresh();
  } else if (!process.env.CONTROLROOM_FROM_SOURCE) {
    // Installed without the repository's scripts: use the bundle if it was shipped.
    useBundle = existsSync(new URL("../dist/controlroom.mjs", import.meta.url));
  }
  if (useBundle) return import("../dist/controlroom.mjs");
  await useTypeScript();
  return import("../src/cli/main.ts");
}
