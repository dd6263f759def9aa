import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FFT } from "./fft.ts";
import { FFT_KERNEL_MAX, FFT_KERNEL_MIN, FftKernel } from "./fft-kernel.ts";

describe("FFT kernel", () => {
  it("transforms forward and back with the TypeScript loops' numbers to the last bit, at every size it takes", (t) => {
    if (!FftKernel.create(16)) {
      t.skip("this host has no WebAssembly SIMD");
      return;
    }
    let s = 5;
    const rand = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    for (let n = FFT_KERNEL_MIN; n <= FFT_KERNEL_MAX; n *= 2) {
      const kernel = new FFT(n);
      const plain = new FFT(n, { wasm: false });
      // Noise over a wide range of magnitudes, a few exact zeros and one impulse.
      const re = Float64Array.from({ length: n }, (_, i) =>
        i % 17 === 0 ? 0 : rand() * 10 ** ((i % 7) - 3),
      );
      const im = Float64Array.from({ length: n }, () => rand());
      re[3] = 1e300;
      const [r1, i1, r2, i2] = [re.slice(), im.slice(), re.slice(), im.slice()];
      kernel.forward(r1, i1);
      plain.forward(r2, i2);
      assert.deepEqual([r1, i1], [r2, i2], `forward, ${n} points`);
      kernel.inverse(r1, i1);
      plain.inverse(r2, i2);
      assert.deepEqual([r1, i1], [r2, i2], `inverse, ${n} points`);
    }
  });
});
