/**
 * Album mastering: every song mastered with the same shift of loudness (so their relative loudness is
 * kept and the album lands on the target), their tonal balance pulled halfway towards the album's average
 * (or all towards a reference record), then — for a CD — sequenced with gaps or crossfades into one
 * 44.1 kHz 16-bit image with a CUE sheet carrying titles and per-track ISRCs.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { resampleChannels } from "@controlroom/engine/dsp/resample/index.ts";
import {
  albumLoudness,
  albumSongTargets,
  analyze,
  cueSheet,
  integratedLoudness,
  type LongTermSpectrum,
  longTermSpectrum,
  normaliseIsrc,
  sequenceAlbum,
} from "@controlroom/engine/mastering/index.ts";
import type { MasterResult } from "@controlroom/engine/mastering/master.ts";
import { AudioFileError } from "../files/types.ts";
import {
  type MasterFileOptions,
  type MasterOutcome,
  type MasterReport,
  makeReport,
  masterChannels,
  readForMastering,
  refuseExisting,
  resolveTarget,
  writeChannels,
} from "./master-file.ts";
import { reportJson, writeMasterReports } from "./report.ts";

/** Release metadata for album mode (and `deliver`). */
export interface AlbumMetadata {
  album?: string;
  artist?: string;
  /** UPC/EAN of the release. */
  upc?: string;
  /** Per song, in album order. */
  tracks?: { title?: string; artist?: string; isrc?: string; composer?: string }[];
  /** Gap after each song, seconds (default 2). */
  gaps?: number[];
  /** Crossfade into the next song, seconds (0 = none). */
  crossfades?: number[];
}

export interface AlbumOptions extends MasterFileOptions {
  /** Folder for the masters and reports (created if missing). */
  outDir: string;
  /** Write the sequenced CD image + CUE (default: when the target is `cd`). */
  cdImage?: boolean;
  /** Default gap between songs, seconds (0 … 10). */
  gapSeconds?: number;
  /** Default crossfade between songs, seconds (0 … 10); overrides the gap. */
  crossfadeSeconds?: number;
  metadata?: AlbumMetadata;
  /** Share of the difference to the album's average tonal balance corrected (0 … 1, default 0.5). */
  tonalConsistency?: number;
  html?: boolean;
}

export interface AlbumSongReport {
  input: string;
  output: string;
  /** Loudness before and after, LUFS, and relative to the album before and after, LU. */
  lufsBefore: number;
  lufsAfter: number;
  relativeBefore: number;
  relativeAfter: number;
  songTargetLufs: number;
  truePeakDbtp: number;
}

