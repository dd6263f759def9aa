import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { registerStudioCommands } from "./index.ts";

/** Runs one command in-process and returns what it printed. */
async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerStudioCommands(program);
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  try {
    await program.parseAsync(["node", "controlroom", ...args]);
  } finally {
    console.log = log;
  }
  return out.join("\n");
}

test("studio commands work on an embedded database through the service layer", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cr-cli-"));
  const d = ["--data", dir];
  try {
    await run(
      "user",
      "create",
      "--email",
      "p@example.com",
      "--name",
      "Pat",
      "--password",
      "correct horse battery",
      ...d,
    );
    const as = [...d, "--as", "p@example.com"];
    const ws = JSON.parse(await run("workspace", "create", "Home", ...as));
    const p = JSON.parse(
      await run("project", "create", "Debut", "--workspace", ws.id, "--kind", "single", ...as),
    );
    assert.deepEqual(p.myRoles, ["producer"]);
    assert.match(await run("project", "list", ...as), /Debut \[single, planning\]/);
    const budget = await run("budget", "show", p.id, ...as);
    assert.match(budget, /total\s+0\.00 EUR/);
    await assert.rejects(
      run("project", "create", "x", "--workspace", ws.id, "--kind", "mixtape", ...as),
      /kind: /,
    );
    await assert.rejects(
      run("budget", "show", p.id, ...d, "--as", "nobody@example.com"),
      /--as: no account for nobody@example\.com in --data .*cr-cli-.* \(create one with `controlroom user create`/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
