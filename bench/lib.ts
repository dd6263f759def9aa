/** Shared helpers for the benchmark scripts: making test files, timing commands, measuring peak memory. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const outDir = join(repoRoot, "bench", "out");
export const corpus = join(repoRoot, "..", "shared", "corpus");
export const cli = join(repoRoot, "packages", "cli", "bin", "controlroom.js");

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

/**
 * The environment commands are timed in: this one, without NODE_EXTRA_CA_CERTS unless BENCH_KEEP_ENV=1. Node
 * reads that file of certificates at every start, before any of our code runs; the machines this project is
 * measured on set it (for their package proxy) and it costs each Node process ~80 ms there (`node -e 0`: 0.11
 * against 0.03 s) — a setting of the machine, not of the program, which users' machines do not carry and the
 * reference tools do not read. Each benchmark says when it was left out (`envNote`).
 */
export const benchEnv: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  if (process.env.BENCH_KEEP_ENV !== "1") delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();

/** One line saying how the environment was changed for the timed runs (empty when it was not). */
export function envNote(): string {
  if (process.env.NODE_EXTRA_CA_CERTS === undefined || process.env.BENCH_KEEP_ENV === "1") return "";
  const start = (env: NodeJS.ProcessEnv) => {
    const t: number[] = [];
    for (let i = 0; i < 5; i++) t.push(timed(process.execPath, ["-e", "0"], env).seconds);
    return t.sort((a, b) => a - b)[2];
  };
  return (
    `NODE_EXTRA_CA_CERTS is set here and left out of the timed runs (BENCH_KEEP_ENV=1 keeps it): ` +
    `Node starts in ${fmt(start(process.env), 3)} s with it, ${fmt(start(benchEnv), 3)} s without`
  );
}

/** Runs a command under GNU time for wall time, CPU time (user + system, all threads) and peak RSS. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = benchEnv): Run {
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

/** One file of the analysis benchmark set. */
export interface BenchFile {
  /** What the material is, for the table. */
  label: string;
  path: string;
  /** Duration in seconds. */
  seconds: number;
}

function makeOnce(path: string, what: string, make: (tmp: string) => void): string {
  if (existsSync(path) && statSync(path).size > 1000) return path;
  console.log(`making ${path} (${what}) …`);
  const tmp = path.replace(/\.wav$/, ".part.wav");
  make(tmp);
  renameSync(tmp, path);
  return path;
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} failed to make ${what}`);
}

/**
 * The analysis benchmark set: 10-minute 48 kHz stereo 24-bit files of kinds of programme that stress
 * different parts of a meter — pink noise with a slow tremolo, white noise at −3 dBFS peak, a brick-wall
 * limited master (the corpus rough mix mastered to `club` by controlroom, looped), a 20 Hz–20 kHz sine
 * sweep, the looped rough mix, and the rough mix at 96 kHz. Without the corpus the two mixes' rows use
 * pink noise (see `longWav`) and the limited master is left out.
 */
export function analysisSet(minutes = 10): BenchFile[] {
  mkdirSync(outDir, { recursive: true });
  const seconds = minutes * 60;
  const s = String(seconds);
  const sox = (name: string, what: string, synth: string[]) =>
    makeOnce(join(outDir, name), what, (tmp) =>
      run("sox", ["-n", "-r", "48000", "-c", "2", "-b", "24", tmp, "synth", s, ...synth], what),
    );
  const files: BenchFile[] = [
    {
      label: "pink noise, tremolo",
      path: sox(`pink-${minutes}min.wav`, "pink noise", ["pinknoise", "gain", "-12", "tremolo", "0.3", "60"]),
      seconds,
    },
    {
      label: "white noise −3 dBFS",
      path: sox(`white-${minutes}min.wav`, "white noise", ["whitenoise", "gain", "-n", "-3"]),
      seconds,
    },
  ];
  const rough = join(corpus, "mixes", "song1-rough-mix.flac");
  if (existsSync(rough)) {
    const master = makeOnce(join(outDir, "club-master-64s.wav"), "club master", (tmp) => {
      run(process.execPath, [cli, "master", rough, "--target", "club", "-o", tmp, "--quiet"], "club master");
      rmSync(tmp.replace(/\.wav$/, ".master.json"), { force: true });
    });
    files.push({
      label: "limited master (club)",
      path: makeOnce(join(outDir, `club-master-${minutes}min.wav`), "looped club master", (tmp) =>
        run(
          "ffmpeg",
          ["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", master, "-t", s].concat([
            "-ar",
            "48000",
            "-c:a",
            "pcm_s24le",
            tmp,
          ]),
          "looped club master",
        ),
      ),
      seconds,
    });
  }
  files.push({
    label: "sine sweep 20 Hz–20 kHz",
    path: sox(`sweep-${minutes}min.wav`, "sine sweep", ["sine", "20/20000", "gain", "-1"]),
    seconds,
  });
  const music = longWav(minutes);
  files.push({
    label: existsSync(rough) ? "rough mix, looped" : "pink noise (no corpus)",
    path: music,
    seconds,
  });
  files.push({
    label: "rough mix at 96 kHz",
    path: makeOnce(join(outDir, `music-${minutes}min-96k-24bit.wav`), "96 kHz", (tmp) =>
      run(
        "ffmpeg",
        ["-hide_banner", "-loglevel", "error", "-y", "-i", music, "-ar", "96000", "-c:a", "pcm_s24le", tmp],
        "96 kHz file",
      ),
    ),
    seconds,
  });
  return files;
}
