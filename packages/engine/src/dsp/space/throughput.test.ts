/**
 * Throughput of the space and colour processors: stereo, 48 kHz, 512-frame blocks, after a warm-up.
 * Skipped unless CR_BENCH=1 (timing on a shared machine is no pass/fail test): `CR_BENCH=1 npm test -- throughput`.
 */
import { test } from "node:test";
import type { Processor } from "../../core/processor.ts";
import { Saturation } from "../colour/saturation.ts";
import { Convolution } from "./convolution.ts";
import { Delay } from "./delay.ts";
import { noise, timesRealTime } from "./harness.test.ts";
import { Reverb } from "./reverb.ts";

const fs = 48000;
const ctx = { sampleRate: fs, channels: 2 };

test("throughput (x real time, stereo 48 kHz)", { skip: !process.env.CR_BENCH && "set CR_BENCH=1" }, () => {
  const ir = [noise(2 * fs, 5, 0.1), noise(2 * fs, 6, 0.1)];
  const cases: [string, () => Processor][] = [
    ["delay 375 ms fb 0.5 filters", () => new Delay(ctx, { feedback: 0.5, highCutHz: 6000, lowCutHz: 100 })],
    ["delay ping-pong", () => new Delay(ctx, { pingPong: true })],
    ["reverb plate", () => new Reverb(ctx, { preset: "plate" })],
    ["reverb room", () => new Reverb(ctx, { preset: "room" })],
    ["reverb hall", () => new Reverb(ctx, { preset: "hall" })],
    ...[256, 1024, 2048, 4096].map((partition): [string, () => Processor] => [
      `convolution 2 s stereo IR, partition ${partition}`,
      () => {
        const c = new Convolution(ctx, { mix: 0.3, partition });
        c.setImpulseResponse(ir, fs);
        return c;
      },
    ]),
    ["saturation 2×", () => new Saturation(ctx, { oversample: 2 })],
    ["saturation 4×", () => new Saturation(ctx, { oversample: 4 })],
    ["saturation 8×", () => new Saturation(ctx, { oversample: 8 })],
  ];
  for (const [name, make] of cases) {
    console.log(`${name}: ${timesRealTime(make(), 4).toFixed(0)}× real time`);
  }
});
