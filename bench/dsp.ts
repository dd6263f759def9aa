/**
 * npm run bench:dsp — on a 10-minute 48 kHz stereo file, in one run: `controlroom process` vs sox doing the
 * nearest equivalent chain (high-pass, peaking EQ, compander, reverb), then each processor's throughput in
 * multiples of real time on one core (engine only, no file I/O). Prints ratios; asserts nothing.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ProcessorJSON, parseChain } from "@controlroom/engine";
import { cli, envNote, fmt, longWav, outDir, requireTool, timed } from "./lib.ts";

requireTool("sox");
requireTool("ffmpeg");
const input = longWav(10);
mkdirSync(outDir, { recursive: true });

const chain: ProcessorJSON[] = [
  {
    type: "eq",
    bands: [
      { kind: "highpass", freq: 80, slope: 12 },
      { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
    ],
  },
  { type: "compressor", thresholdDb: -18, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 0, makeupDb: 0 },
  { type: "reverb", preset: "hall", decayS: 1.8, predelayMs: 20, mix: 0.2 },
];
// sox: 2-pole high-pass at 80 Hz, +3 dB peak at 3 kHz (Q 1), a 4:1 compander above −18 dB, reverb.
const soxArgs = [
  "highpass",
  "80",
  "equalizer",
  "3000",
  "1q",
  "3",
  "compand",
  "0.01,0.1",
  "0:-90,-90,-18,-18,0,-13.5",
  "0",
  "-90",
  "0",
  "reverb",
  "20",
  "50",
  "100",
  "100",
  "20",
  "0",
];

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Math.max(1, Number(process.argv[runsArg + 1])) : 1;
const ours: ReturnType<typeof timed>[] = [];
const soxRuns: ReturnType<typeof timed>[] = [];
for (let k = 0; k < runs; k++) {
  // Alternate which tool goes first, so a drift in the machine's speed does not favour one.
  const order = k % 2 === 0 ? ["ours", "sox"] : ["sox", "ours"];
  for (const who of order) {
    if (who === "ours") {
      const r = timed(process.execPath, [
        cli,
        "process",
        input,
        join(outDir, "dsp-controlroom.wav"),
        "--chain",
        JSON.stringify(chain),
      ]);
      if (r.status !== 0) throw new Error(`controlroom process failed: ${r.stderr}`);
      ours.push(r);
    } else {
      const r = timed("sox", [input, join(outDir, "dsp-sox.wav"), ...soxArgs]);
      if (r.status !== 0) throw new Error(`sox failed: ${r.stderr}`);
      soxRuns.push(r);
    }
  }
}
const span = (xs: number[], d = 2) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo.toFixed(d) === hi.toFixed(d) ? fmt(lo, d) : `${fmt(lo, d)}–${fmt(hi, d)}`;
};
const row = (name: string, rs: ReturnType<typeof timed>[]) =>
  console.log(
    `${name.padEnd(20)} ${span(rs.map((r) => r.seconds))} s  (${span(
      rs.map((r) => 600 / r.seconds),
      0,
    )}x real time, CPU ${span(rs.map((r) => r.cpuSeconds))} s, peak ${span(
      rs.map((r) => r.maxRssMiB),
      0,
    )} MiB)`,
  );
console.log(
  "\nchain: high-pass 80 Hz + peak 3 kHz +3 dB → compressor 4:1 @ −18 dB → reverb (hall 1.8 s, 20 % wet)",
);
row("controlroom process", ours);
row("sox", soxRuns);
// One row per back-to-back pair, worst speed ratio first; CPU (user + system, every thread) beside it, which
// is what to compare on a loaded machine (wall time there measures the other processes too).
const pairs = ours
  .map((r, i) => ({ run: i + 1, ours: r, sox: soxRuns[i], ratio: soxRuns[i].seconds / r.seconds }))
  .sort((a, b) => a.ratio - b.ratio);
console.log("run   ours s (CPU s)    sox s (CPU s)     × sox speed   × sox CPU");
for (const p of pairs)
  console.log(
    `${String(p.run).padEnd(5)} ${`${fmt(p.ours.seconds)} (${fmt(p.ours.cpuSeconds)})`.padEnd(17)} ${`${fmt(
      p.sox.seconds,
    )} (${fmt(p.sox.cpuSeconds)})`.padEnd(17)} ${fmt(p.ratio).padStart(11)} ${fmt(
      p.sox.cpuSeconds / p.ours.cpuSeconds,
    ).padStart(11)}`,
  );
console.log(
  `worst: controlroom at ${fmt(pairs[0].ratio)}x sox's speed over ${runs} run(s), each pair back to back (goal ≥ 1.2)`,
);
const digest = createHash("sha256")
  .update(readFileSync(join(outDir, "dsp-controlroom.wav")))
  .digest("hex");
console.log(`output sha256 ${digest.slice(0, 16)}… (compare across builds: the chain's output is pinned)\n`);

// Per-processor throughput, engine only: 60 s of stereo pink-ish noise in 1024-frame blocks.
const fs = 48000;
const seconds = 60;
const block = 1024;
const noise = [new Float32Array(fs * seconds), new Float32Array(fs * seconds)];
let s = 1;
let b = 0;
for (let i = 0; i < noise[0].length; i++) {
  s = (s * 1664525 + 1013904223) >>> 0;
  b = 0.97 * b + 0.03 * (s / 2 ** 31 - 1);
  noise[0][i] = b * 3;
  noise[1][i] = b * 2.5;
}
const cases: [string, ProcessorJSON[]][] = [
  ["gain", [{ type: "gain", db: -3 }]],
  [
    "eq (3 bands)",
    [
      {
        type: "eq",
        bands: [
          { kind: "highpass", freq: 80, slope: 24 },
          { kind: "peak", freq: 3000, gainDb: 3, q: 1 },
          { kind: "highshelf", freq: 10000, gainDb: 2 },
        ],
      },
    ],
  ],
  ["compressor", [chain[1]]],
  ["eq + compressor", [chain[0], chain[1]]],
  ["limiter", [{ type: "limiter", ceilingDb: -1, releaseMs: 50 }]],
  ["gate", [{ type: "gate", thresholdDb: -50 }]],
  ["deesser", [{ type: "deesser", freq: 6500, thresholdDb: -30 }]],
  ["reverb plate", [{ type: "reverb", preset: "plate", decayS: 1.8, predelayMs: 20, mix: 0.2 }]],
  ["reverb hall", [chain[2]]],
  ["delay", [{ type: "delay", timeMs: 375, feedback: 0.3, mix: 0.2 }]],
  ["saturation", [{ type: "saturation", drive: 6, mix: 1 }]],
  ["width", [{ type: "width", amount: 1.2 }]],
  ["pan", [{ type: "pan", position: -0.3 }]],
  ["pitch", [{ type: "pitch", key: "A", scale: "minor", speed: 0.5 }]],
];
console.log("processor throughput (stereo, 48 kHz, one core):");
for (const [name, json] of cases) {
  let c: ReturnType<typeof parseChain>;
  try {
    c = parseChain(json, { sampleRate: fs, channels: 2 });
  } catch (e) {
    console.log(`  ${name.padEnd(18)} n/a (${(e as Error).message})`);
    continue;
  }
  const t0 = performance.now();
  for (let i = 0; i < noise[0].length; i += block) {
    const n = Math.min(block, noise[0].length - i);
    c.process([noise[0].subarray(i, i + n), noise[1].subarray(i, i + n)], n);
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`  ${name.padEnd(18)} ${fmt(seconds / secs, 0).padStart(6)}x real time`);
}
const envNoteLine = envNote();
if (envNoteLine) console.log(`\n${envNoteLine}`);
