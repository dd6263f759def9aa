import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Compressor, type CompressorParams } from "./compressor.ts";
import { COMPRESSOR_KERNEL_CHUNK, CompressorKernel } from "./compressor-kernel.ts";

const fs = 48000;

/** Deterministic uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A test signal in stretches: noise at −60, −30, −12 dB and full scale, silence (+0 and −0), full-scale
 * square steps, denormals, and single ±Infinity / NaN samples (so the reduction jumps to its largest and
 * recovers), in an order set by the seed.
 */
function signal(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  let i = 0;
  while (i < n) {
    const len = 1 + Math.floor(r() * 3000);
    const kind = Math.floor(r() * 9);
    for (let k = 0; k < len && i < n; k++, i++) {
      const u = 2 * r() - 1;
      x[i] =
        kind === 0
          ? u * 0.001
          : kind === 1
            ? u * 0.03
            : kind === 2
              ? u * 0.25
              : kind === 3
                ? u
                : kind === 4
                  ? 0
                  : kind === 5
                    ? -0
                    : kind === 6
                      ? k & 64
                        ? 1
                        : -1
                      : kind === 7
                        ? u * 1e-40
                        : u * 0.5;
    }
  }
  // Rare non-finite samples.
  for (let k = 0; k < n / 5000; k++) {
    const at = Math.floor(r() * n);
    x[at] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN][k % 3];
  }
  return x;
}

const PARAMS: Partial<CompressorParams>[] = [
  { thresholdDb: -24, ratio: 3, attackMs: 10, releaseMs: 120 },
  { thresholdDb: -60, ratio: 100, attackMs: 0, releaseMs: 1, makeupDb: 40 },
  { thresholdDb: 0, ratio: 1.5, attackMs: 500, releaseMs: 5000, makeupDb: -24 },
  { thresholdDb: -80, ratio: 20, attackMs: 0.05, releaseMs: 1, makeupDb: 3.7 },
  { thresholdDb: -12, ratio: 4, attackMs: 30, releaseMs: 30, makeupDb: 6 },
  { thresholdDb: -18, ratio: 2, attackMs: 5, releaseMs: 200, lookaheadMs: 3 },
];

/** Block sizes in a row: single samples, odd sizes, the engine's 4096, more than a kernel run. */
const BLOCKS = [
  1,
  1,
  7,
  333,
  4096,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  4095,
  4097,
  COMPRESSOR_KERNEL_CHUNK * 2 + 13,
  1000,
];

/**
 * The whole signal through `c` in `BLOCKS` (repeated); `inPlace` writes over a copy of the input. Also the
 * reduction (a double) after every block: it shows a difference in the level → target part long before the
 * float32 output does.
 */
function render(c: Compressor, x: Float32Array[], inPlace: boolean): [Float32Array[], number[]] {
  const reductions: number[] = [];
  const n = x[0].length;
  const out = x.map((v) => (inPlace ? v.slice() : new Float32Array(n)));
  const src = inPlace ? out : x;
  for (let at = 0, b = 0; at < n; b++) {
    const m = Math.min(BLOCKS[b % BLOCKS.length], n - at);
    c.process(
      src.map((v) => v.subarray(at, at + m)),
      out.map((v) => v.subarray(at, at + m)),
      m,
    );
    at += m;
    reductions.push(c.gainReductionDb);
  }
  return [out, reductions];
}

describe("compressor WebAssembly kernel", () => {
  test("compiles here (Node has WebAssembly SIMD), so the comparisons below test it", () => {
    assert.ok(CompressorKernel.get(1));
    assert.ok(CompressorKernel.get(2));
  });

  test("gives the TypeScript loops' output bit for bit: mono and stereo, every parameter set and block size", () => {
    const n = 60000;
    for (const channels of [1, 2]) {
      const x = Array.from({ length: channels }, (_, c) => signal(n, 17 + 101 * c));
      for (const [k, params] of PARAMS.entries()) {
        for (const inPlace of [false, true]) {
          const ctx = { sampleRate: fs, channels };
          const wasm = new Compressor(ctx, params);
          const ts = new Compressor(ctx, params, false);
          const [a, ra] = render(wasm, x, inPlace);
          const [b, rb] = render(ts, x, inPlace);
          assert.deepEqual(ra, rb, `${channels} ch, params ${k}, in place ${inPlace}: the reductions`);
          for (let c = 0; c < channels; c++) {
            const ab = new Int32Array(a[c].buffer);
            const bb = new Int32Array(b[c].buffer);
            let first = -1;
            for (let i = 0; i < n && first < 0; i++) if (ab[i] !== bb[i]) first = i;
            assert.equal(
              first,
              -1,
              `${channels} ch, params ${k}, in place ${inPlace}, channel ${c}: sample ${first} is ${a[c][first]}, the TypeScript loop gives ${b[c][first]}`,
            );
          }
          assert.equal(wasm.gainReductionDb, ts.gainReductionDb, `${channels} ch, params ${k}`);
        }
      }
    }
  });

  test("the reduction carries across blocks: a loud burst, then the release through quiet sound and silence", () => {
    for (const channels of [1, 2]) {
      const n = 3 * 4096;
      const x = Array.from({ length: channels }, (_, c) => {
        const r = rng(5 + c);
        return Float32Array.from({ length: n }, (_, i) =>
          i < 1000 ? 2 * r() - 1 : i < 6000 ? (2 * r() - 1) * 0.003 : 0,
        );
      });
      const ctx = { sampleRate: fs, channels };
      const params = { thresholdDb: -30, ratio: 8, attackMs: 1, releaseMs: 300, makeupDb: 2 };
      const wasm = new Compressor(ctx, params);
      const ts = new Compressor(ctx, params, false);
      for (let at = 0; at < n; at += 4096) {
        const a = x.map(() => new Float32Array(4096));
        const b = x.map(() => new Float32Array(4096));
        const xs = x.map((v) => v.subarray(at, at + 4096));
        wasm.process(xs, a, 4096);
        ts.process(xs, b, 4096);
        assert.deepEqual(a, b, `${channels} ch, block at ${at}`);
        assert.equal(wasm.gainReductionDb, ts.gainReductionDb);
        assert.ok(at > 0 || wasm.gainReductionDb > 10, "the burst compresses");
      }
    }
  });
});