export interface AlbumReport {
  target: { name: string; lufs: number; ceilingDbtp: number };
  albumLufsBefore: number;
  albumLufsAfter: number;
  songs: AlbumSongReport[];
  /** Largest change of any song's loudness relative to the album, LU. */
  maxRelativeChangeLu: number;
  cd: {
    image: string;
    cue: string;
    tracks: { startSeconds: number; isrc: string | null }[];
    truePeakDbtp: number;
  } | null;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Reads `--metadata`: a JSON file with the release fields. */
export async function loadMetadata(path: string): Promise<AlbumMetadata & Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new AudioFileError(
      path,
      `cannot read metadata: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("must be a JSON object");
    return v;
  } catch (e) {
    throw new AudioFileError(path, `metadata is not valid: ${(e as Error).message}`);
  }
}

/** Masters an album. Refuses (nothing written) if any song's target needs too much limiting. */
export async function masterAlbum(files: string[], opts: AlbumOptions): Promise<AlbumReport> {
  if (files.length < 1) throw new Error("--album: give at least one song file");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(opts.outDir, { recursive: true });
  const outs = files.map((f, i) =>
    join(
      opts.outDir,
      `${String(i + 1).padStart(2, "0")}-${basename(f, extname(f))}${extname(f).toLowerCase() === ".flac" ? ".flac" : ".wav"}`,
    ),
  );
  // Every output checked before any work: nothing is overwritten silently.
  for (const o of outs) await refuseExisting(o, opts.force, opts.bits);
  if (opts.cdImage ?? opts.target === "cd") await refuseExisting(join(opts.outDir, "album.wav"), opts.force);
  const songs = [];
  for (const f of files) songs.push(await readForMastering(f));
  const loud = songs.map((s) => integratedLoudness(s.channels, s.info.sampleRate));
  loud.forEach((l, i) => {
    if (!Number.isFinite(l)) throw new AudioFileError(files[i], "silent: nothing to master");
  });
  const durations = songs.map((s) => s.channels[0].length / s.info.sampleRate);
  const albumBefore = albumLoudness(loud.map((lufs, i) => ({ lufs, durationSeconds: durations[i] })));
  const referenceAudio = opts.reference ? await readForMastering(opts.reference) : undefined;
  const target = resolveTarget(
    opts,
    referenceAudio ? integratedLoudness(referenceAudio.channels, referenceAudio.info.sampleRate) : undefined,
  );
  const songTargets = albumSongTargets(
    loud.map((lufs, i) => ({ lufs, durationSeconds: durations[i] })),
    target.lufs,
  );
  // The album's average tonal balance (mean of the songs' smoothed spectra in dB).
  let tonalTarget: { spectrum: LongTermSpectrum; strength: number; maxGainDb: number } | undefined;
  if (!referenceAudio && songs.length > 1) {
    const specs = songs.map((s) => longTermSpectrum(s.channels, s.info.sampleRate));
    const mean = specs[0].db.map((_, k) => specs.reduce((a, sp) => a + sp.db[k], 0) / specs.length);
    tonalTarget = {
      spectrum: { freqs: specs[0].freqs, db: mean },
      strength: opts.tonalConsistency ?? 0.5,
      maxGainDb: 3,
    };
  }
  const outcomes: { outcome: MasterOutcome<MasterResult>; out: string }[] = [];
  for (const [i, s] of songs.entries()) {
    const m = await masterChannels(
      s.channels,
      s.info,
      { ...target, lufs: songTargets[i] },
      { ...opts, referenceAudio, tonalTarget },
    );
    const out = outs[i];
    const bits = opts.bits ?? target.preset?.bitDepth ?? 24;
    const report: MasterReport = makeReport(
      files[i],
      out,
      s.info,
      { ...target, lufs: songTargets[i] },
      { ...m, frames: m.result.channels[0].length },
      bits,
    );
    outcomes.push({ outcome: { report, result: m.result, spectra: m.spectra }, out });
  }
  // Only now, with every song mastered, write the files (a refusal above leaves nothing behind).
  for (const { outcome, out } of outcomes) {
    const bits = outcome.report.bitDepth as 16 | 24 | 32;
    await writeChannels(out, outcome.result.channels, outcome.report.sampleRate, bits, {
      description: `Album master, ${outcome.report.target.lufs.toFixed(1)} LUFS / ${target.ceilingDbtp} dBTP`,
    });
    await writeMasterReports(outcome, {
      htmlPath: opts.html ? join(opts.outDir, `${basename(out, extname(out))}.report.html`) : undefined,
    });
  }
  const after = outcomes.map((o) => o.outcome.result.after.integratedLufs);
  const albumAfter = albumLoudness(after.map((lufs, i) => ({ lufs, durationSeconds: durations[i] })));
  const songReports: AlbumSongReport[] = outcomes.map(({ out }, i) => ({
    input: files[i],
    output: out,
    lufsBefore: r2(loud[i]),
    lufsAfter: r2(after[i]),
    relativeBefore: r2(loud[i] - albumBefore),
    relativeAfter: r2(after[i] - albumAfter),
    songTargetLufs: r2(songTargets[i]),
    truePeakDbtp: r2(outcomes[i].outcome.result.after.truePeakDbtp),
  }));
  let cd: AlbumReport["cd"] = null;
  if (opts.cdImage ?? target.preset?.name === "cd")
    cd = await writeCdImage(
      outcomes.map((o) => o.outcome),
      opts,
    );
  const report: AlbumReport = {
    target: { name: target.name, lufs: target.lufs, ceilingDbtp: target.ceilingDbtp },
    albumLufsBefore: r2(albumBefore),
    albumLufsAfter: r2(albumAfter),
    songs: songReports,
    maxRelativeChangeLu: r2(
      Math.max(...songReports.map((s) => Math.abs(s.relativeAfter - s.relativeBefore))),
    ),
    cd,
  };
  await writeFile(join(opts.outDir, "album.master.json"), `${reportJson(report)}\n`);
  return report;
}

/** Sequences the mastered songs into `album.wav` (44.1 kHz, 16-bit, dithered) and `album.cue`. */
async function writeCdImage(
  outcomes: MasterOutcome<MasterResult>[],
  opts: AlbumOptions,
): Promise<NonNullable<AlbumReport["cd"]>> {
  const md = opts.metadata ?? {};
  const songs = outcomes.map((o) =>
    o.report.sampleRate === 44100
      ? o.result.channels
      : resampleChannels(o.result.channels, o.report.sampleRate, 44100, "high"),
  );
  const chans = Math.max(...songs.map((s) => s.length));
  const stereo = songs.map((s) => (s.length === chans ? s : Array.from({ length: chans }, () => s[0])));
  const transitions = stereo.map((_, i) => ({
    gapSeconds: md.gaps?.[i] ?? opts.gapSeconds ?? 2,
    crossfadeSeconds: md.crossfades?.[i] ?? opts.crossfadeSeconds ?? 0,
  }));
  const seq = sequenceAlbum(stereo, 44100, transitions);
  const image = join(opts.outDir, "album.wav");
  await writeChannels(image, seq.channels, 44100, 16, { description: `CD master: ${md.album ?? "album"}` });
  const tracks = seq.tracks.map((t, i) => ({
    startSample: t.startSample,
    title: md.tracks?.[i]?.title ?? basename(outcomes[i].report.input, extname(outcomes[i].report.input)),
    performer: md.tracks?.[i]?.artist ?? md.artist,
    isrc: md.tracks?.[i]?.isrc
      ? normaliseIsrc(md.tracks[i].isrc as string, `metadata tracks[${i}].isrc`)
      : undefined,
  }));
  const cue = join(opts.outDir, "album.cue");
  await writeFile(
    cue,
    cueSheet({
      file: "album.wav",
      sampleRate: 44100,
      title: md.album,
      performer: md.artist,
      catalog: md.upc,
      tracks,
    }),
  );
  const tp = analyze(seq.channels, 44100).truePeakDbtp;
  return {
    image,
    cue,
    tracks: tracks.map((t) => ({ startSeconds: r2(t.startSample / 44100), isrc: t.isrc ?? null })),
    truePeakDbtp: r2(tp),
  };
}
