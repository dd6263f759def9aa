/** Writing the mastering report: JSON always, HTML with inline SVG plots (and PNG copies) on request. */

import { basename, dirname, extname, join } from "node:path";
import type { AnalysisReport } from "@controlroom/engine";
import { writeFileAtomic } from "../files/atomic-file.ts";
import { loudnessPlotSvg } from "../plots/loudness-plot.ts";
import { writePlot } from "../plots/render.ts";
import { esc } from "../plots/svg.ts";
import type { MasterOutcome, MasterReport } from "./master-file.ts";
import { gainReductionSvg, spectraSvg } from "./report-plots.ts";

/** JSON with non-finite numbers as null. */
export function reportJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}

/** The JSON report path beside a master: `song.wav` → `song.master.json`. */
export function jsonReportPath(outPath: string): string {
  return join(dirname(outPath), `${basename(outPath, extname(outPath))}.master.json`);
}

function loudnessSvg(r: AnalysisReport, title: string): string {
  return loudnessPlotSvg({
    title,
    durationSeconds: r.durationSeconds,
    integratedLufs: r.integratedLufs,
    loudnessRangeLu: r.loudnessRangeLu,
    truePeakDbtp: r.truePeakDbtp,
    series: r.series,
    overview: r.overview,
  });
}

/** The report's plots as SVG documents, by name. */
export function reportPlots(o: MasterOutcome): Record<string, string> {
  const name = basename(o.report.input);
  const curves = [
    { label: "before", colour: "#8a94a3", spectrum: o.spectra.before },
    { label: "after", colour: "#e8772e", spectrum: o.spectra.after },
  ];
  if (o.spectra.reference)
    curves.push({ label: "reference", colour: "#2e7d32", spectrum: o.spectra.reference });
  const ref = o.report.reference;
  return {
    "loudness-before": loudnessSvg(o.result.before, `${name}: before`),
    "loudness-after": loudnessSvg(o.result.after, `${name}: after (${o.report.target.name})`),
    "gain-reduction": gainReductionSvg(o.result.gainReduction, "Limiter gain reduction"),
    spectrum: spectraSvg(
      curves,
      "Long-term spectrum",
      ref
        ? `distance to the reference: ${ref.distanceBeforeDb.toFixed(2)} dB before, ${ref.distanceAfterDb.toFixed(2)} dB after`
        : "before and after",
    ),
  };
}

function row(label: string, b: string, a: string): string {
  return `<tr><th>${esc(label)}</th><td>${esc(b)}</td><td>${esc(a)}</td></tr>`;
}

/** A self-contained HTML page: figures table, chain, passes and the plots inline. */
export function reportHtml(r: MasterReport, plots: Record<string, string>): string {
  const f = (v: number | null, unit: string) =>
    v === null || !Number.isFinite(v) ? "—" : `${v.toFixed(1)} ${unit}`;
  const rows = [
    row("integrated loudness", f(r.before.integratedLufs, "LUFS"), f(r.after.integratedLufs, "LUFS")),
    row("loudness range", f(r.before.loudnessRangeLu, "LU"), f(r.after.loudnessRangeLu, "LU")),
    row("true peak", f(r.before.truePeakDbtp, "dBTP"), f(r.after.truePeakDbtp, "dBTP")),
    row("max short-term", f(r.before.maxShortTermLufs, "LUFS"), f(r.after.maxShortTermLufs, "LUFS")),
    row("correlation", r.before.correlation?.toFixed(2) ?? "—", r.after.correlation?.toFixed(2) ?? "—"),
  ];
  if (r.reference) {
    rows.push(
      row(
        "spectral distance to reference",
        f(r.reference.distanceBeforeDb, "dB"),
        f(r.reference.distanceAfterDb, "dB"),
      ),
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Master report: ${esc(basename(r.input))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1240px;margin:2em auto;color:#222}table{border-collapse:collapse}
th,td{padding:4px 12px;border-bottom:1px solid #ddd;text-align:left}svg{max-width:100%;height:auto;margin:1em 0}
.ok{color:#2e7d32}.bad{color:#c62828}pre{background:#f5f5f5;padding:8px;overflow:auto}</style></head><body>
<h1>Master report: ${esc(basename(r.input))}</h1>
<p>Target <b>${esc(r.target.name)}</b>: ${r.target.lufs} LUFS, ceiling ${r.target.ceilingDbtp} dBTP (${esc(r.target.source)}).
Result: <b class="${r.onTarget ? "ok" : "bad"}">${r.onTarget ? "on target" : "off target"}</b>.
Output ${esc(r.output)}, ${r.sampleRate} Hz, ${r.bitDepth}-bit, ${r.durationSeconds.toFixed(1)} s.</p>
<table><tr><th></th><th>before</th><th>after</th></tr>${rows.join("")}</table>
<p>Limiter drive ${r.driveDb.toFixed(2)} dB; limiting ${r.limitingDb.toFixed(1)} dB (95th percentile), largest ${r.maxGainReductionDb.toFixed(1)} dB; ${r.passes.length} measured passes.</p>
${r.warnings.length ? `<ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
${Object.values(plots).join("\n")}
<h2>Chain</h2><pre>${esc(JSON.stringify(r.chain, null, 2))}</pre>
</body></html>
`;
}

/**
 * Writes the JSON report (always, beside the master, or at `jsonPath`) and, with `htmlPath`, the HTML
 * report with its plots inline plus SVG and PNG copies of each plot beside it. Returns the paths written.
 */
export async function writeMasterReports(
  o: MasterOutcome,
  opts: { jsonPath?: string; htmlPath?: string } = {},
): Promise<string[]> {
  const written: string[] = [];
  const json = opts.jsonPath ?? jsonReportPath(o.report.output);
  await writeFileAtomic(json, `${reportJson(o.report)}\n`);
  written.push(json);
  if (opts.htmlPath) {
    const plots = reportPlots(o);
    await writeFileAtomic(opts.htmlPath, reportHtml(o.report, plots));
    written.push(opts.htmlPath);
    const stem = join(dirname(opts.htmlPath), basename(opts.htmlPath, extname(opts.htmlPath)));
    for (const [name, svg] of Object.entries(plots)) {
      await writeFileAtomic(`${stem}.${name}.svg`, svg);
      await writePlot(`${stem}.${name}.png`, svg);
      written.push(`${stem}.${name}.svg`, `${stem}.${name}.png`);
    }
  }
  return written;
}
