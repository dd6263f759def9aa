import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { newestMtime } from "./build-cli.mjs";

const dir = mkdtempSync(join(tmpdir(), "cr-build-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

it("newestMtime: the newest source below a folder, tests, build output and dependencies left out", () => {
  mkdirSync(join(dir, "sub"));
  mkdirSync(join(dir, "dist"));
  mkdirSync(join(dir, "node_modules"));
  const at = (path: string, seconds: number) => {
    writeFileSync(path, "x");
    utimesSync(path, seconds, seconds);
  };
  at(join(dir, "a.ts"), 1_000);
  at(join(dir, "sub", "b.ts"), 2_000);
  // Newer, but not what the bundle is made of.
  at(join(dir, "sub", "b.test.ts"), 3_000);
  at(join(dir, "c.test.tsx"), 3_000);
  at(join(dir, "dist", "out.mjs"), 3_000);
  at(join(dir, "node_modules", "dep.js"), 3_000);
  assert.equal(newestMtime(dir), statSync(join(dir, "sub", "b.ts")).mtimeMs);
  at(join(dir, "a.ts"), 4_000);
  assert.equal(newestMtime(dir), statSync(join(dir, "a.ts")).mtimeMs);
});
