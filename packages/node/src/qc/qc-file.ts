/**
 * Quality control of a master before release: pass / warn / fail with a reason for each check, and what each
 * streaming platform's player will do to its level. `fail` means the file should not go out as it is.
 */
import { type AnalysisReport, TruePeakMeter } from "@controlroom/engine";
import {
  type MasteringTarget,
  playbackGainDb,
  STREAMING_TARGETS,
  TARGETS,
  targetByName,
} from "@controlroom/engine/mastering/targets.ts";
import { analyzeFile } from "../analysis/analyze-file.ts";
import { encodeMp3 } from "../delivery/mp3-encoder.ts";
import { readWholeFile } from "../files/open.ts";
import type { AudioFileInfo } from "../files/types.ts";
import { readMp3Bytes } from "./mp3-decode.ts";

export type Verdict = "pass" | "warn" | "fail";

export interface QcCheck {
  /** Stable identifier: loudness, true-peak, clipping, dc-offset, phase, head-silence, tail-silence, format, lossy-peaks. */
  id: string;
  verdict: Verdict;
  /** One sentence: what was measured and why it passes or not. */
  message: string;
  /** The measured value the verdict rests on (unit in the message). */
  value: number | null;
}

export interface PlatformGain {
  platform: string;
  /** The platform's reference loudness, LUFS. */
  referenceLufs: number;
  /** Gain its player applies to this file, dB (negative: turned down — the "loudness penalty"). */
  gainDb: number;
  /** How it normalises. */
  playback: MasteringTarget["playback"];
}

export interface QcReport {
  file: string;
  target: { name: string; lufs: number | null; ceilingDbtp: number } | null;
  /** The worst verdict of all checks. */
  verdict: Verdict;
  checks: QcCheck[];
  platforms: PlatformGain[];
  measurements: {
    sampleRate: number;
    bitDepth: number | null;
    channels: number;
    durationSeconds: number;
    integratedLufs: number;
    loudnessRangeLu: number;
    truePeakDbtp: number;
    samplePeakDbfs: number;
    /** True peak after an MP3 encode and decode, dBTP (null when skipped). */
    mp3TruePeakDbtp: number | null;
  };
}

export interface QcOptions {
  /** Preset to check against (see TARGETS). */
  target?: string;
  /** Encode to MP3 and re-measure the true peak (default true). */
  lossyCheck?: boolean;
  /** MP3 bit rate for the lossy check, kbps (default 320, what stores deliver). */
  mp3Kbps?: number;
}

/** DC offset levels (mean over the file): above −60 dBFS worth a look, above −40 dBFS audible/wasteful. */
const DC_WARN = 0.001;
const DC_FAIL = 0.01;
/** Folding to mono loses more than this: warn / fail, dB. */
const MONO_LOSS_WARN_DB = 3;
const MONO_LOSS_FAIL_DB = 6;
/** Head / tail silence longer than this is probably a mistake, seconds. */
const HEAD_WARN_S = 2;
const TAIL_WARN_S = 5;
/** Longest file the lossy check reads whole: 20 minutes at 48 kHz. */
const LOSSY_MAX_FRAMES = 20 * 60 * 48000;

const worst = (a: Verdict, b: Verdict): Verdict =>
  a === "fail" || b === "fail" ? "fail" : a === "warn" || b === "warn" ? "warn" : "pass";
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : String(v));
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));

