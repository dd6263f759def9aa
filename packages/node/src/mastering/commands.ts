/**
 * `controlroom master <in> -o <out> [--target <preset> | --lufs <L> --tp <dBTP>] [--reference <ref>] [--report <html>]`
 * and album mode `controlroom master --album <songs...> -o <dir>`.
 */
import { MasteringRefusal } from "@controlroom/engine/mastering/master.ts";
import { TARGET_NAMES } from "@controlroom/engine/mastering/targets.ts";
import { type Command, InvalidArgumentError } from "commander";
import { parseTargetPreset } from "../cli/target-option.ts";
import { loadMetadata, masterAlbum } from "./master-album.ts";
import { masterFile } from "./master-file.ts";
import { writeMasterReports } from "./report.ts";

const number = (lo: number, hi: number, what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi)
    throw new InvalidArgumentError(`${what} must be between ${lo} and ${hi}`);
  return n;
};

function parseBits(v: string): 16 | 24 | 32 {
  if (v === "16" || v === "24" || v === "32") return Number(v) as 16 | 24 | 32;
  throw new InvalidArgumentError("must be 16, 24 or 32");
}

interface MasterCliOptions {
  output?: string;
  album?: string[];
  target?: string;
  lufs?: number;
  tp?: number;
  reference?: string;
  report?: string;
  maxLimiting?: number;
  force?: boolean;
  bits?: 16 | 24 | 32;
  gap?: number;
  crossfade?: number;
  metadata?: string;
  cue?: boolean;
  quiet?: boolean;
}

export function registerMaster(program: Command): void {
  program
    .command("master")
    .description(
      "Master a mix (or an album) to a loudness target and true-peak ceiling, optionally like a reference record",
    )
    .argument("[in]", "the mix to master (omit with --album)")
    .option("-o, --output <path>", "output file (.wav/.flac), or the output folder with --album")
    .option("--album <files...>", "album mode: master these songs together, keeping their relative loudness")
    .option("--target <preset>", `delivery target: ${TARGET_NAMES.join(", ")}`, parseTargetPreset)
    .option("--lufs <LUFS>", "integrated loudness target, −40 … −3 LUFS", number(-40, -3, "--lufs"))
    .option("--tp <dBTP>", "true-peak ceiling, −12 … 0 dBTP", number(-12, 0, "--tp"))
    .option("--reference <file>", "match this record's tonal balance, loudness and width")
    .option("--report <report.html>", "write an HTML report with plots (a JSON report is always written)")
    .option(
      "--max-limiting <dB>",
      "refuse targets needing more limiting than this, 0.5 … 24 dB",
      number(0.5, 24, "--max-limiting"),
    )
    .option("--bits <n>", "output word length 16|24|32 (default: the target's, else 24)", parseBits)
    .option("--force", "replace an existing output file")
    .option(
      "--gap <seconds>",
      "album: silence between songs on the CD image (default 2)",
      number(0, 10, "--gap"),
    )
    .option(
      "--crossfade <seconds>",
      "album: crossfade songs on the CD image instead of gaps",
      number(0, 10, "--crossfade"),
    )
    .option("--metadata <meta.json>", "album: titles, artist, ISRCs, UPC for the CUE sheet")
    .option("--cue", "album: write the sequenced CD image and CUE sheet (always for --target cd)")
    .option("--quiet", "no progress lines")
    .action(async (input: string | undefined, o: MasterCliOptions) => {
      if (!o.output) throw new Error("-o/--output is required");
      const log = o.quiet ? undefined : (n: number, m: string) => console.error(`  pass ${n}: ${m}`);
      const common = {
        target: o.target,
        lufs: o.lufs,
        tp: o.tp,
        reference: o.reference,
        maxLimitingDb: o.maxLimiting,
        force: o.force,
        bits: o.bits,
        onPass: log,
      };
      try {
        if (o.album) {
          if (input) throw new Error("give the songs after --album, not as a separate input");
          const r = await masterAlbum(o.album, {
            ...common,
            outDir: o.output,
            gapSeconds: o.gap,
            crossfadeSeconds: o.crossfade,
            metadata: o.metadata ? await loadMetadata(o.metadata) : undefined,
            cdImage: o.cue,
            html: Boolean(o.report),
          });
          console.log(
            `album: ${r.albumLufsBefore} → ${r.albumLufsAfter} LUFS (target ${r.target.lufs}), ${r.songs.length} songs`,
          );
          for (const s of r.songs) {
            console.log(
              `  ${s.output}: ${s.lufsBefore} → ${s.lufsAfter} LUFS (relative ${s.relativeBefore} → ${s.relativeAfter} LU), true peak ${s.truePeakDbtp} dBTP`,
            );
          }
          if (r.cd) console.log(`  CD image ${r.cd.image} with ${r.cd.cue}`);
          return;
        }
        if (!input) throw new Error("give the mix to master, or --album <songs...>");
        const outcome = await masterFile(input, o.output, { ...common, spectra: Boolean(o.report) });
        const written = await writeMasterReports(outcome, { htmlPath: o.report });
        const r = outcome.report;
        console.log(
          `${r.output}: ${r.before.integratedLufs} → ${r.after.integratedLufs} LUFS (target ${r.target.lufs}), true peak ${r.after.truePeakDbtp} dBTP (ceiling ${r.target.ceilingDbtp}), limiting ${r.limitingDb} dB`,
        );
        if (r.reference) {
          console.log(
            `  spectral distance to the reference: ${r.reference.distanceBeforeDb} → ${r.reference.distanceAfterDb} dB`,
          );
        }
        for (const w of r.warnings) console.log(`  warning: ${w}`);
        console.log(`  report: ${written.join(", ")}`);
      } catch (e) {
        if (e instanceof MasteringRefusal) {
          console.error(`controlroom master: refused: ${e.message}`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
