/**
 * `controlroom repair <in> <out> [--fix declick,decrackle,dehum,denoise,declip,dc | --fix auto]
 *   [--noise-from <s>-<s>] [--amount <dB>] [--report report.json] [--bits <n>] [--force]`,
 * `controlroom repair <in> --detect [--json]` and `controlroom align <reference> <other> -o <out> [--json]`.
 */
import { access } from "node:fs/promises";
import { REPAIR_FIXES, type RepairFix } from "@controlroom/engine/repair/repair-channels.ts";
import { type Command, InvalidArgumentError } from "commander";
import { Progress } from "../cli/progress.ts";
import { writeFileAtomic } from "../files/atomic-file.ts";
import { probeAudioFile } from "../files/open.ts";
import { AudioFileError } from "../files/types.ts";
import { alignFiles } from "./align-file.ts";
import { detectFile } from "./detect-file.ts";
import { repairFile } from "./repair-file.ts";

/** Parses `--fix`: "auto" or a comma-separated list of fixes. */
export function parseFixArg(v: string): RepairFix[] | "auto" {
  const names = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === "auto") return "auto";
  if (names.length === 0) throw new InvalidArgumentError(`give fixes (${REPAIR_FIXES.join(",")}) or auto`);
  for (const n of names) {
    if (!(REPAIR_FIXES as readonly string[]).includes(n)) {
      throw new InvalidArgumentError(`unknown fix "${n}" (known: ${REPAIR_FIXES.join(", ")}, or auto)`);
    }
  }
  return [...new Set(names)] as RepairFix[];
}

/** Parses `--noise-from 1.5-2.25` (seconds). */
export function parseRange(v: string): [number, number] {
  const m = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`"${v}" is not a range of seconds like 1.5-2.25`);
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!(b > a)) throw new InvalidArgumentError(`"${v}": the end must be after the start`);
  return [a, b];
}

function parseAmount(v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= 1 && n <= 40))
    throw new InvalidArgumentError("must be between 1 and 40 dB");
  return n;
}

function parseSensitivity(v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= 0 && n <= 1)) throw new InvalidArgumentError("must be between 0 and 1");
  return n;
}

function parseBits(v: string): 16 | 24 | 32 {
  if (v === "16" || v === "24" || v === "32") return Number(v) as 16 | 24 | 32;
  throw new InvalidArgumentError("must be 16, 24 or 32");
}

interface RepairCliOptions {
  fix?: RepairFix[] | "auto";
  noiseFrom?: [number, number];
  amount?: number;
  sensitivity?: number;
  report?: string;
  bits?: 16 | 24 | 32;
  force?: boolean;
  detect?: boolean;
  json?: boolean;
}

/** Prints a caught error as one line and sets the exit code; rethrows what is not ours to explain. */
function fail(e: unknown): void {
  if (e instanceof AudioFileError) console.error(e.toString());
  else if (e instanceof RangeError) console.error(e.message);
  else throw e;
  process.exitCode = process.exitCode || 1;
}

