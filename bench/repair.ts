/**
 * npm run bench:repair — each corpus problem take repaired by `controlroom repair --fix <fix>` and by ffmpeg's
 * nearest filter (adeclick, adeclip, afftdn, a bandreject chain, highpass) in the same run, both written as
 * 32-bit float WAV, and judged against the clean take (declip: against the ideal repair, clean × 10^(8/20)):
 * SNR of the result, the input's SNR, wall time as a multiple of real time and CPU seconds. The delay/polarity
 * take has no ffmpeg counterpart and is timed alone. Prints a Markdown table, worst margin over ffmpeg first;
 * asserts nothing. Needs ../shared/corpus and ffmpeg.
 */

import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { snrDb } from "../packages/engine/src/analysis/signal-to-noise.ts";
import { alignRecordings, shiftChannel } from "../packages/engine/src/repair/align.ts";
import { removeDc } from "../packages/engine/src/repair/dc.ts";
import { declick } from "../packages/engine/src/repair/declick.ts";
import { declip } from "../packages/engine/src/repair/declip.ts";
import { dehum, detectHum } from "../packages/engine/src/repair/dehum.ts";
import { denoise } from "../packages/engine/src/repair/denoise.ts";
import { readWholeFile } from "../packages/node/src/files/open.ts";
import { cli, corpus, fmt, outDir, requireTool, timed } from "./lib.ts";

requireTool("ffmpeg");
const takes = join(corpus, "takes");
if (!existsSync(join(takes, "clean-vox.flac"))) {
  console.error(`the corpus takes are not here (${takes}); see ../shared/corpus/README.md`);
  process.exit(2);
}
const dir = join(outDir, "repair");
mkdirSync(dir, { recursive: true });

const SECONDS = 10;
const hum = [50, 100, 150, 200, 250, 300].map((f) => `bandreject=f=${f}:width_type=h:width=4`).join(",");
const R = 48000;
/** Each fault, our fix (CLI name, and the engine call alone for its own CPU time), ffmpeg's nearest filter. */
const CASES: {
  fault: string;
  take: string;
  fix: string;
  alone: (x: Float32Array) => unknown;
  ffmpeg: string;
  gain: number;
}[] = [
  {
    fault: "clicks",
    take: "vox-clicks.flac",
    fix: "declick",
    alone: (x) => declick(x, R),
    ffmpeg: "adeclick",
    gain: 1,
  },
  {
    fault: "crackle (declick + decrackle)",
    take: "vox-clicks.flac",
    fix: "declick,decrackle",
    alone: (x) => declick(declick(x, R).output, R, { sensitivity: 0.8 }),
    ffmpeg: "adeclick",
    gain: 1,
  },
  {
    fault: "hum",
    take: "vox-hum.flac",
    fix: "dehum",
    alone: (x) => dehum(x, R, detectHum(x, R) ?? { fundamentalHz: 50, levelDb: 0, harmonics: [] }),
    ffmpeg: hum,
    gain: 1,
  },
  {
    fault: "noise",
    take: "vox-noise.flac",
    fix: "denoise",
    alone: (x) => denoise(x, R),
    ffmpeg: "afftdn=nr=12",
    gain: 1,
  },
  {
    fault: "clipping",
    take: "vox-clipped.flac",
    fix: "declip",
    alone: (x) => declip(x, R),
    ffmpeg: "adeclip",
    gain: 10 ** (8 / 20),
  },
  {
    fault: "DC",
    take: "vox-dc.flac",
    fix: "dc",
    alone: (x) => removeDc(x, R),
    ffmpeg: "highpass=f=10",
    gain: 1,
  },
];

/** CPU seconds of one call on this thread. */
function cpuOf(f: () => unknown): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
}

async function load(path: string): Promise<Float32Array> {
  return (await readWholeFile(path, { maxFrames: 20 * 48000 })).channels[0];
}

/**
 * SNR of a result against the reference after taking out any whole-sample latency the tool left in its output
 * (ffmpeg's afftdn delays by its frame; judging it unaligned would be unfair). Returns the SNR and the lag.
 */
