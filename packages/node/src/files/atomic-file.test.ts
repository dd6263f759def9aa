import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AtomicFile, FLUSH_EVERY_BYTES } from "./atomic-file.ts";

/** Bytes i·7 mod 251 (no period of a power of two, so a misplaced block shows). */
function pattern(n: number, from: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((from + i) * 7) % 251;
  return b;
}

test("AtomicFile: many flush periods of writes commit the exact bytes; nothing is left beside the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-atomic-"));
  const path = join(dir, "out.bin");
  const f = await AtomicFile.create(path);
  const block = 300_000;
  const total = 3 * FLUSH_EVERY_BYTES + 12_345;
  for (let at = 0; at < total; at += block) await f.writeAt(pattern(Math.min(block, total - at), at), at);
  assert.equal(existsSync(path), false, "nothing under the final name before commit");
  await f.commit();
  assert.deepEqual(new Uint8Array(readFileSync(path)), pattern(total, 0));
  assert.deepEqual(readdirSync(dir), ["out.bin"]);
});

test("AtomicFile: abort while a background flush may be in flight removes the temporary file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-atomic-"));
  const path = join(dir, "out.bin");
  const f = await AtomicFile.create(path);
  await f.writeAt(pattern(FLUSH_EVERY_BYTES + 1, 0), 0); // starts a flush
  await f.abort();
  assert.deepEqual(readdirSync(dir), []);
});
