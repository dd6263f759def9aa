/**
 * Throughput of the dynamics processors: stereo, 48 kHz, 512-frame blocks, after a warm-up.
 * Skipped unless CR_BENCH=1 (timing on a shared machine is no pass/fail test): `CR_BENCH=1 npm test -- dynamics/throughput`.
 */
import { test } from "node:test";
import type { Processor } from "../../core/processor.ts";
import { Compressor } from "./compressor.ts";
import { Deesser } from "./deesser.ts";
import { Gate } from "./gate.ts";
import { Limiter } from "./limiter.ts";
import { Multiband } from "./multiband.ts";
import { timesRealTime } from "./test-signals.test.ts";
import { TransientShaper } from "./transient.ts";

const fs = 48000;
const ctx = { sampleRate: fs, channels: 2 };

test("throughput (x real time, stereo 48 kHz)", { skip: !process.env.CR_BENCH && "set CR_BENCH=1" }, () => {
  const cases: [string, () => Processor, number][] = [
    ["compressor peak, linked, compressing", () => new Compressor(ctx, { thresholdDb: -30 }), 0.5],
    ["compressor peak, linked, below threshold", () => new Compressor(ctx, { thresholdDb: -6 }), 0.05],
    [
      "compressor rms, unlinked, hpf, lookahead",
      () =>
        new Compressor(ctx, {
          thresholdDb: -30,
          detection: "rms",
          stereoLink: 0,
          sidechainHpfHz: 100,
          lookaheadMs: 2,
        }),
      0.5,
    ],
    ["limiter true peak, limiting 12 dB", () => new Limiter(ctx, { gainDb: 12 }), 0.5],
    ["limiter true peak, below ceiling", () => new Limiter(ctx), 0.05],
    ["limiter sample peak", () => new Limiter(ctx, { truePeak: false, gainDb: 12 }), 0.5],
    ["gate", () => new Gate(ctx, { thresholdDb: -30 }), 0.5],
    ["de-esser split", () => new Deesser(ctx), 0.5],
    ["transient shaper", () => new TransientShaper(ctx, { attackDb: 4, sustainDb: -3 }), 0.5],
    ["multiband 4 bands", () => new Multiband(ctx), 0.5],
  ];
  for (const [name, make, amp] of cases) {
    console.log(`${name}: ${timesRealTime(make(), 4, amp).toFixed(0)}× real time`);
  }
});