async function judge(ref: Float32Array, path: string): Promise<{ snr: number; lag: number }> {
  const x = await load(path);
  const lag = Math.round(alignRecordings([ref], [x], 48000).delaySamples);
  return { snr: snrDb(ref, lag === 0 ? x : shiftChannel(x, lag, 1)), lag };
}

const clean = await load(join(takes, "clean-vox.flac"));
interface Row {
  fault: string;
  input: number;
  ours: number;
  theirs: number;
  theirsLag: number;
  oursX: number;
  theirsX: number;
  oursCpu: number;
  aloneX: number;
  theirsCpu: number;
  filter: string;
}
const rows: Row[] = [];
for (const c of CASES) {
  const input = join(takes, c.take);
  const ref = c.gain === 1 ? clean : clean.map((v) => v * c.gain);
  const inputAudio = await load(input);
  const oursOut = join(dir, `${c.fix.replace(",", "+")}-ours.wav`);
  const theirsOut = join(dir, `${c.fix.replace(",", "+")}-ffmpeg.wav`);
  rmSync(oursOut, { force: true });
  const o = timed(process.execPath, [
    cli,
    "repair",
    input,
    oursOut,
    "--fix",
    c.fix,
    "--bits",
    "32",
    "--force",
  ]);
  if (o.status !== 0) throw new Error(`controlroom repair failed: ${o.stderr}`);
  const f = timed("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-i",
    input,
    "-af",
    c.ffmpeg,
    "-c:a",
    "pcm_f32le",
    theirsOut,
  ]);
  if (f.status !== 0) throw new Error(`ffmpeg failed: ${f.stderr}`);
  rows.push({
    fault: c.fault,
    input: snrDb(ref, inputAudio),
    ours: (await judge(ref, oursOut)).snr,
    ...(await judge(ref, theirsOut).then((j) => ({ theirs: j.snr, theirsLag: j.lag }))),
    oursX: SECONDS / o.seconds,
    theirsX: SECONDS / f.seconds,
    oursCpu: o.cpuSeconds,
    aloneX: SECONDS / cpuOf(() => c.alone(inputAudio)),
    theirsCpu: f.cpuSeconds,
    filter: c.ffmpeg.length > 40 ? "bandreject ×6 (50…300 Hz, 4 Hz wide)" : c.ffmpeg,
  });
  console.error(`${c.fault}: done`);
}
const alignOut = join(dir, "aligned.wav");
const a = timed(process.execPath, [
  cli,
  "align",
  join(takes, "clean-vox.flac"),
  join(takes, "vox-late-polarity.flac"),
  "-o",
  alignOut,
  "--bits",
  "32",
  "--force",
  "--json",
]);
const aj = JSON.parse(a.stdout);
const aligned = await load(alignOut);
const n = clean.length - 37;

rows.sort((x, y) => x.ours - x.theirs - (y.ours - y.theirs));
console.log(
  "| fault | input SNR dB | controlroom SNR dB | ffmpeg SNR dB | ffmpeg filter | controlroom CLI × real time (CPU s) | the fix alone, × real time on one core | ffmpeg × real time (CPU s) |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.fault} | ${fmt(r.input)} | ${fmt(r.ours)} | ${fmt(r.theirs)}${r.theirsLag ? ` (after taking out its ${r.theirsLag}-sample latency)` : ""} | \`${r.filter}\` | ${fmt(r.oursX, 1)} (${fmt(r.oursCpu)}) | ${fmt(r.aloneX, 0)} | ${fmt(r.theirsX, 1)} (${fmt(r.theirsCpu)}) |`,
  );
}
console.log(
  `| delay/polarity | — | ${snrDb(clean.subarray(0, n), aligned.subarray(0, n)) === Number.POSITIVE_INFINITY ? "∞, bit-exact" : fmt(snrDb(clean.subarray(0, n), aligned.subarray(0, n)))} (found ${aj.delaySamples} samples, inverted ${aj.inverted}) | — | (none) | ${fmt(SECONDS / a.seconds, 1)} (${fmt(a.cpuSeconds)}) | — | — |`,
);
