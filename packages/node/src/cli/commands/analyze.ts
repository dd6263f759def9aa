import type { Command } from "commander";
import { AnalysisPool, analyzeFile, type FileAnalysis } from "../../analysis/analyze-file.ts";
import { AudioFileError } from "../../files/types.ts";
import { loudnessPlotSvg } from "../../plots/loudness-plot.ts";
import { writePlot } from "../../plots/render.ts";
import { fmtDb, jsonNumber } from "../format.ts";
import { formatClock, Progress } from "../progress.ts";

/** Files shorter than this analyse too fast to need a progress line. */
const PROGRESS_MIN_SECONDS = 5;

/** The JSON object `controlroom analyze --json` prints per file. Key names are an interface: keep them. */
export function analysisToJson(a: FileAnalysis, withSeries = false): Record<string, unknown> {
  const { info, report: r } = a;
  const out: Record<string, unknown> = {
    file: info.path,
    format: info.format,
    codec: info.codec,
    sampleRate: info.sampleRate,
    channels: info.channels,
    bitDepth: info.bitDepth,
    durationSeconds: jsonNumber(r.durationSeconds, 6),
    frames: r.frames,
    integratedLufs: jsonNumber(r.integratedLufs, 2),
    loudnessRangeLu: jsonNumber(r.loudnessRangeLu, 2),
    truePeakDbtp: jsonNumber(r.truePeakDbtp, 2),
    samplePeakDbfs: jsonNumber(r.samplePeakDbfs, 2),
    maxMomentaryLufs: jsonNumber(r.maxMomentaryLufs, 2),
    maxShortTermLufs: jsonNumber(r.maxShortTermLufs, 2),
    rmsDbfs: jsonNumber(r.rmsDbfs, 2),
    crestFactorDb: jsonNumber(r.crestFactorDb, 2),
    dcOffset: r.dcOffset.map((v) => jsonNumber(v, 6)),
    clippedSamples: r.clippedSamples,
    clipRuns: r.clipRuns,
    clipPositions: r.clipPositions,
    correlation: jsonNumber(r.correlation, 3),
    worstCorrelation: r.worstCorrelation
      ? {
          value: jsonNumber(r.worstCorrelation.value, 3),
          startSeconds: jsonNumber(r.worstCorrelation.startSeconds, 3),
        }
      : null,
    monoLossDb: jsonNumber(r.monoLossDb, 2),
    silence: {
      headSeconds: jsonNumber(r.silence.headSeconds, 3),
      tailSeconds: jsonNumber(r.silence.tailSeconds, 3),
    },
    perChannel: r.perChannel.map((c) => ({
      samplePeakDbfs: jsonNumber(c.samplePeakDbfs, 2),
      truePeakDbtp: jsonNumber(c.truePeakDbtp, 2),
      rmsDbfs: jsonNumber(c.rmsDbfs, 2),
    })),
    bands: r.bands.map((b) => ({ centerHz: b.centerHz, levelDb: jsonNumber(b.levelDb, 2) })),
    warnings: [...info.warnings, ...(r.warnings ?? [])],
  };
  if (info.channelMask !== undefined) out.channelMask = info.channelMask;
  if (info.metadata.bext) out.bext = info.metadata.bext;
  if (withSeries) {
    out.series = {
      intervalSeconds: r.series.intervalSeconds,
      momentary: Array.from(r.series.momentary, (v) => jsonNumber(v, 2)),
      shortTerm: Array.from(r.series.shortTerm, (v) => jsonNumber(v, 2)),
    };
  }
  return out;
}

