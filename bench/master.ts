/**
 * npm run bench:master — masters the corpus rough mix and a 10-minute file to several targets with
 * `controlroom master` (one command: measure, limit, re-measure) and with ffmpeg's two-pass `loudnorm`
 * (measure, then `linear=true` normalisation), and judges both outputs with ffmpeg's ebur128 filter
 * (peak=true, 4x true peak): distance from the target loudness, true peak against the ceiling, wall time.
 * Then memory: mastering from disk (what `controlroom master` does without a reference) against the whole
 * programme in memory (how every master was made before), peak RSS and seconds per minute of audio, and the
 * difference between their masters; `--long` adds a 60-minute programme (from disk only: in memory it would
 * take about 5 GB). Prints Markdown tables; asserts nothing. `--quick` skips the 10-minute file,
 * `--memory-only` the loudnorm comparison.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { corpus, envNote, fmt, longWav, outDir, type Run, repoRoot, requireTool, timed } from "./lib.ts";

const TARGETS = [
  { name: "spotify", lufs: -14, tp: -1 },
  { name: "apple", lufs: -16, tp: -1 },
  { name: "amazon", lufs: -14, tp: -2 },
  { name: "ebu-r128", lufs: -23, tp: -1 },
  { name: "club", lufs: -8, tp: -0.5 },
];

// Child mode: one mastering run in its own process, so wall time and memory are measured like ffmpeg's.
if (process.argv[2] === "--run-ours") {
  const [, , , input, output, lufs, tp, maxLimiting] = process.argv;
  const { masterFile } = await import("../packages/node/src/mastering/master-file.ts");
  const o = await masterFile(input, output, {
    lufs: Number(lufs),
    tp: Number(tp),
    maxLimitingDb: Number(maxLimiting),
    force: true,
  });
  console.log(JSON.stringify({ passes: o.report.passes.length, limitingDb: o.report.limitingDb }));
  process.exit(0);
}

// Child mode: the whole programme in memory, as every master was made before mastering from disk.
if (process.argv[2] === "--run-memory") {
  const [, , , input, output, lufs, tp, maxLimiting] = process.argv;
  const { masterChannels, readForMastering, resolveTarget, writeChannels } = await import(
    "../packages/node/src/mastering/master-file.ts"
  );
  const src = await readForMastering(input);
  const m = await masterChannels(
    src.channels,
    src.info,
    resolveTarget({ lufs: Number(lufs), tp: Number(tp) }),
    {
      maxLimitingDb: Number(maxLimiting),
    },
  );
  await writeChannels(output, m.result.channels, m.sampleRate, 24);
  console.log(JSON.stringify({ passes: m.result.passes.length, limitingDb: m.result.limitingDb }));
  process.exit(0);
}

requireTool("ffmpeg");

/** ffmpeg ebur128 (peak=true) as the neutral judge. */
function judge(file: string): { i: number; tp: number } {
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
  const s = r.stderr.slice(r.stderr.lastIndexOf("Summary:"));
  return {
    i: Number(/I:\s+(-?[\d.]+) LUFS/.exec(s)?.[1]),
    tp: Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(s)?.[1]),
  };
}

function ours(
  input: string,
  t: (typeof TARGETS)[number],
  out: string,
  mode: "--run-ours" | "--run-memory" = "--run-ours",
): Run & { passes: number } {
  const r = timed(process.execPath, [
    "--import",
    "tsx",
    join(repoRoot, "bench", "master.ts"),
    mode,
    input,
    out,
    String(t.lufs),
    String(t.tp),
    t.name === "club" ? "12" : "6",
  ]);
  if (r.status !== 0) throw new Error(`controlroom master failed: ${r.stderr}`);
  return { ...r, passes: JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}").passes };
}

function loudnorm(
  input: string,
  t: (typeof TARGETS)[number],
  out: string,
): { seconds: number; maxRssMiB: number } {
  const base = `I=${t.lufs}:TP=${t.tp}:LRA=20`;
  const p1 = timed("ffmpeg", [
    "-hide_banner",
    "-nostats",
    "-i",
    input,
    "-af",
    `loudnorm=${base}:print_format=json`,
    "-f",
    "null",
    "-",
  ]);
  const json = JSON.parse(p1.stderr.slice(p1.stderr.lastIndexOf("{"), p1.stderr.lastIndexOf("}") + 1));
  const p2 = timed("ffmpeg", [
    "-hide_banner",
    "-nostats",
    "-y",
    "-i",
    input,
    "-af",
    `loudnorm=${base}:measured_I=${json.input_i}:measured_TP=${json.input_tp}:measured_LRA=${json.input_lra}:measured_thresh=${json.input_thresh}:offset=${json.target_offset}:linear=true:print_format=summary`,
    "-ar",
    "48000",
    "-c:a",
    "pcm_s24le",
    out,
  ]);
  if (p2.status !== 0) throw new Error(`ffmpeg loudnorm failed: ${p2.stderr}`);
  return { seconds: p1.seconds + p2.seconds, maxRssMiB: Math.max(p1.maxRssMiB, p2.maxRssMiB) };
}