/** The checks that need only the analysis and the header. */
export function qcChecks(r: AnalysisReport, info: AudioFileInfo, t: MasteringTarget | null): QcCheck[] {
  const checks: QcCheck[] = [];
  const add = (id: string, verdict: Verdict, message: string, value: number | null) =>
    checks.push({ id, verdict, message, value });
  const L = r.integratedLufs;
  if (t && t.lufs !== null) {
    const d = L - t.lufs;
    const v: Verdict = Math.abs(d) <= 0.5 ? "pass" : Math.abs(d) <= 1 ? "warn" : "fail";
    add(
      "loudness",
      v,
      `integrated ${f1(L)} LUFS, target ${t.lufs} LUFS (${d >= 0 ? "+" : ""}${f1(d)} LU; ±0.5 passes, ±1 warns)`,
      L,
    );
  } else if (t) {
    add("loudness", "pass", `integrated ${f1(L)} LUFS (${t.name} sets no loudness)`, L);
  } else {
    const v: Verdict = L > -7 ? "warn" : "pass";
    add(
      "loudness",
      v,
      `integrated ${f1(L)} LUFS${v === "warn" ? ": very loud, every platform will turn it down" : ""}`,
      L,
    );
  }
  const tp = r.truePeakDbtp;
  const ceil = t?.ceilingDbtp ?? 0;
  add(
    "true-peak",
    tp > ceil ? "fail" : !t && tp > -1 ? "warn" : "pass",
    `true peak ${f2(tp)} dBTP, ceiling ${ceil} dBTP${!t && tp > -1 && tp <= 0 ? " (above −1 dBTP: lossy encoding may clip)" : ""}`,
    tp,
  );
  add(
    "clipping",
    r.clipRuns > 0 ? "fail" : "pass",
    r.clipRuns > 0
      ? `clipped: ${r.clippedSamples} samples in ${r.clipRuns} runs at the peak level (first at ${(r.clipPositions[0].startSample / info.sampleRate).toFixed(3)} s)`
      : "no clipped runs",
    r.clippedSamples,
  );
  const dc = Math.max(0, ...r.dcOffset.map(Math.abs));
  add(
    "dc-offset",
    dc > DC_FAIL ? "fail" : dc > DC_WARN ? "warn" : "pass",
    `DC offset ${dc > 0 ? f1(20 * Math.log10(dc)) : "−∞"} dBFS (${dc.toFixed(5)} of full scale; warn above −60, fail above −40)`,
    dc,
  );
  if (r.correlation !== null) {
    const loss = r.monoLossDb ?? 0;
    const c = r.correlation;
    const v: Verdict =
      c < -0.2 || loss > MONO_LOSS_FAIL_DB
        ? "fail"
        : c < 0 || loss > MONO_LOSS_WARN_DB || (t?.minCorrelation != null && c < t.minCorrelation)
          ? "warn"
          : "pass";
    add(
      "phase",
      v,
      `correlation ${f2(c)} (worst 400 ms: ${f2(r.worstCorrelation?.value ?? c)}), mono fold-down loses ${f1(loss)} dB${v === "fail" ? ": out of phase, collapses in mono" : ""}`,
      c,
    );
  }
  const head = r.silence.headSeconds;
  const tail = r.silence.tailSeconds;
  add(
    "head-silence",
    head > HEAD_WARN_S ? "warn" : "pass",
    `${head.toFixed(2)} s of silence before the music`,
    head,
  );
  add(
    "tail-silence",
    tail > TAIL_WARN_S ? "warn" : "pass",
    `${tail.toFixed(2)} s of silence after the music`,
    tail,
  );
  // Format: what the destination needs.
  const problems: string[] = [];
  let fv: Verdict = "pass";
  if (t?.sampleRate && info.sampleRate !== t.sampleRate) {
    problems.push(`${info.sampleRate} Hz, ${t.name} needs ${t.sampleRate} Hz`);
    fv = "fail";
  }
  if (t?.bitDepth && info.bitDepth !== t.bitDepth) {
    problems.push(`${info.bitDepth ?? info.codec} bit, ${t.name} needs ${t.bitDepth}-bit`);
    fv = "fail";
  }
  if (info.sampleFormat === "lossy") {
    problems.push(`the master is lossy (${info.codec}); deliver PCM or FLAC`);
    fv = worst(fv, "warn");
  } else if (info.bitDepth !== null && info.bitDepth < 16) {
    problems.push(`${info.bitDepth}-bit is below CD quality`);
    fv = "fail";
  }
  if (info.sampleRate < 44100) {
    problems.push(`${info.sampleRate} Hz is below 44.1 kHz`);
    fv = "fail";
  }
  add(
    "format",
    fv,
    problems.length
      ? problems.join("; ")
      : `${info.sampleRate} Hz, ${info.bitDepth ?? info.codec}-bit ${info.sampleFormat}`,
    info.sampleRate,
  );
  return checks;
}

/** The playback gain each streaming platform would apply. */
export function platformGains(r: AnalysisReport): PlatformGain[] {
  return STREAMING_TARGETS.map((name) => {
    const t = TARGETS[name];
    return {
      platform: name,
      referenceLufs: t.lufs as number,
      gainDb: Math.round(playbackGainDb(t, r.integratedLufs, r.truePeakDbtp) * 10) / 10,
      playback: t.playback,
    };
  });
}

/** True peak of `channels` after an MP3 encode (TPDF-dithered 16-bit input) and decode by our reader. */
export async function truePeakAfterMp3(
  channels: Float32Array[],
  sampleRate: number,
  kbps = 320,
): Promise<number> {
  const bytes = encodeMp3(channels.slice(0, 2), sampleRate, kbps);
  const decoded = await readMp3Bytes(bytes);
  const m = new TruePeakMeter(decoded.sampleRate, decoded.channels.length);
  m.process(decoded.channels, decoded.channels[0].length);
  return m.peak > 0 ? 20 * Math.log10(m.peak) : Number.NEGATIVE_INFINITY;
}

/** Runs every check on a file. */
export async function qcFile(path: string, opts: QcOptions = {}): Promise<QcReport> {
  const t = opts.target ? targetByName(opts.target) : null;
  const { info, report: r } = await analyzeFile(path);
  const checks = qcChecks(r, info, t);
  let mp3Tp: number | null = null;
  if ((opts.lossyCheck ?? true) && info.sampleFormat !== "lossy") {
    const { channels } = await readWholeFile(path, { maxFrames: LOSSY_MAX_FRAMES });
    mp3Tp = await truePeakAfterMp3(channels, info.sampleRate, opts.mp3Kbps ?? 320);
    const ceil = t?.ceilingDbtp ?? 0;
    const v: Verdict = mp3Tp > 0 ? "fail" : mp3Tp > ceil ? "warn" : "pass";
    checks.push({
      id: "lossy-peaks",
      verdict: v,
      message: `after MP3 ${opts.mp3Kbps ?? 320} kbps encoding the true peak is ${f2(mp3Tp)} dBTP (${f2(mp3Tp - r.truePeakDbtp)} dB over the master)${v === "fail" ? ": inter-sample overs, the decoded file clips" : ""}`,
      value: mp3Tp,
    });
  }
  return {
    file: path,
    target: t ? { name: t.name, lufs: t.lufs, ceilingDbtp: t.ceilingDbtp } : null,
    verdict: checks.reduce<Verdict>((v, c) => worst(v, c.verdict), "pass"),
    checks,
    platforms: platformGains(r),
    measurements: {
      sampleRate: info.sampleRate,
      bitDepth: info.bitDepth,
      channels: info.channels,
      durationSeconds: r.durationSeconds,
      integratedLufs: r.integratedLufs,
      loudnessRangeLu: r.loudnessRangeLu,
      truePeakDbtp: r.truePeakDbtp,
      samplePeakDbfs: r.samplePeakDbfs,
      mp3TruePeakDbtp: mp3Tp,
    },
  };
}
