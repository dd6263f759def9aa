/**
 * npm run bench:analyze — times `controlroom analyze` against ffmpeg's ebur128 filter (with true peak)
 * and loudgain (libebur128) on the same 10-minute 48 kHz stereo 24-bit WAV, compares their readings, and
 * checks that peak memory is the same for a 10- and a 60-minute file. Prints ratios; asserts nothing.
 */
import { cli, fmt, has, longWav, requireTool, timed } from "./lib.ts";

requireTool("ffmpeg");
const ten = longWav(10);
const sixty = process.argv.includes("--quick") ? null : longWav(60);

function ours(file: string) {
  const r = timed(process.execPath, [cli, "analyze", "--json", file]);
  if (r.status !== 0) throw new Error(`controlroom analyze failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return { ...r, i: j.integratedLufs, lra: j.loudnessRangeLu, tp: j.truePeakDbtp };
}

function ffmpeg(file: string) {
  const r = timed("ffmpeg", [
    "-hide_banner",
    "-nostats",
    "-i",
    file,
    "-af",
    "ebur128=peak=true",
    "-f",
    "null",
    "-",
  ]);
  const summary = r.stderr.slice(r.stderr.lastIndexOf("Summary:"));
  const num = (re: RegExp) => Number(re.exec(summary)?.[1]);
  return {
    ...r,
    i: num(/I:\s+(-?[\d.]+) LUFS/),
    lra: num(/LRA:\s+(-?[\d.]+) LU/),
    tp: num(/Peak:\s+(-?[\d.]+) dBFS/),
  };
}

function loudgain(file: string) {
  const r = timed("loudgain", ["-O", "-q", file]);
  const row = r.stdout.trim().split("\n").pop()?.split("\t") ?? [];
  return {
    ...r,
    i: Number.parseFloat(row[1]),
    lra: Number.parseFloat(row[2]),
    tp: Number.parseFloat(row[4]),
  };
}

console.log(`\nfile: ${ten}\n`);
const a = ours(ten);
const f = ffmpeg(ten);
const rows = [
  ["tool", "seconds", "x real time", "peak MiB", "integrated LUFS", "LRA LU", "true peak dBTP"],
  [
    "controlroom analyze",
    fmt(a.seconds),
    fmt(600 / a.seconds, 0),
    fmt(a.maxRssMiB, 0),
    fmt(a.i),
    fmt(a.lra),
    fmt(a.tp),
  ],
  [
    "ffmpeg ebur128=peak=true",
    fmt(f.seconds),
    fmt(600 / f.seconds, 0),
    fmt(f.maxRssMiB, 0),
    fmt(f.i, 1),
    fmt(f.lra, 1),
    fmt(f.tp, 1),
  ],
];
let lg: ReturnType<typeof loudgain> | null = null;
if (has("loudgain")) {
  lg = loudgain(ten);
  rows.push([
    "loudgain (libebur128)",
    fmt(lg.seconds),
    fmt(600 / lg.seconds, 0),
    fmt(lg.maxRssMiB, 0),
    fmt(lg.i),
    fmt(lg.lra),
    fmt(lg.tp),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows)
  console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  "));

console.log(`\nspeed: controlroom is ${fmt(f.seconds / a.seconds)}x ffmpeg ebur128 (goal ≥ 2x)`);
if (lg) console.log(`speed: controlroom is ${fmt(lg.seconds / a.seconds)}x loudgain`);
console.log(
  `difference vs ffmpeg: integrated ${fmt(a.i - f.i)} LU, LRA ${fmt(a.lra - f.lra)} LU, true peak ${fmt(a.tp - f.tp)} dB (goal within 0.1; ffmpeg prints one decimal)`,
);
if (lg)
  console.log(
    `difference vs loudgain: integrated ${fmt(a.i - lg.i)} LU, LRA ${fmt(a.lra - lg.lra)} LU, true peak ${fmt(a.tp - lg.tp)} dB`,
  );

if (sixty) {
  const b = ours(sixty);
  console.log(
    `\nmemory: 10 min ${fmt(a.maxRssMiB, 0)} MiB, 60 min ${fmt(b.maxRssMiB, 0)} MiB (ratio ${fmt(b.maxRssMiB / a.maxRssMiB)}; goal ≈ 1.0); 60 min took ${fmt(b.seconds)} s (${fmt(3600 / b.seconds, 0)}x real time)`,
  );
}
