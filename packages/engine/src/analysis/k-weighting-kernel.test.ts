import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KWeighting } from "./k-weighting.ts";
import { K_KERNEL_CAPACITY, KWeightingPairKernel } from "./k-weighting-kernel.ts";

/** Noise with loud, quiet (down to subnormal-making levels) and silent stretches; a small LCG, reproducible. */
function signal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 2 ** 32 - 0.5;
    const part = Math.floor((8 * i) / n);
    x[i] = part === 3 ? 0 : part === 5 ? v * 1e-30 : part === 6 ? Math.sign(v) : v;
  }
  return x;
}

describe("K-weighting pair kernel", () => {
  it("gives the TypeScript pair loop's sums and filter states to the last bit, at any rate and piece size", (t) => {
    if (!KWeightingPairKernel.create({ b0: 1, b1: 0, b2: 0, a1: 0, a2: 0, d0: 1, e1: 0, e2: 0 })) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    const n = 3 * K_KERNEL_CAPACITY + 1234;
    const xa = signal(n, 1);
    const xb = signal(n, 2);
    for (const rate of [8000, 44100, 48000, 96000, 384000]) {
      const kernel = [new KWeighting(rate), new KWeighting(rate)];
      const plain = [new KWeighting(rate, { wasm: false }), new KWeighting(rate, { wasm: false })];
      const got = new Float64Array(2);
      const want = new Float64Array(2);
      // Calls of 1 frame, a sub-block, and more than the kernel holds at once.
      for (let at = 0, j = 0; at < n; j++) {
        const m = Math.min(n - at, [1, 4800, 2 * K_KERNEL_CAPACITY + 7, 333][j % 4]);
        KWeighting.energyPair(kernel[0], kernel[1], xa, xb, at, m, got);
        KWeighting.energyPair(plain[0], plain[1], xa, xb, at, m, want);
        assert.deepEqual(got, want, `${rate} Hz, frames ${at} … ${at + m}`);
        at += m;
      }
      // The states agree too: one more sample through each shows them.
      const one = new Float32Array([0.5]);
      for (let c = 0; c < 2; c++)
        assert.equal(
          kernel[c].energy(one, 0, 1),
          plain[c].energy(one, 0, 1),
          `${rate} Hz, channel ${c} state`,
        );
    }
  });
});
