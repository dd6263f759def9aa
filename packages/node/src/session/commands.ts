/**
 * CLI commands for sessions: `render`, and `session init | show | export-dawproject | import-dawproject`.
 * Errors are one clear message (a SessionError lists every problem with its JSON path), never a stack trace.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ParamError } from "@controlroom/engine/core/params.ts";
import { SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import { SessionError } from "@controlroom/engine/session/problems.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { TempoMap } from "@controlroom/engine/session/tempo-map.ts";
import { type Command, InvalidArgumentError } from "commander";
import { formatClock, Progress } from "../cli/progress.ts";
import { AudioFileError } from "../files/types.ts";
import { FileSourceProvider } from "../render/file-provider.ts";
import { RenderCancelledError, renderSessionToFiles } from "../render/render-session.ts";
import { checkAudioFiles } from "./audio-check.ts";
import { loadSessionFile, saveSessionFile } from "./session-file.ts";

function parseBits(v: string): 16 | 24 | 32 {
  if (v === "16" || v === "24" || v === "32") return Number(v) as 16 | 24 | 32;
  throw new InvalidArgumentError("must be 16, 24 or 32");
}

function parseRate(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 8000 || n > 384000)
    throw new InvalidArgumentError("must be 8000 … 384000 Hz");
  return n;
}

function parseThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("must be 1 … 64");
  return n;
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be a number of seconds ≥ 0");
  return n;
}

/** Prints known errors as one message and sets the exit code; rethrows anything else. */
function report(e: unknown): void {
  if (e instanceof RenderCancelledError) {
    console.error(`controlroom: ${e.message}`);
    process.exitCode = 130;
  } else if (e instanceof SessionError || e instanceof ParamError) {
    console.error(e.message);
    process.exitCode = 2;
  } else if (e instanceof AudioFileError) {
    console.error(e.toString());
    process.exitCode = 1;
  } else throw e;
}

/** Adds `render` and `session …` to the program. */
export function registerRenderCommands(program: Command): void {
  program
    .command("render")
    .description("Render a session to a stereo mix (and stems): the whole song, a section or a time range")
    .argument("<session>", "session.json")
    .requiredOption("-o, --output <mix>", "mix file (.wav or .flac)")
    .option("--stems <dir>", "also write one stereo stem per track and bus: a folder, or a .zip")
    .option("--section <name>", "render one arrangement section")
    .option("--start <seconds>", "start of the range", parseSeconds)
    .option("--end <seconds>", "end of the range", parseSeconds)
    .option("--tail <seconds>", "render this long past the end so reverbs ring out", parseSeconds)
    .option("--bits <n>", "16|24|32 (default 24; 32 = float)", parseBits)
    .option("--rate <hz>", "render at this sample rate (sources are converted)", parseRate)
    .option(
      "--threads <n>",
      "threads rendering tracks (default: one per core when the tracks have enough work for them, else one, with the sources decoded on another core; more than one core also writes the stems on a thread of their own); the result is the same",
      parseThreads,
    )
    .action(
      async (
        sessionPath: string,
        opts: {
          output: string;
          stems?: string;
          section?: string;
          start?: number;
          end?: number;
          tail?: number;
          bits?: 16 | 24 | 32;
          rate?: number;
          threads?: number;
        },
      ) => {
        if (opts.section !== undefined && (opts.start !== undefined || opts.end !== undefined)) {
          throw new InvalidArgumentError("use either --section or --start/--end, not both");
        }
        let interrupted = false;
        const onSigint = () => {
          interrupted = true;
        };
        process.once("SIGINT", onSigint);
        // Compressed sources are decoded into the cache first (when that pays off), then the render runs: one
        // line each, the render's made when it starts so its speed counts rendering only.
        const decoding = new Progress("decoding sources", Progress.interactive());
        let progress: Progress | null = null;
        const clearProgress = () => {
          decoding.done();
          progress?.done();
        };
        const t0 = Date.now();
        try {
          const { session, dir } = await loadSessionFile(sessionPath);
          const r = await renderSessionToFiles(session, dir, opts.output, {
            stems: opts.stems,
            section: opts.section,
            start: opts.start,
            end: opts.end,
            tailSeconds: opts.tail,
            bits: opts.bits,
            rate: opts.rate,
            threads: opts.threads,
            onPrepareProgress: (d, t) => decoding.update(d, t),
            onProgress: (d, t) => {
              if (!progress) {
                decoding.done();
                progress = new Progress(opts.output, Progress.interactive());
              }
              progress.update(d, t);
            },
            cancelled: () => interrupted,
          });
          clearProgress();
          const secs = r.frames / r.sampleRate;
          const speed = secs / Math.max(1e-3, (Date.now() - t0) / 1000);
          console.log(
            `${opts.output}: ${formatClock(secs)} (${r.frames} frames at ${r.sampleRate} Hz), ${speed.toFixed(0)}x real time` +
              (r.latency ? `, ${r.latency} samples of latency compensated` : "") +
              (opts.stems ? `; ${r.stems.length} stems in ${opts.stems}` : ""),
          );
        } catch (e) {
          clearProgress();
          report(e);
        } finally {
          process.off("SIGINT", onSigint);
        }
      },
    );

  const session = program.command("session").description("Create, inspect and exchange sessions");

  session
    .command("init")
    .description("A new session with one track per audio file in a folder (arrangement.json → sections)")
    .argument("<dir>", "folder for session.json (created if needed)")
    .requiredOption("--from-stems <stems-dir>", "folder of stems")
    .action(async (dir: string, opts: { fromStems: string }) => {
      try {
        await mkdir(dir, { recursive: true });
        // Loaded by the commands that use them: `render` starts without compiling these (or the zip library).
        const { sessionFromStems } = await import("./from-stems.ts");
        const s = await sessionFromStems(opts.fromStems, dir);
        const path = join(dir, "session.json");
        await saveSessionFile(path, s);
        console.log(
          `${path}: ${s.tracks.length} tracks, ${s.sections.length} sections, ${s.sampleRate} Hz, ${s.tempo[0].bpm} bpm`,
        );
      } catch (e) {
        report(e);
      }
    });

  session
    .command("show")
    .description("Tracks, routing, sections, and what is missing")
    .argument("<session>", "session.json")
    .action(async (sessionPath: string) => {
      try {
        const { session: s, dir } = await loadSessionFile(sessionPath);
        console.log(describeSession(s));
        const problems = await checkAudioFiles(s, dir);
        const r = await SessionRenderer.create(s, new FileSourceProvider(dir));
        console.log(
          `length: ${formatClock(r.frames / s.sampleRate)}; latency compensated: ${r.latency} samples`,
        );
        if (problems.length) {
          console.log(`missing or changed audio (${problems.length}):`);
          for (const p of problems) console.log(`  ${p.path}: ${p.message}`);
          process.exitCode = 1;
        } else console.log("audio: all files present and unchanged");
      } catch (e) {
        report(e);
      }
    });

  session
    .command("export-dawproject")
    .description("Write the session as a .dawproject (zip with project.xml, metadata.xml and audio)")
    .argument("<session>", "session.json")
    .requiredOption("-o, --output <file>", "the .dawproject file")
    .action(async (sessionPath: string, opts: { output: string }) => {
      try {
        const { session: s, dir } = await loadSessionFile(sessionPath);
        const { exportDawproject } = await import("./dawproject.ts");
        await exportDawproject(s, dir, opts.output);
        console.log(`${opts.output}: ${s.tracks.length} tracks, ${Object.keys(s.audio).length} audio files`);
      } catch (e) {
        report(e);
      }
    });

  session
    .command("import-dawproject")
    .description("Make a session (dir/session.json, audio in dir/audio) from a .dawproject")
    .argument("<file>", "the .dawproject file")
    .argument("<dir>", "folder for the session")
    .action(async (file: string, dir: string) => {
      try {
        await mkdir(dir, { recursive: true });
        const { importDawproject } = await import("./dawproject.ts");
        const s = await importDawproject(file, dir);
        console.log(`${resolve(dir, "session.json")}: ${s.tracks.length} tracks, ${s.buses.length} buses`);
      } catch (e) {
        report(e);
      }
    });
}

