/** Shared helpers for the benchmark scripts: making test files, timing commands, measuring peak memory. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const outDir = join(repoRoot, "bench", "out");
export const corpus = join(repoRoot, "..", "shared", "corpus");
export const cli = join(repoRoot, "packages", "node", "bin", "controlroom.js");

// Time the CLI as users run it: from the prebuilt bundle, rebuilt first if any source is newer.
{
  const { buildCli, isCliBundleFresh } = await import(join(repoRoot, "scripts", "build-cli.mjs"));
  if (!isCliBundleFresh()) await buildCli();
}

export function has(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).status === 0;
}

export function requireTool(tool: string, debianPackage = tool): void {
  if (!has(tool)) {
    console.error(`${tool} is not installed: apt-get install -y ${debianPackage}`);
    process.exit(2);
  }
}

/** Result of one timed run: wall seconds, peak resident memory (MiB), output. */
export interface Run {
  seconds: number;
  maxRssMiB: number;
  /** User + system CPU seconds of the command (every thread). */
  cpuSeconds: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs a command under GNU time for wall time, CPU time (user + system, all threads) and peak RSS. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "__MAXRSS__%M %U %S", cmd, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__MAXRSS__(\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    maxRssMiB: m ? Number(m[1]) / 1024 : Number.NaN,
    cpuSeconds: m ? Number(m[2]) + Number(m[3]) : Number.NaN,
    stdout: r.stdout,
    stderr: r.stderr.replace(/__MAXRSS__[\d. ]+\n?/, ""),
    status: r.status,
  };
}

/**
 * A long 48 kHz stereo 24-bit WAV of real music: the corpus rough mix looped to `minutes`
 * (or, without the corpus, ffmpeg's pink noise with a slow level modulation).
 */
export function longWav(minutes: number): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `music-${minutes}min-48k-24bit.wav`);
  if (existsSync(path) && statSync(path).size > 1000) return path;
  const rough = join(corpus, "mixes", "song1-rough-mix.flac");
  const seconds = String(minutes * 60);
  const args = existsSync(rough)
    ? ["-stream_loop", "-1", "-i", rough, "-t", seconds]
    : [
        "-f",
        "lavfi",
        "-i",
        `anoisesrc=d=${seconds}:c=pink:r=48000:a=0.3,volume='0.5+0.4*sin(t/7)':eval=frame`,
        "-ac",
        "2",
      ];
  console.log(`making ${path} …`);
  const r = spawnSync(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-y", ...args, "-ar", "48000", "-c:a", "pcm_s24le", path],
    {
      stdio: "inherit",
    },
  );
  if (r.status !== 0) throw new Error("ffmpeg failed to make the benchmark file");
  return path;
}

export function fmt(n: number, d = 2): string {
  return Number.isFinite(n) ? n.toFixed(d) : "n/a";
}
