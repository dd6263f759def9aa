// node --import tsx bench/dither-pack.ts — ns/sample of TPDF dither + packing of one 16384-frame stereo block: the
// TypeScript loop (quantizeBytes per channel) vs the WebAssembly kernel (quantizeFramesWith, copy-in included).
import { Ditherer } from "../packages/engine/src/dsp/dither/ditherer.ts";
import { PackKernel } from "../packages/engine/src/dsp/dither/pack-kernel.ts";

const FR = 16384;
const CH = 2;
const ROUNDS = 600;
for (const bits of [24, 16] as const) {
  const bytes = bits === 24 ? 3 : 2;
  const stride = CH * bytes;
  const x = Array.from({ length: CH }, (_, c) =>
    Float32Array.from(
      { length: FR },
      (_, i) => 0.5 * Math.sin(i * 0.01 * (c + 1)) + 1e-4 * Math.sin(i * 1.3),
    ),
  );
  const kernel = PackKernel.create(bytes, CH, FR);
  if (!kernel) throw new Error("no WebAssembly");
  const out = new Uint8Array(FR * stride);
  const make = () => Array.from({ length: CH }, (_, c) => new Ditherer({ bits, kind: "tpdf", seed: c + 1 }));
  const a = make();
  const b = make();
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      for (let c = 0; c < CH; c++) a[c].quantizeBytes(x[c], FR, out, c * bytes, stride, bytes, true);
    }
    const ts = ((performance.now() - t0) * 1e6) / (ROUNDS * FR * CH);
    t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++) Ditherer.quantizeFramesWith(kernel, b, x, FR, true);
    const wa = ((performance.now() - t0) * 1e6) / (ROUNDS * FR * CH);
    const same = out.every((v, i) => v === kernel.output[i]);
    console.log(
      `${bits}-bit stereo: TS ${ts.toFixed(2)} ns/sample, wasm ${wa.toFixed(2)} ns/sample, same ${same}`,
    );
  }
}
