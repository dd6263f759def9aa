/**
 * npm run bench:render — renders a 16-track, 4-minute 48 kHz session built from the corpus stems (each track
 * with EQ + compressor, sends to a reverb and a delay bus, volume automation on every track), then the same
 * session stretched to 60 minutes, with `controlroom render` as users run it (the CLI bundle and its worker
 * threads), under GNU time for wall time, CPU time and peak memory (max RSS). Each session renders twice into
 * one fresh decoded-audio cache: cold (the first render decodes the FLAC stems) and warm. Asserts nothing.
 *
 *   npm run bench:render            both sessions
 *   npm run bench:render -- 4       only the 4-minute one
 *   BENCH_THREADS=1 npm run bench:render -- 4    one thread
 *
 * Measured 2026-11-28 (2 cores, nothing else running; eleven / three runs; figures in README.md):
 *   4 min: cold 44–53x real time (median 50x), warm 54–59x (median 58x); peak RSS 179–197 / 120–139 MB
 *  60 min: cold 61–67x, warm 59–67x; peak RSS 201–212 / 146–169 MB
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSession } from "@controlroom/engine/session/load.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { sha256File } from "../packages/node/src/session/hash.ts";
import { cli, corpus, fmt, outDir, timed } from "./lib.ts";

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

/**
 * Renders the `minutes` session with the CLI, as users run it (the prebuilt bundle, its own worker threads),
 * into a fresh decoded-audio cache (cold: the first render decodes the FLAC stems) and then again (warm).
 */
async function measure(minutes: number): Promise<{ cold: Figures; warm: Figures }> {
  const dir = join(outDir, `render-${minutes}min`);
  mkdirSync(dir, { recursive: true });
  const sessionPath = join(dir, "session.json");
  writeFileSync(sessionPath, `${JSON.stringify(await benchSession(minutes), null, 1)}\n`);
  const out = join(dir, "mix.wav");
  const cacheDir = mkdtempSync(join(tmpdir(), "cr-bench-cache-"));
  const args = [
    cli,
    "render",
    sessionPath,
    "-o",
    out,
    "--bits",
    "24",
    ...(threads ? ["--threads", String(threads)] : []),
  ];
  const env = { ...process.env, CONTROLROOM_CACHE_DIR: cacheDir };
  try {
    const run = (): Figures => {
      rmSync(out, { force: true });
      const r = timed(process.execPath, args, env);
      if (r.status !== 0) throw new Error(`render of the ${minutes}-minute session failed:\n${r.stderr}`);
      return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, maxRssMB: (r.maxRssMiB * 2 ** 20) / 1e6 };
    };
    const cold = run();
    const warm = run();
    return { cold, warm };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(out, { force: true });
  }
}

interface Figures {
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
}

const arg = process.argv[2];
const sizes = arg ? [Number(arg)] : [4, 60];
const results: Record<number, { cold: Figures; warm: Figures }> = {};
console.log(
  `16 tracks (EQ + compressor each), reverb + delay buses, volume automation; \`controlroom render\`, threads ${threads ?? "one per core"}`,
);
for (const m of sizes) {
  const res = await measure(m);
  results[m] = res;
  const audio = m * 60;
  for (const [name, f] of Object.entries(res)) {
    console.log(
      `${String(m).padStart(2)} min, ${name} cache: ${fmt(f.seconds, 2)} s, ${fmt(audio / f.seconds, 1)}x real time ` +
        `(${fmt(audio / f.cpuSeconds, 1)}x per CPU-second), peak RSS ${fmt(f.maxRssMB, 0)} MB`,
    );
  }
}
if (results[4] && results[60]) {
  console.log(
    `60-min / 4-min peak RSS (cold): ${fmt(results[60].cold.maxRssMB / results[4].cold.maxRssMB, 2)}x`,
  );
}
