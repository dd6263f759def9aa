import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { FileSource } from "./file-source.ts";
import { tempFolder } from "./test-support.ts";
import { AudioFileError } from "./types.ts";

const tmp = tempFolder("file-source");
after(() => tmp.remove());

describe("FileSource: reads on the calling thread (syncReads) and on the pool give the same bytes", () => {
  const size = 300_001;
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 2654435761) >>> 24);
  const path = tmp.path("bytes.bin");
  writeFileSync(path, bytes);

  for (const syncReads of [false, true]) {
    it(`syncReads ${syncReads}: every range, into a given buffer or a new one, short only at the end`, async () => {
      const src = await FileSource.open(path, { syncReads });
      try {
        assert.equal(src.size, size);
        const scratch = new Uint8Array(70_000);
        for (const [at, n] of [
          [0, 1],
          [0, 65_536],
          [12_345, 70_000],
          [size - 10, 10],
          [size - 10, 4096], // past the end: the 10 bytes there
          [size, 100], // at the end: nothing
        ]) {
          const want = bytes.subarray(at, Math.min(size, at + n));
          assert.deepEqual(await src.readAt(at, n), want, `new buffer at ${at}`);
          const into = await src.readAt(at, n, scratch);
          assert.deepEqual(into, want, `given buffer at ${at}`);
          if (want.length > 0) assert.equal(into.buffer, scratch.buffer, "the given buffer is used");
        }
      } finally {
        await src.close();
      }
      await assert.rejects(src.readAt(0, 1), (e: unknown) => {
        assert.ok(e instanceof AudioFileError);
        assert.equal(e.file, path);
        assert.match(e.message, /read after close/);
        return true;
      });
    });
  }
});
