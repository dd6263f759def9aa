/**
 * Putting a finished set of stems in place: a new or empty folder is replaced in one rename; into a folder that
 * already holds files the stems replace their namesakes, other files stay, and the manifest comes last; a path
 * naming a file is refused before anything is rendered.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkStemFolder, publishStemFolder } from "./stems.ts";

const root = mkdtempSync(join(tmpdir(), "cr-stems-"));
after(() => rmSync(root, { recursive: true, force: true }));

function staged(name: string): string {
  const d = join(root, name);
  mkdirSync(d);
  writeFileSync(join(d, "01-kick.wav"), "new kick");
  writeFileSync(join(d, "02-vox.wav"), "new vox");
  writeFileSync(join(d, "manifest.txt"), "new manifest");
  return d;
}

describe("stem folders", () => {
  it("a folder that does not exist, or is empty, arrives whole", async () => {
    for (const [name, make] of [
      ["fresh", false],
      ["empty", true],
    ] as const) {
      const target = join(root, name);
      if (make) mkdirSync(target);
      const s = staged(`${name}.staging`);
      await publishStemFolder(s, target);
      assert.deepEqual(readdirSync(target).sort(), ["01-kick.wav", "02-vox.wav", "manifest.txt"]);
      assert.equal(existsSync(s), false);
    }
  });

  it("into a folder with files: namesakes replaced, others kept, the new manifest in place", async () => {
    const target = join(root, "used");
    mkdirSync(target);
    writeFileSync(join(target, "01-kick.wav"), "old kick");
    writeFileSync(join(target, "notes.txt"), "mine");
    writeFileSync(join(target, "manifest.txt"), "old manifest");
    const s = staged("used.staging");
    await publishStemFolder(s, target);
    assert.deepEqual(readdirSync(target).sort(), ["01-kick.wav", "02-vox.wav", "manifest.txt", "notes.txt"]);
    assert.equal(readFileSync(join(target, "01-kick.wav"), "utf8"), "new kick");
    assert.equal(readFileSync(join(target, "manifest.txt"), "utf8"), "new manifest");
    assert.equal(readFileSync(join(target, "notes.txt"), "utf8"), "mine");
    assert.equal(existsSync(s), false);
  });

  it("a path that names a file is refused, naming it", () => {
    const f = join(root, "a-file");
    writeFileSync(f, "x");
    assert.throws(
      () => checkStemFolder(f),
      (e: Error) => e.toString() === `${f}: is not a folder (stems go into a folder or a .zip)`,
    );
    checkStemFolder(join(root, "not-yet"));
  });
});