/** The table an engineer scans: one block per file. */
export function analysisToText(a: FileAnalysis): string {
  const { info, report: r } = a;
  const ch = info.channels === 1 ? "mono" : info.channels === 2 ? "stereo" : `${info.channels} ch`;
  const depth = info.bitDepth
    ? `${info.bitDepth}-bit${info.sampleFormat === "float" ? " float" : ""}`
    : "lossy";
  const row = (a1: string, v1: string, a2 = "", v2 = "") =>
    `  ${a1.padEnd(16)}${v1.padEnd(22)}${a2 ? `${a2.padEnd(18)}${v2}` : ""}`.trimEnd();
  const lines = [
    `${info.path}`,
    `  ${info.format.toUpperCase()} ${info.codec}, ${depth}, ${info.sampleRate} Hz, ${ch}, ${formatClock(r.durationSeconds)} (${r.durationSeconds.toFixed(3)} s)`,
    row("Integrated", `${fmtDb(r.integratedLufs)} LUFS`, "Loudness range", `${fmtDb(r.loudnessRangeLu)} LU`),
    row("True peak", `${fmtDb(r.truePeakDbtp)} dBTP`, "Sample peak", `${fmtDb(r.samplePeakDbfs, 2)} dBFS`),
    row(
      "Max momentary",
      `${fmtDb(r.maxMomentaryLufs)} LUFS`,
      "Max short-term",
      `${fmtDb(r.maxShortTermLufs)} LUFS`,
    ),
    row("RMS", `${fmtDb(r.rmsDbfs)} dBFS`, "Crest factor", `${fmtDb(r.crestFactorDb)} dB`),
    row("DC offset", r.dcOffset.map((v) => (v >= 0 ? "+" : "") + v.toFixed(5)).join("  ")),
    row(
      "Clipping",
      r.clippedSamples === 0
        ? "none"
        : `${r.clippedSamples} samples in ${r.clipRuns} runs, first at ${formatClock(r.clipPositions[0].startSample / info.sampleRate)}`,
    ),
  ];
  if (r.correlation !== null) {
    const worst = r.worstCorrelation
      ? ` (worst 400 ms ${r.worstCorrelation.value >= 0 ? "+" : ""}${r.worstCorrelation.value.toFixed(2)} at ${formatClock(r.worstCorrelation.startSeconds)})`
      : "";
    lines.push(row("Correlation", `${r.correlation >= 0 ? "+" : ""}${r.correlation.toFixed(2)}${worst}`));
    lines.push(row("Mono loss", `${fmtDb(r.monoLossDb, 2)} dB`));
  }
  lines.push(
    row("Silence", `head ${r.silence.headSeconds.toFixed(3)} s, tail ${r.silence.tailSeconds.toFixed(3)} s`),
  );
  for (const w of [...info.warnings, ...(r.warnings ?? [])]) lines.push(`  warning: ${w}`);
  return lines.join("\n");
}

function plotPathFor(base: string, index: number, count: number): string {
  if (count === 1) return base;
  const dot = base.lastIndexOf(".");
  return `${base.slice(0, dot)}-${index + 1}${base.slice(dot)}`;
}

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("Measure loudness (EBU R128 / BS.1770), peaks, dynamics, DC, clipping, phase and silence")
    .argument("<file...>", "audio files (WAV, RF64, FLAC, MP3, Ogg Vorbis)")
    .option("--json", "print JSON (one object per file, an array when there are several)")
    .option("--series", "with --json: include the loudness-over-time series (every 100 ms)")
    .option(
      "--plot <out>",
      "draw loudness over time over a waveform to a .png or .svg (several files: -1, -2 … added)",
    )
    .action(async (files: string[], opts: { json?: boolean; series?: boolean; plot?: string }) => {
      if (opts.plot && !/\.(png|svg)$/i.test(opts.plot)) {
        console.error(`--plot: ${opts.plot} must end in .png or .svg`);
        process.exitCode = 2;
        return;
      }
      const results: Record<string, unknown>[] = [];
      let failed = 0;
      // One pair of analysis workers for every file: started once, their code optimised once.
      const pool = new AnalysisPool();
      try {
        for (const [i, file] of files.entries()) {
          const progress = new Progress(file, !opts.json && Progress.interactive());
          try {
            const a = await analyzeFile(file, {
              pool,
              onProgress: (done, total) => {
                if ((total ?? done) >= PROGRESS_MIN_SECONDS) progress.update(done, total);
              },
            });
            progress.done();
            if (opts.json) results.push(analysisToJson(a, opts.series));
            else console.log(`${i > 0 ? "\n" : ""}${analysisToText(a)}`);
            if (opts.plot) {
              const out = plotPathFor(opts.plot, i, files.length);
              await writePlot(out, loudnessPlotSvg({ title: file, ...a.report }));
              if (!opts.json) console.log(`  plot: ${out}`);
            }
          } catch (e) {
            progress.done();
            failed++;
            const msg = e instanceof AudioFileError ? e.message : (e as Error).message;
            console.error(`${file}: ${msg}`);
            if (opts.json) results.push({ file, error: msg });
          }
        }
      } finally {
        await pool.close();
      }
      if (opts.json && results.length > 0) {
        console.log(JSON.stringify(files.length === 1 ? results[0] : results, null, 2));
      }
      if (failed > 0) process.exitCode = 1;
    });
}
