import assert from "node:assert/strict";
import { after, test } from "node:test";
import { tempFolder } from "../files/test-support.ts";
import { PLANAR_CHUNK, PlanarFile } from "./planar-file.ts";

const tmp = tempFolder("planar-file");
after(() => tmp.remove());

/** A value no two (channel, frame) pairs share. */
const value = (c: number, i: number) => c * 1e6 + i;

test("odd-sized writes and reads across chunk boundaries land where they belong", () => {
  const frames = 2 * PLANAR_CHUNK + 12345;
  const f = PlanarFile.create(tmp.path("a.f32"), frames, 3);
  const block = [0, 1, 2].map(() => new Float32Array(7001));
  for (let pos = 0; pos < frames; pos += 7001) {
    const n = Math.min(7001, frames - pos);
    for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) block[c][i] = value(c, pos + i);
    f.write(pos, n, block);
  }
  // Rewrite a stretch straddling the first boundary, from an offset into the source arrays.
  const src = [0, 1, 2].map((c) => Float32Array.from({ length: 600 }, (_, i) => -value(c, i)));
  f.write(PLANAR_CHUNK - 250, 500, src, 100);
  f.close();
  const g = PlanarFile.open(tmp.path("a.f32"), frames, 3);
  const into = [0, 1, 2].map(() => new Float32Array(frames));
  for (let pos = 0, k = 1; pos < frames; pos += k, k = (k * 13 + 4097) % 90001) {
    g.read(pos, Math.min(k, frames - pos), into, pos);
  }
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < frames; i++) {
      const rewritten = i >= PLANAR_CHUNK - 250 && i < PLANAR_CHUNK + 250;
      const want = rewritten ? -value(c, i - (PLANAR_CHUNK - 250) + 100) : value(c, i);
      if (into[c][i] !== want) assert.fail(`channel ${c} frame ${i}: ${into[c][i]}, want ${want}`);
    }
  }
  assert.throws(() => g.read(frames - 1, 2, into), /read beyond the programme/);
  g.close();
});

test("appends whole chunks, then a last partial one, and refuses more after it", () => {
  const f = PlanarFile.create(tmp.path("b.f32"), 0, 2);
  const chunk = [0, 1].map((c) => Float32Array.from({ length: PLANAR_CHUNK }, (_, i) => value(c, i)));
  f.append(chunk, PLANAR_CHUNK);
  const tail = [0, 1].map((c) => Float32Array.from({ length: 99 }, (_, i) => value(c, PLANAR_CHUNK + i)));
  f.append(tail, 99);
  assert.equal(f.frames, PLANAR_CHUNK + 99);
  assert.throws(() => f.append(tail, 1), /append after a partial chunk/);
  const into = [new Float32Array(200), new Float32Array(200)];
  f.read(PLANAR_CHUNK - 101, 200, into);
  for (let c = 0; c < 2; c++) {
    assert.deepEqual(
      Array.from(into[c]),
      Array.from({ length: 200 }, (_, i) => value(c, PLANAR_CHUNK - 101 + i)),
    );
  }
  f.close();
  f.close();
});
