import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ditherer } from "./ditherer.ts";
import { PackKernel } from "./pack-kernel.ts";

/** mulberry32: a small seeded generator, so a failure repeats. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A block that mixes what the packer treats differently: ordinary audio, values exactly on the grid (and
 * half an LSB off it), ±full scale and beyond, tiny values, −0, runs of zeros, and (when `bad`) NaN and
 * ±Infinity at random places.
 */
function signal(r: () => number, n: number, bits: number, bad: boolean): Float32Array {
  const s = 2 ** (bits - 1);
  const x = new Float32Array(n);
  const mode = r();
  if (mode < 0.1) return x; // digital silence: the skip
  for (let i = 0; i < n; i++) {
    const k = r();
    const code = Math.floor((r() * 2 - 1) * s);
    if (k < 0.25) x[i] = (r() * 2 - 1) * 0.9;
    else if (k < 0.45) x[i] = code / s;
    else if (k < 0.5) x[i] = (code + 0.5) / s;
    else if (k < 0.55) x[i] = [1, -1, (s - 1) / s, -(s - 1) / s, 1 + 1 / s, -1 - 1 / s][Math.floor(r() * 6)];
    else if (k < 0.6) x[i] = [3, -3, 1e30, -1e30, 3.4e38, -3.4e38][Math.floor(r() * 6)];
    else if (k < 0.7) x[i] = (r() * 2 - 1) * [1e-3, 1e-6, 1e-12, 1e-40][Math.floor(r() * 4)];
    else if (k < 0.75) x[i] = r() < 0.5 ? -0 : 0;
    else if (k < 0.8)
      x[i] = ((r() * 2 - 1) * 0.5) / s; // within half an LSB of zero
    else if (k < 0.9) x[i] = 0;
    else x[i] = Math.sin(i / 7) * 0.999;
  }
  if (bad && r() < 0.3) {
    const at = Math.floor(r() * n);
    x[at] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][Math.floor(r() * 3)];
  }
  return x;
}

describe("PackKernel", () => {
  it("packs the same bytes and noise states as quantizeBytes, and finds the same bad channel", () => {
    const r = rng(20260701);
    const capacity = 1024;
    for (const bits of [16, 24] as const) {
      const bytes = bits === 16 ? 2 : 3;
      for (const channels of [1, 2, 3, 6]) {
        const stride = channels * bytes;
        const kernel = PackKernel.create(bytes, channels, capacity);
        assert.ok(kernel, "this host runs WebAssembly");
        const reference = new Uint8Array(kernel.output.length);
        for (const passExact of [true, false]) {
          const seed = Math.floor(r() * 1e6);
          const make = () =>
            Array.from({ length: channels }, (_, c) => new Ditherer({ bits, kind: "tpdf", seed: seed + c }));
          const a = make();
          const b = make();
          // Many calls in a row: the noise states carry from call to call (over silence skips and bad blocks).
          for (let call = 0; call < 40; call++) {
            const frames = [0, 1, 7, 333, capacity - 1, capacity][Math.floor(r() * 6)];
            const silent = r() < 0.2;
            const x = Array.from({ length: channels }, () =>
              silent ? new Float32Array(frames + 3) : signal(r, frames + 3, bits, call % 3 === 2),
            );
            for (let i = 0; i < reference.length; i++) reference[i] = (r() * 256) | 0;
            kernel.output.set(reference);
            let want = -1;
            for (let c = 0; c < channels && want < 0; c++) {
              if (a[c].quantizeBytes(x[c], frames, reference, c * bytes, stride, bytes, passExact) >= 0)
                want = c;
            }
            const got = Ditherer.quantizeFramesWith(kernel, b, x, frames, passExact);
            const where = `${bits}-bit, ${channels} ch, passExact ${passExact}, call ${call}, ${frames} frames`;
            assert.equal(got, want, `bad channel, ${where}`);
            // A write with a bad sample fails: only the bytes of the channels before it are defined.
            if (want < 0) assert.deepEqual(kernel.output, reference, `bytes, ${where}`);
          }
          // The noise states agree: the next block packs the same.
          const x = Array.from({ length: channels }, () => signal(r, 100, bits, false));
          for (let c = 0; c < channels; c++)
            a[c].quantizeBytes(x[c], 100, reference, c * bytes, stride, bytes, passExact);
          assert.equal(Ditherer.quantizeFramesWith(kernel, b, x, 100, passExact), -1);
          assert.deepEqual(kernel.output.subarray(0, 100 * stride), reference.subarray(0, 100 * stride));
        }
      }
    }
  });

  it("refuses blocks and ditherers that do not fit it", () => {
    const kernel = PackKernel.create(3, 2, 16);
    assert.ok(kernel);
    const d = [new Ditherer({ bits: 24, kind: "tpdf" }), new Ditherer({ bits: 24, kind: "tpdf", seed: 2 })];
    const x = [new Float32Array(17).fill(0.25), new Float32Array(17).fill(0.25)];
    assert.throws(() => Ditherer.quantizeFramesWith(kernel, d, x, 17, true), RangeError);
    assert.throws(() => Ditherer.quantizeFramesWith(kernel, d.slice(1), x.slice(1), 4, true), RangeError);
    const d16 = [new Ditherer({ bits: 16, kind: "tpdf" }), new Ditherer({ bits: 16, kind: "tpdf" })];
    assert.throws(() => Ditherer.quantizeFramesWith(kernel, d16, x, 4, true), RangeError);
  });
});
