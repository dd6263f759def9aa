import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FdnKernel } from "./fdn-kernel.ts";
import { FdnTank, HALL_DESIGN, ROOM_DESIGN } from "./fdn-tank.ts";

/** A loud-then-silent test signal: decaying noise bursts, a click and digital silence (the tail flushes). */
function signal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const env = i < n / 3 ? Math.exp(-i / 4000) : i === Math.floor(n / 2) ? 1 : 0;
    x[i] = env * (s / 2 ** 31 - 1);
  }
  return x;
}

/** Runs a tank over (l, r) in blocks of the given lengths (cycled); `change` runs before the block at `at`. */
function run(
  tank: FdnTank,
  l: Float64Array,
  r: Float64Array,
  blocks: number[],
  change?: { at: number; apply: (t: FdnTank) => void },
): [Float64Array, Float64Array] {
  const outL = new Float64Array(l.length);
  const outR = new Float64Array(l.length);
  let i = 0;
  let b = 0;
  while (i < l.length) {
    if (change && i >= change.at) {
      change.apply(tank);
      change = undefined;
    }
    const n = Math.min(blocks[b++ % blocks.length], l.length - i);
    const yl = new Float64Array(n);
    const yr = new Float64Array(n);
    tank.process(l.subarray(i, i + n), r.subarray(i, i + n), yl, yr, n);
    outL.set(yl, i);
    outR.set(yr, i);
    i += n;
  }
  return [outL, outR];
}

/** Index of the first sample whose bits differ, or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new BigInt64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigInt64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe("FDN WebAssembly kernel", () => {
  test("is available on this host (Node has WebAssembly)", () => {
    assert.ok(FdnKernel.create([16, 16, 16, 16, 16, 16, 16, 16, 8, 8, 8, 8], 2, 4));
  });

  for (const [name, design] of [
    ["hall", HALL_DESIGN],
    ["room", ROOM_DESIGN],
  ] as const) {
    for (const rate of [44100, 48000, 96000]) {
      test(`${name} at ${rate} Hz: bit-identical to the TypeScript loop, with size and decay changes`, () => {
        const n = Math.round(rate * 1.5);
        const l = signal(n, 1);
        const r = signal(n, 7);
        const blocks = [1024, 1, 300, 77, 4096];
        const make = (useKernel: boolean) => {
          const t = new FdnTank(rate, design, 1, useKernel);
          t.setDecay(1.8, 1.8 * (1 - 0.85 * 0.4));
          return t;
        };
        const change = {
          at: Math.round(rate * 0.6),
          apply: (t: FdnTank) => {
            t.setSize(1.3);
            t.setDecay(3, 1);
          },
        };
        const ref = run(make(false), l, r, blocks, change);
        const got = run(make(true), l, r, blocks, change);
        assert.equal(firstDifference(got[0], ref[0]), -1, "left");
        assert.equal(firstDifference(got[1], ref[1]), -1, "right");
        // The tail reaches exact zero on both paths, and the signal is not trivially silent.
        assert.ok(ref[0].some((v) => v !== 0));
      });
    }
  }

  test("clear() empties the kernel's copy of the lines too: a cleared tank repeats a fresh one", () => {
    const n = 20000;
    const l = signal(n, 11);
    const r = signal(n, 13);
    const used = new FdnTank(48000, HALL_DESIGN, 1);
    run(used, l, r, [512]);
    used.clear();
    const again = run(used, l, r, [512]);
    const fresh = run(new FdnTank(48000, HALL_DESIGN, 1, false), l, r, [512]);
    assert.equal(firstDifference(again[0], fresh[0]), -1);
    assert.equal(firstDifference(again[1], fresh[1]), -1);
  });

  test("pinned: the hall's wet output for a short signal hashes to the same value as before the kernel", () => {
    const rate = 48000;
    const n = 24000;
    const t = new FdnTank(rate, HALL_DESIGN, 1);
    t.setDecay(1.8, 1.8 * (1 - 0.85 * 0.4));
    const [yl, yr] = run(t, signal(n, 3), signal(n, 5), [512]);
    // FNV-1a over the doubles' bytes, left then right.
    let hsh = 0x811c9dc5;
    for (const y of [yl, yr]) {
      const bytes = new Uint8Array(y.buffer);
      for (let i = 0; i < bytes.length; i++) hsh = Math.imul(hsh ^ bytes[i], 0x01000193) >>> 0;
    }
    assert.equal(hsh.toString(16), PINNED_HALL);
  });
});

/** Measured with the TypeScript loop (unchanged by the kernel) before the WebAssembly kernel existed. */
const PINNED_HALL = "93d0f7ec";
