/**
 * npm run bench:render — `controlroom render` timed as users run it (process start to exit: the CLI bundle,
 * its worker threads, the files written), under GNU time for wall time, CPU time (user + system, every thread)
 * and peak memory, each case first into a fresh decoded-audio cache ("cold": the FLAC sources are decoded, into the cache
 * before the render or by it while it plays them) and
 * then again ("warm"), beside ffmpeg doing the nearest job it can (decode the same FLAC stems, mix them with
 * `amix`, write the mix — and the stems, where the case writes stems — as 24-bit WAV). Cases:
 *
 * - song1: the session `controlroom session init --from-stems` makes of the corpus song1 (7 stems, 64 s:
 *   faders and pans, no inserts), rendered with `--stems` into a new folder — the daily bounce.
 * - 16 tracks, 4 minutes: 16 tracks from the corpus stems, EQ + compressor on each, reverb and delay buses,
 *   volume automation on every track (the mix only).
 * - the same 16 tracks stretched to 60 minutes (only with `--long`).
 *
 * Prints a table worst ratio to real time first. Asserts nothing; timing stays out of the tests.
 *
 *   npm run bench:render                   song1 and the 4-minute session, one run each
 *   npm run bench:render -- --runs 3       three runs of each (median and range)
 *   npm run bench:render -- --long         the 60-minute session too
 *   npm run bench:render -- --only song1   one case (song1, 4, 60)
 *   BENCH_THREADS=1 npm run bench:render   one thread
 *
 * Goals (issue 16): ≥ 50x real time for song1 with stems, cold and warm; ≥ 60x for the 4-minute session.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseSession } from "@controlroom/engine/session/load.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { sha256File } from "../packages/node/src/session/hash.ts";
import { benchEnv, cli, corpus, envNote, fmt, outDir, requireTool, timed } from "./lib.ts";

/** Threads rendering tracks (default: one per core); `BENCH_THREADS=1` measures one core. */
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

const SONG = join(corpus, "song1");
const STEM_SECONDS = 64;
const STEMS = ["kick", "snare", "hats", "bass", "keys", "lead", "vox"];

/** The benchmark session: 16 tracks cycling through the stems, each stem repeated to fill `minutes`. */
async function benchSession(minutes: number): Promise<Session> {
  const total = minutes * 60;
  const audio: Record<string, unknown> = {};
  for (const s of STEMS) {
    const stereo = s === "keys";
    audio[s] = {
      sha256: await sha256File(join(SONG, `${s}.flac`)),
      path: join(SONG, `${s}.flac`),
      sampleRate: 48000,
      channels: stereo ? 2 : 1,
      frames: STEM_SECONDS * 48000,
    };
  }
  const tracks = Array.from({ length: 16 }, (_, i) => {
    const stem = STEMS[i % STEMS.length];
    const clips = [];
    for (let t = 0; t < total; t += STEM_SECONDS)
      clips.push({ audio: stem, start: t, length: Math.min(STEM_SECONDS, total - t) });
    // A fader ride: a dip of 6 dB every 16 s, ramped in and out over 1 s.
    const points = [];
    for (let t = 8; t + 4 < total; t += 16) {
      points.push(
        { time: t, value: -3 },
        { time: t + 1, value: -9 },
        { time: t + 3, value: -9 },
        { time: t + 4, value: -3 },
      );
    }
    return {
      id: `t${i + 1}-${stem}`,
      channels: stem === "keys" ? 2 : 1,
      volumeDb: -3,
      pan: ((i % 5) - 2) / 4,
      inserts: [
        {
          type: "eq",
          bands: [
            { kind: "highpass", freq: 60 + 10 * i, slope: 12 },
            { kind: "peak", freq: 2500, gainDb: 2, q: 1 },
          ],
        },
        { type: "compressor", thresholdDb: -24, ratio: 3, attackMs: 10, releaseMs: 120 },
      ],
      sends: [
        { bus: "reverb", levelDb: -14 },
        { bus: "delay", levelDb: -20 },
      ],
      automation: [{ target: "volume", points }],
      takes: [{ id: "take1", clips }],
    };
  });
  return parseSession({
    version: 2,
    name: `bench ${minutes} min`,
    sampleRate: 48000,
    audio,
    tracks,
    buses: [
      { id: "reverb", inserts: [{ type: "reverb", preset: "hall", decayS: 2, mix: 1 }] },
      { id: "delay", inserts: [{ type: "delay", note: "1/4", bpm: 120, feedback: 0.35, mix: 1 }] },
    ],
    master: { volumeDb: -6 },
  });
}

