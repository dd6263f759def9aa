/** `controlroom qc <file> [--target <preset>] [--json]`. */

import { TARGET_NAMES } from "@controlroom/engine/mastering/targets.ts";
import type { Command } from "commander";
import { parseTargetPreset } from "../cli/target-option.ts";
import { type QcReport, qcFile } from "./qc-file.ts";

const MARK = { pass: "PASS", warn: "WARN", fail: "FAIL" } as const;

/** The human-readable QC report. */
export function formatQc(r: QcReport): string {
  const lines = [`${r.file}: ${MARK[r.verdict]}${r.target ? ` (target ${r.target.name})` : ""}`];
  for (const c of r.checks) lines.push(`  ${MARK[c.verdict]}  ${c.id.padEnd(13)} ${c.message}`);
  lines.push("  What each platform's player does to it:");
  for (const p of r.platforms) {
    const g = p.gainDb === 0 ? "plays as is" : `${p.gainDb > 0 ? "+" : ""}${p.gainDb.toFixed(1)} dB`;
    lines.push(`    ${p.platform.padEnd(8)} ${String(p.referenceLufs).padStart(4)} LUFS  ${g}`);
  }
  return lines.join("\n");
}

export function registerQc(program: Command): void {
  program
    .command("qc")
    .description(
      "Quality-check a master: loudness, true peak, clipping, DC, phase, silence, format, MP3 overs; exit 1 on any fail",
    )
    .argument("<file>", "master to check")
    .option(
      "--target <preset>",
      `check against a delivery target (${TARGET_NAMES.join(", ")})`,
      parseTargetPreset,
    )
    .option("--json", "print the report as JSON")
    .option("--no-lossy", "skip the MP3 encode-and-measure check")
    .action(async (file: string, opts: { target?: string; json?: boolean; lossy: boolean }) => {
      const r = await qcFile(file, { target: opts.target, lossyCheck: opts.lossy });
      if (opts.json)
        console.log(
          JSON.stringify(r, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2),
        );
      else console.log(formatQc(r));
      if (r.verdict === "fail") process.exitCode = 1;
    });
}