const files = [
  { label: "rough mix (64 s)", path: join(corpus, "mixes", "song1-rough-mix.flac") },
  ...(process.argv.includes("--quick") ? [] : [{ label: "10-minute file", path: longWav(10) }]),
];

const rows: string[] = [
  "| file | target | tool | integrated (LUFS) | off target (LU) | true peak (dBTP) | over ceiling | wall (s) | peak RSS (MiB) |",
  "|---|---|---|---|---|---|---|---|---|",
];
// `--memory-only`: just the memory table below.
for (const f of process.argv.includes("--memory-only") ? [] : files) {
  for (const t of TARGETS) {
    const a = join(outDir, "master-ours.wav");
    const b = join(outDir, "master-loudnorm.wav");
    const o = ours(f.path, t, a);
    const jo = judge(a);
    const l = loudnorm(f.path, t, b);
    const jl = judge(b);
    const line = (tool: string, j: { i: number; tp: number }, r: { seconds: number; maxRssMiB: number }) =>
      `| ${f.label} | ${t.name} (${t.lufs}/${t.tp}) | ${tool} | ${fmt(j.i, 1)} | ${fmt(j.i - t.lufs, 1)} | ${fmt(j.tp, 1)} | ${j.tp > t.tp ? "**yes**" : "no"} | ${fmt(r.seconds, 1)} | ${fmt(r.maxRssMiB, 0)} |`;
    rows.push(line(`controlroom (${o.passes} passes)`, jo, o), line("ffmpeg loudnorm 2-pass", jl, l));
    console.log(rows.slice(-2).join("\n"));
  }
}
rmSync(join(outDir, "master-loudnorm.wav"), { force: true });
console.log(`\n${rows.join("\n")}`);

// Memory: from disk against the whole programme in memory, one target (spotify), judged by ffmpeg.
const spotify = TARGETS[0];
const memoryRows: string[] = [
  "| file | from disk: wall s, CPU s (CPU s/min), peak RSS MiB | in memory: the same | disk − memory: I (LU) / TP (dB) |",
  "|---|---|---|---|",
];
const long = process.argv.includes("--long")
  ? [{ label: "60-minute file", path: longWav(60), minutes: 60 }]
  : [];
for (const f of [
  { label: "rough mix (64 s)", path: files[0].path, minutes: 64 / 60 },
  ...(files[1] ? [{ label: "10-minute file", path: files[1].path, minutes: 10 }] : []),
  ...long,
]) {
  const a = join(outDir, "master-disk.wav");
  const b = join(outDir, "master-memory.wav");
  const d = ours(f.path, spotify, a);
  const jd = judge(a);
  // CPU seconds as well as wall time: on a shared machine they are the steadier figure.
  const cell = (r: Run) =>
    `${fmt(r.seconds, 1)}, ${fmt(r.cpuSeconds, 1)} (${fmt(r.cpuSeconds / f.minutes, 2)}), ${fmt(r.maxRssMiB, 0)}`;
  if (f.minutes > 30) {
    memoryRows.push(`| ${f.label} | ${cell(d)} | not run (≈5 GB) | — |`);
  } else {
    const m = ours(f.path, spotify, b, "--run-memory");
    const jm = judge(b);
    memoryRows.push(
      `| ${f.label} | ${cell(d)} | ${cell(m)} | ${fmt(jd.i - jm.i, 2)} / ${fmt(jd.tp - jm.tp, 2)} |`,
    );
  }
  console.log(memoryRows.at(-1));
}
rmSync(join(outDir, "master-ours.wav"), { force: true });
rmSync(join(outDir, "master-disk.wav"), { force: true });
rmSync(join(outDir, "master-memory.wav"), { force: true });
console.log(`\n${memoryRows.join("\n")}`);
const envNoteLine = envNote();
if (envNoteLine) console.log(`\n${envNoteLine}`);
