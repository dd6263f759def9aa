/**
 * Throughput of the EQ, crossover and utility processors: stereo, 48 kHz, 512-frame blocks, after a warm-up.
 * Skipped unless CR_BENCH=1 (timing on a shared machine is no pass/fail test): `CR_BENCH=1 npm test -- eq/throughput`.
 */
import { test } from "node:test";
import type { Processor } from "../../core/processor.ts";
import { noise } from "../space/harness.test.ts";
import { Gain } from "../utility/gain.ts";
import { Pan } from "../utility/pan.ts";
import { Width } from "../utility/width.ts";
import type { EqBand } from "./band.ts";
import { Crossover } from "./crossover.ts";
import { Eq } from "./eq.ts";

const fs = 48000;
const ctx = { sampleRate: fs, channels: 2 };
const block = 512;

/**
 * Speed as a multiple of real time: `seconds` of audio cut into many short timed runs of 40 blocks, and the
 * fastest run counts — on a shared, loaded machine the fastest run is the one least disturbed by others.
 */
function timesRealTime(run: () => void, seconds: number): number {
  const per = 40;
  const runs = Math.ceil((seconds * fs) / block / per);
  for (let b = 0; b < 200; b++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let b = 0; b < per; b++) run();
    best = Math.min(best, performance.now() - t0);
  }
  return (per * block * 1000) / fs / best;
}

const BANDS: EqBand[] = [
  { kind: "highpass", freq: 30, slope: 24 },
  { kind: "lowshelf", freq: 120, gainDb: 2 },
  { kind: "peak", freq: 400, gainDb: -3, q: 1.5 },
  { kind: "peak", freq: 3000, gainDb: 2, q: 1 },
  { kind: "highshelf", freq: 10000, gainDb: 1.5 },
];

test("throughput (x real time, stereo 48 kHz)", { skip: !process.env.CR_BENCH && "set CR_BENCH=1" }, () => {
  const input = [noise(block, 1, 0.5), noise(block, 2, 0.5)];
  const out = [new Float32Array(block), new Float32Array(block)];
  const proc = (p: Processor) => () => p.process(input, out, block);
  const cases: [string, () => void, number][] = [
    ["eq 4 bands + highpass 24 dB/oct (minimum phase)", proc(new Eq(ctx, { bands: BANDS })), 20],
    ["eq same, linear phase (32767 taps)", proc(new Eq(ctx, { bands: BANDS, mode: "linear" })), 4],
    ["gain -3 dB", proc(new Gain(ctx, { db: -3 })), 20],
    ["pan (stereo balance) 0.3", proc(new Pan(ctx, { position: 0.3 })), 20],
    ["width 1.3 + mono bass 120 Hz", proc(new Width(ctx, { amount: 1.3, monoBelowHz: 120 })), 20],
  ];
  const x = new Crossover(ctx, [120, 1000, 6000], 24);
  const bands = Array.from({ length: 4 }, () => [new Float32Array(block), new Float32Array(block)]);
  cases.push(["crossover 4 bands LR24", () => x.process(input, bands, block), 10]);
  for (const [name, run, seconds] of cases) {
    console.log(`${name}: ${timesRealTime(run, seconds).toFixed(0)}× real time`);
  }
});