export function registerRepair(program: Command): void {
  program
    .command("repair")
    .description("Find and fix clicks, crackle, hum, noise, clipping and DC in a recording")
    .argument("<in>", "the recording to repair")
    .argument("[out]", "the repaired file (.wav/.flac); not needed with --detect")
    .option(
      "--fix <fixes>",
      `fixes to make: ${REPAIR_FIXES.join(",")} (comma-separated), or auto`,
      parseFixArg,
    )
    .option("--noise-from <s-s>", "denoise: a noise-only stretch, seconds, e.g. 0.2-1.1", parseRange)
    .option("--amount <dB>", "denoise: largest reduction, 1 … 40 dB (default 12)", parseAmount)
    .option("--sensitivity <0..1>", "declick: how eagerly clicks are found (default 0.5)", parseSensitivity)
    .option("--report <report.json>", "write what was found and done as JSON")
    .option("--bits <n>", "output word length 16|24|32 (default: as the input)", parseBits)
    .option("--force", "replace an existing output file")
    .option("--detect", "only find problems; write nothing")
    .option("--json", "with --detect: print the report as JSON")
    .action(async (input: string, output: string | undefined, o: RepairCliOptions) => {
      const progress = new Progress(input, !o.json && Progress.interactive());
      try {
        if (o.detect) {
          if (output) throw new RangeError("--detect writes no audio; leave out the output file");
          const info = await probeAudioFile(input);
          const total = info.frames !== null ? info.frames / info.sampleRate : 0;
          const probe = await detectFile(input, {
            sensitivity: o.sensitivity,
            onProgress: (f) => (total > 0 ? progress.update(f * total, total) : undefined),
          });
          const duration = probe.frames / probe.sampleRate;
          progress.done();
          if (o.report) await writeReport(o.report, probe, o.force);
          if (o.json) console.log(JSON.stringify(probe, null, 2));
          else {
            console.log(`${input}: ${duration.toFixed(3)} s, ${probe.channels} ch, ${probe.sampleRate} Hz`);
            console.log(probe.summary.length ? `  ${probe.summary.join("; ")}` : "  no problems found");
            for (const e of probe.clicks.events.slice(0, 20)) {
              console.log(
                `  click at ${(e.start / probe.sampleRate).toFixed(4)} s (sample ${e.start}, ${e.length} samples, peak ${e.peak.toFixed(3)})${probe.channels > 1 ? ` ch ${e.channel + 1}` : ""}`,
              );
            }
            if (probe.clicks.count > 20)
              console.log(`  … and ${probe.clicks.count - 20} more clicks (see --json)`);
          }
          return;
        }
        if (!output) throw new RangeError("give the output file (or --detect to only find problems)");
        if (o.report) await refuseExistingReport(o.report, o.force);
        const info = await probeAudioFile(input);
        const duration = info.frames !== null ? info.frames / info.sampleRate : 0;
        const r = await repairFile(input, output, {
          fixes: o.fix ?? "auto",
          noiseFrom: o.noiseFrom,
          amountDb: o.amount,
          sensitivity: o.sensitivity,
          bits: o.bits,
          force: o.force,
          onProgress: (f) => (duration > 0 ? progress.update(f * duration, duration) : undefined),
        });
        progress.done();
        if (o.report) await writeReport(o.report, r, true);
        console.log(`${output}: ${r.fixes.length ? r.fixes.join(", ") : "nothing to fix"}`);
        console.log(`  found: ${r.found.summary.length ? r.found.summary.join("; ") : "no problems"}`);
        for (const line of r.summary) console.log(`  ${line}`);
      } catch (e) {
        progress.done();
        fail(e);
      }
    });
}

async function refuseExistingReport(path: string, force?: boolean): Promise<void> {
  if (force) return;
  try {
    await access(path);
  } catch {
    return;
  }
  throw new AudioFileError(path, "already exists; not overwriting it (use --force to replace it)");
}

async function writeReport(path: string, report: unknown, force?: boolean): Promise<void> {
  await refuseExistingReport(path, force);
  try {
    await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  } catch (e) {
    throw new AudioFileError(path, `cannot write the report: ${(e as Error).message}`);
  }
}

export function registerAlign(program: Command): void {
  program
    .command("align")
    .description("Find the delay and polarity of one recording of a source against another, and align it")
    .argument("<reference>", "the recording to align to")
    .argument("<other>", "the recording to align (e.g. the second microphone)")
    .option("-o, --output <path>", "the aligned copy of <other> (.wav/.flac)")
    .option("--bits <n>", "output word length 16|24|32 (default: as <other>)", parseBits)
    .option("--force", "replace an existing output file")
    .option("--json", "print the result as JSON")
    .action(
      async (
        reference: string,
        other: string,
        o: { output?: string; bits?: 16 | 24 | 32; force?: boolean; json?: boolean },
      ) => {
        try {
          if (!o.output) throw new RangeError("-o/--output is required");
          const r = await alignFiles(reference, other, o.output, { force: o.force, bits: o.bits });
          if (o.json) console.log(JSON.stringify(r, null, 2));
          else {
            console.log(
              `${o.output}: ${other} was ${Math.abs(r.delaySamples)} samples (${Math.abs(r.delayMs)} ms) ${r.delaySamples >= 0 ? "late" : "early"}${r.inverted ? " and inverted" : ""}; aligned (correlation ${r.correlation})`,
            );
          }
        } catch (e) {
          fail(e);
        }
      },
    );
}
