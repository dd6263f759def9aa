/**
 * npm run bench:analyze — times `controlroom analyze --json` against ffmpeg's ebur128 filter with true peak,
 * one run each, on every file of the analysis set (`analysisSet`: noise, a limited master, a sweep, music,
 * 96 kHz), compares their readings, and prints a table worst speed ratio first; then checks that peak memory
 * is the same for a 10- and a 60-minute file. Prints ratios; asserts nothing.
 *
 * Options: --runs N (time each file N times, alternating the tools, and print the range), --quick (skip the
 * 60-minute memory check), --loudgain (time libebur128's loudgain too, where installed).
 */
import { analysisSet, cli, envNote, fmt, has, longWav, requireTool, timed } from "./lib.ts";

requireTool("ffmpeg");
requireTool("sox");
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Math.max(1, Number(arg("--runs") ?? 1));
const withLoudgain = process.argv.includes("--loudgain") && has("loudgain");
const files = analysisSet(10);
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

const range = (xs: number[], d = 2) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo.toFixed(d) === hi.toFixed(d) ? fmt(lo, d) : `${fmt(lo, d)}–${fmt(hi, d)}`;
};

interface Row {
  label: string;
  seconds: number;
  ours: ReturnType<typeof ours>[];
  ff: ReturnType<typeof ffmpeg>[];
  lg: ReturnType<typeof loudgain>[];
  /** Per run: ffmpeg's time over ours, the two measured back to back. */
  ratios: number[];
}

const rows: Row[] = [];
for (const f of files) {
  process.stdout.write(`${f.label} …`);
  const row: Row = { label: f.label, seconds: f.seconds, ours: [], ff: [], lg: [], ratios: [] };
  for (let k = 0; k < runs; k++) {
    // Alternate which tool goes first, so a drift in the machine's speed does not favour one.
    const a = k % 2 === 0 ? ours(f.path) : null;
    const b = ffmpeg(f.path);
    const c = a ?? ours(f.path);
    row.ours.push(c);
    row.ff.push(b);
    row.ratios.push(b.seconds / c.seconds);
    if (withLoudgain) row.lg.push(loudgain(f.path));
  }
  console.log(` ${range(row.ratios)}x`);
  rows.push(row);
}
rows.sort((a, b) => Math.min(...a.ratios) - Math.min(...b.ratios));

const table = [
  [
    "file (10 min, stereo)",
    "controlroom s",
    "ffmpeg s",
    ...(withLoudgain ? ["loudgain s"] : []),
    "speed vs ffmpeg",
    "CPU s (ffmpeg)",
    "peak MiB",
    "I LUFS (ffmpeg)",
    "LRA LU (ffmpeg)",
    "TP dBTP (ffmpeg)",
  ],
];
for (const r of rows) {
  const o = r.ours[0];
  const f = r.ff[0];
  table.push([
    r.label,
    range(r.ours.map((x) => x.seconds)),
    range(r.ff.map((x) => x.seconds)),
    ...(withLoudgain ? [range(r.lg.map((x) => x.seconds))] : []),
    `${range(r.ratios)}x`,
    `${range(r.ours.map((x) => x.cpuSeconds))} (${range(r.ff.map((x) => x.cpuSeconds))})`,
    range(
      r.ours.map((x) => x.maxRssMiB),
      0,
    ),
    `${fmt(o.i)} (${fmt(f.i, 1)})`,
    `${fmt(o.lra)} (${fmt(f.lra, 1)})`,
    `${fmt(o.tp)} (${fmt(f.tp, 1)})`,
  ]);
}
console.log();
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table)
  console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  "));

const worst = rows[0];
console.log(
  `\nspeed: worst ${fmt(Math.min(...worst.ratios))}x ffmpeg ebur128=peak=true (${worst.label}); goal ≥ 2x on every file`,
);
let off = 0;
for (const r of rows) {
  const o = r.ours[0];
  const f = r.ff[0];
  off = Math.max(off, Math.abs(o.i - f.i), Math.abs(o.lra - f.lra), Math.abs(o.tp - f.tp));
}
console.log(`readings: largest difference from ffmpeg ${fmt(off)} (LU or dB; ffmpeg prints one decimal)`);
if (withLoudgain)
  for (const r of rows)
    console.log(
      `  vs loudgain, ${r.label}: I ${fmt(r.ours[0].i - r.lg[0].i)} LU, LRA ${fmt(r.ours[0].lra - r.lg[0].lra)} LU, TP ${fmt(r.ours[0].tp - r.lg[0].tp)} dB`,
    );

if (sixty) {
  const ten = rows.find((r) => r.label.startsWith("rough mix, looped")) ?? rows[0];
  const b = ours(sixty);
  const a = ten.ours[0];
  console.log(
    `\nmemory: 10 min ${fmt(a.maxRssMiB, 0)} MiB, 60 min ${fmt(b.maxRssMiB, 0)} MiB (ratio ${fmt(b.maxRssMiB / a.maxRssMiB)}; goal ≈ 1.0); 60 min took ${fmt(b.seconds)} s (${fmt(3600 / b.seconds, 0)}x real time)`,
  );
}
const envNoteLine = envNote();
if (envNoteLine) console.log(`\n${envNoteLine}`);