/** One benchmark case: how to make its session, and what the render writes. */
interface Case {
  name: string;
  /** Audio seconds rendered. */
  seconds: number;
  /** Writes the session; returns its path. */
  make: (dir: string) => Promise<string>;
  stems: boolean;
  /** The ffmpeg reference's arguments, writing into `out` (a fresh folder). */
  reference: (out: string) => string[];
}

interface Figures {
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
}

const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Math.max(1, Math.floor(Number(argValue("--runs") ?? 1)));
const only = argValue("--only");

requireTool("ffmpeg");
if (!existsSync(join(SONG, "kick.flac"))) {
  console.error(`bench:render needs the corpus (${SONG}); see ../shared/corpus/README`);
  process.exit(2);
}

/** ffmpeg: decode `inputs` (each `[args before -i, file]`), mix them with amix, write a 24-bit WAV (and stems). */
function ffmpegMix(
  inputs: { pre: string[]; file: string }[],
  seconds: number,
  out: string,
  stems: boolean,
): string[] {
  const args = ["-hide_banner", "-loglevel", "error", "-y"];
  for (const x of inputs) args.push(...x.pre, "-i", x.file);
  const n = inputs.length;
  const chains: string[] = [];
  const mixIn: string[] = [];
  for (let i = 0; i < n; i++) {
    if (stems) {
      chains.push(`[${i}:a]aformat=channel_layouts=stereo,asplit[m${i}][s${i}]`);
      mixIn.push(`[m${i}]`);
    } else mixIn.push(`[${i}:a]`);
  }
  chains.push(`${mixIn.join("")}amix=inputs=${n}:normalize=0:duration=longest[mix]`);
  args.push(
    "-filter_complex",
    chains.join(";"),
    "-map",
    "[mix]",
    "-t",
    String(seconds),
    "-c:a",
    "pcm_s24le",
    join(out, "mix.wav"),
  );
  if (stems)
    for (let i = 0; i < n; i++)
      args.push("-map", `[s${i}]`, "-t", String(seconds), "-c:a", "pcm_s24le", join(out, `stem${i + 1}.wav`));
  return args;
}

const song1: Case = {
  name: "song1 (7 stems, 64 s), with stems",
  seconds: STEM_SECONDS,
  stems: true,
  async make(dir) {
    const r = timed(process.execPath, [cli, "session", "init", dir, "--from-stems", SONG]);
    if (r.status !== 0) throw new Error(`session init --from-stems failed:\n${r.stderr}`);
    return join(dir, "session.json");
  },
  reference: (out) =>
    ffmpegMix(
      STEMS.map((s) => ({ pre: [], file: join(SONG, `${s}.flac`) })),
      STEM_SECONDS,
      out,
      true,
    ),
};

const sixteen = (minutes: number): Case => ({
  name: `16 tracks, ${minutes} min (EQ + comp, 2 buses)`,
  seconds: minutes * 60,
  stems: false,
  async make(dir) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "session.json");
    writeFileSync(path, `${JSON.stringify(await benchSession(minutes), null, 1)}\n`);
    return path;
  },
  reference: (out) =>
    ffmpegMix(
      Array.from({ length: 16 }, (_, i) => ({
        pre: ["-stream_loop", "-1"],
        file: join(SONG, `${STEMS[i % STEMS.length]}.flac`),
      })),
      minutes * 60,
      out,
      false,
    ),
});

const cases = [song1, sixteen(4), ...(process.argv.includes("--long") ? [sixteen(60)] : [])].filter(
  (c) => !only || (only === "song1" ? c === song1 : c.name.includes(`${only} min`)),
);