/** A readable summary: tracks and routing, buses, sections. */
export function describeSession(s: Session): string {
  const map = new TempoMap(s.tempo, s.timeSignatures);
  const lines = [
    `${s.name}: ${s.sampleRate} Hz, ${s.tempo.map((t) => `${t.bpm} bpm from bar ${t.bar}`).join(", ")}`,
  ];
  lines.push(`tracks (${s.tracks.length}):`);
  for (const t of s.tracks) {
    const flags = [t.mute && "muted", t.solo && "solo", t.polarity && "ø"].filter(Boolean).join(" ");
    const sends = t.sends.map((x) => `${x.bus} ${x.levelDb} dB${x.pre ? " pre" : ""}`).join(", ");
    lines.push(
      `  ${t.id}${t.name && t.name !== t.id ? ` (${t.name})` : ""}: ${t.channels === 2 ? "stereo" : "mono"}, ${t.takes.length} take(s)${t.comp ? `, comp of ${t.comp.segments.length}` : ""}, ${t.volumeDb} dB, pan ${t.pan}, → ${t.output}` +
        (t.inserts.length ? `, inserts ${t.inserts.map((p) => p.type).join(" → ")}` : "") +
        (sends ? `, sends ${sends}` : "") +
        (flags ? ` [${flags}]` : ""),
    );
  }
  if (s.buses.length) {
    lines.push(`buses (${s.buses.length}):`);
    for (const b of s.buses) {
      lines.push(
        `  ${b.id}: ${b.kind}, ${b.volumeDb} dB, → ${b.output}` +
          (b.inserts.length ? `, inserts ${b.inserts.map((p) => p.type).join(" → ")}` : ""),
      );
    }
  }
  lines.push(
    `master: ${s.master.volumeDb} dB${s.master.inserts.length ? `, inserts ${s.master.inserts.map((p) => p.type).join(" → ")}` : ""}`,
  );
  if (s.sections.length) {
    lines.push("sections:");
    for (const sec of s.sections) {
      const span = map.barsToSeconds(sec.startBar, sec.endBar);
      lines.push(
        `  ${sec.name}: bars ${sec.startBar}-${sec.endBar} (${formatClock(span.start)}-${formatClock(span.end)})`,
      );
    }
  }
  return lines.join("\n");
}
