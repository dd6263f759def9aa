import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MixMemory } from "./mix-memory.ts";

describe("MixMemory", () => {
  it("hands out zeroed, aligned buffers at different offsets within 4 KiB, until it is full", (t) => {
    const mix = MixMemory.create(8, 8 * 4096);
    if (!mix) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    const bufs: Float32Array[] = [];
    for (let i = 0; i < 8; i++) {
      const x = mix.alloc(4096);
      assert.ok(x, `buffer ${i}`);
      bufs.push(x);
    }
    assert.equal(
      new Set(bufs.map((x) => x.byteOffset % 4096)).size,
      8,
      "no two start at the same 4 KiB offset",
    );
    for (const x of bufs) {
      assert.equal(x.byteOffset % 16, 0);
      assert.ok(x.every((v) => v === 0));
      assert.ok(mix.owns(x));
    }
    assert.equal(mix.owns(new Float32Array(4)), false);
    // Ordinary buffers do not overlap.
    bufs[0].fill(1);
    assert.ok(bufs[1].every((v) => v === 0));
    let more = 0;
    while (mix.alloc(4096)) more++;
    assert.ok(more < 4, `the arena holds about what was asked for (${more} more)`);
  });

  it("adds float32(src · g) into dst exactly as the TypeScript expression does, tails and subnormals too", (t) => {
    const mix = MixMemory.create(2, 2 * 1001);
    if (!mix) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    const src = mix.alloc(1001)!;
    const dst = mix.alloc(1001)!;
    const want = new Float32Array(1001);
    let s = 7;
    for (let i = 0; i < 1001; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = s / 2 ** 32 - 0.5;
      src[i] = i % 97 === 0 ? 1e-40 : i % 89 === 0 ? 3e38 : v;
      dst[i] = want[i] = i % 5 === 0 ? -v * 1e-3 : v;
    }
    for (const g of [Math.fround(0.3162277), 1, Math.fround(2.5e-7), 0]) {
      mix.addScaled(src, dst, g, 1001);
      for (let i = 0; i < 1001; i++) want[i] += Math.fround(src[i] * g);
      assert.deepEqual(dst, want, `gain ${g}`);
    }
  });

  it("runs the fader and pan as the TypeScript expression does, constant and per-sample gains, odd lengths", (t) => {
    const mix = MixMemory.create(5, 5 * 1001);
    if (!mix) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    const [x, a, b, dst] = [mix.alloc(1001)!, mix.alloc(1001)!, mix.alloc(1001)!, mix.alloc(1001)!];
    let s = 11;
    const rand = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    for (let i = 0; i < 1001; i++) {
      x[i] = i % 101 === 0 ? 1e-42 : rand() - 0.5;
      a[i] = Math.fround(rand() * 2);
      b[i] = Math.fround(rand());
    }
    const ga = Math.fround(0.70794576);
    const gb = Math.fround(0.5411961);
    for (const [pa, pb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      for (const n of [1001, 1000, 1]) {
        dst.fill(7);
        mix.fader(x, pa ? a : null, ga, pb ? b : null, gb, dst, n);
        const want = new Float32Array(1001).fill(7);
        for (let i = 0; i < n; i++) want[i] = x[i] * (pa ? a[i] : ga) * (pb ? b[i] : gb);
        assert.deepEqual(dst, want, `per-sample a ${pa}, b ${pb}, ${n} samples`);
      }
    }
  });
});