/** Renders `c` with the CLI into a fresh cache (cold), then again (warm); then times the ffmpeg reference. */
async function measure(c: Case): Promise<{ cold: Figures; warm: Figures; reference: Figures }> {
  const dir = mkdtempSync(join(outDir, "render-"));
  const cacheDir = mkdtempSync(join(tmpdir(), "cr-bench-cache-"));
  try {
    const session = await c.make(join(dir, "session"));
    const env = { ...benchEnv, CONTROLROOM_CACHE_DIR: cacheDir };
    let k = 0;
    const render = (): Figures => {
      // Into a new folder every time, as a user bouncing a mix and stems would.
      const out = join(dir, `out${k++}`);
      mkdirSync(out);
      const args = [cli, "render", session, "-o", join(out, "mix.wav"), "--bits", "24"];
      if (c.stems) args.push("--stems", join(out, "stems"));
      if (threads) args.push("--threads", String(threads));
      const r = timed(process.execPath, args, env);
      if (r.status !== 0) throw new Error(`render of ${c.name} failed:\n${r.stderr}`);
      rmSync(out, { recursive: true, force: true });
      return figures(r);
    };
    const cold = render();
    const warm = render();
    const refOut = join(dir, "ffmpeg");
    mkdirSync(refOut);
    const r = timed("ffmpeg", c.reference(refOut));
    if (r.status !== 0) throw new Error(`ffmpeg reference for ${c.name} failed:\n${r.stderr}`);
    return { cold, warm, reference: figures(r) };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function figures(r: ReturnType<typeof timed>): Figures {
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, maxRssMB: (r.maxRssMiB * 2 ** 20) / 1e6 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** `median (min–max)` of `xs`, or the one value. */
const spread = (xs: number[], d: number) =>
  xs.length === 1
    ? fmt(xs[0], d)
    : `${fmt(median(xs), d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})`;

mkdirSync(outDir, { recursive: true });
const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `bench:render — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} × ${cpu}, node ${process.version}`,
);
console.log(
  `load average at start ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} (figures mean little unless the machine is otherwise idle)`,
);
const note = envNote();
if (note) console.log(note);
console.log(
  `controlroom render --bits 24, threads ${threads ?? "one per core"}, process start to exit (GNU time); ${runs} run(s) per case: ` +
    "each a fresh decoded-audio cache (cold), then again (warm); ffmpeg reference: decode the same FLAC stems, amix, write 24-bit WAV (+ the stems where the case writes stems)\n",
);
const rows: { name: string; cache: string; audio: number; runs: Figures[]; reference: Figures[] }[] = [];
for (const c of cases) {
  const all = { cold: [] as Figures[], warm: [] as Figures[], reference: [] as Figures[] };
  for (let k = 0; k < runs; k++) {
    const m = await measure(c);
    all.cold.push(m.cold);
    all.warm.push(m.warm);
    all.reference.push(m.reference);
    process.stderr.write(
      `  ${c.name}, run ${k + 1}: cold ${fmt(m.cold.seconds)} s, warm ${fmt(m.warm.seconds)} s, ffmpeg ${fmt(m.reference.seconds)} s\n`,
    );
  }
  for (const cache of ["cold", "warm"] as const)
    rows.push({ name: c.name, cache, audio: c.seconds, runs: all[cache], reference: all.reference });
}
const ratio = (row: (typeof rows)[number]) => median(row.runs.map((f) => row.audio / f.seconds));
rows.sort((a, b) => ratio(a) - ratio(b));
console.log(
  "| case | cache | wall s | × real time | CPU s | × per CPU-second | peak RSS MB | ffmpeg wall s | ffmpeg CPU s | ffmpeg × real time |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    [
      `| ${r.name} | ${r.cache}`,
      spread(
        r.runs.map((f) => f.seconds),
        2,
      ),
      `**${spread(
        r.runs.map((f) => r.audio / f.seconds),
        1,
      )}×**`,
      spread(
        r.runs.map((f) => f.cpuSeconds),
        2,
      ),
      `${spread(
        r.runs.map((f) => r.audio / f.cpuSeconds),
        1,
      )}×`,
      spread(
        r.runs.map((f) => f.maxRssMB),
        0,
      ),
      spread(
        r.reference.map((f) => f.seconds),
        2,
      ),
      spread(
        r.reference.map((f) => f.cpuSeconds),
        2,
      ),
      `${spread(
        r.reference.map((f) => r.audio / f.seconds),
        1,
      )}× |`,
    ].join(" | "),
  );
}
console.log(
  `\nworst: ${rows[0].name}, ${rows[0].cache} cache, ${fmt(ratio(rows[0]), 1)}× real time (median of ${runs})`,
);
