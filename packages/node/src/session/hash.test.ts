import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sha256File } from "./hash.ts";

test("sha256File: the whole file's sha256 at every size around its read steps, with and without a scratch buffer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-hash-"));
  try {
    let seed = 7;
    const sizes = [0, 1, 65535, 65536, 65537, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2_500_001];
    for (const size of sizes) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const path = join(dir, `f${size}`);
      writeFileSync(path, bytes);
      const expected = createHash("sha256").update(bytes).digest("hex");
      assert.equal(await sha256File(path), expected, `${size} bytes`);
      // A 64 KB scratch: many steps, the last one partial; the same scratch reused for the next file.
      const scratch = new Uint8Array(1 << 16);
      assert.equal(await sha256File(path, scratch), expected, `${size} bytes, 64 KB scratch`);
      assert.equal(await sha256File(path, scratch), expected, `${size} bytes, scratch reused`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sha256File: a missing file rejects with its code", async () => {
  await assert.rejects(sha256File(join(tmpdir(), "cr-no-such-file.flac")), { code: "ENOENT" });
});
