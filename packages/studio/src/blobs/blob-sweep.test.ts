import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Studio } from "../context.ts";
import { openTestStudio, type TestStudio } from "../testing/test-studio.ts";
import { BlobStore } from "./blob-store.ts";
import { checkBlobStore, sweepBlobStore } from "./blob-sweep.ts";

/** A minimal WAV header with `n` bytes of silence. */
const wav = (n: number) => {
  const b = Buffer.alloc(44 + n);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + n, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(n, 40);
  return b;
};

/** One chunk as the stream the store reads. */
async function* bytes(b: Buffer) {
  yield b;
}

describe("blob store check and sweep", () => {
  let t: TestStudio;
  let s: Studio;
  let dir: string;
  before(async () => {
    t = await openTestStudio("pglite");
    dir = await mkdtemp(join(tmpdir(), "cr-sweep-"));
    s = { ...t.studio, blobs: new BlobStore(dir) };
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test("finds a crash's leftovers and removes them only once older than the grace period", async () => {
    const blobs = s.blobs as BlobStore;
    const kept = await blobs.put(bytes(wav(100)));
    await s.db.insertInto("blobs").values({ sha256: kept.sha256, size: kept.size, format: "wav" }).execute();
    const orphan = await blobs.put(bytes(wav(200))); // stored, but killed before its row
    mkdirSync(join(dir, "tmp", "render-x"), { recursive: true });
    writeFileSync(join(dir, "tmp", "render-x", "mix.wav"), "partial");
    writeFileSync(join(dir, "tmp", "upload"), "partial");
    const c = await checkBlobStore(s, true);
    assert.deepEqual(c.rowsWithoutFile, []);
    assert.deepEqual(c.corruptFiles, []);
    assert.deepEqual(c.filesWithoutRow, [blobs.pathOf(orphan.sha256)]);
    assert.equal(c.temporary.length, 2);
    // Young leftovers may be work in progress: kept.
    assert.deepEqual(await sweepBlobStore(s, { graceMs: 3600_000 }), {
      temporaryRemoved: 0,
      orphansRemoved: 0,
    });
    const later = Date.now() + 2 * 3600_000;
    assert.deepEqual(await sweepBlobStore(s, { graceMs: 3600_000, now: later }), {
      temporaryRemoved: 2,
      orphansRemoved: 1,
    });
    const after = await checkBlobStore(s, true);
    assert.deepEqual(after, { rowsWithoutFile: [], filesWithoutRow: [], corruptFiles: [], temporary: [] });
    assert.ok(await blobs.has(kept.sha256));
  });

  test("a file whose bytes do not match its name is reported", async () => {
    const blobs = s.blobs as BlobStore;
    const b = await blobs.put(bytes(wav(300)));
    writeFileSync(blobs.pathOf(b.sha256), "short");
    assert.deepEqual((await checkBlobStore(s, true)).corruptFiles, [blobs.pathOf(b.sha256)]);
  });
});
