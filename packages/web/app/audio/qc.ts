/** The QC checklist for a master (kept apart from mastering.ts so the page does not load the engine). */
import type { MasterOutcome } from "./mastering.ts";

/** One line of the QC checklist. */
export interface QcItem {
  label: string;
  ok: boolean;
}

/** The QC checklist for a master against its target. */
export function qcChecklist(m: MasterOutcome, sampleRate: number): QcItem[] {
  const a = m.after;
  const t = m.target;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "−∞");
  const items: QcItem[] = [
    {
      label: `Integrated loudness ${f(a.integratedLufs)} LUFS within ±0.5 LU of ${m.targetLufs}`,
      ok: Math.abs(a.integratedLufs - m.targetLufs) <= 0.5,
    },
    {
      label: `True peak ${f(a.truePeakDbtp)} dBTP at or below ${t.ceilingDbtp} dBTP`,
      ok: a.truePeakDbtp <= t.ceilingDbtp + 0.05,
    },
    { label: `No clipped samples (${a.clippedSamples} found)`, ok: a.clippedSamples === 0 },
    {
      label: `DC offset below 0.1 % (largest ${(Math.max(...a.dcOffset.map(Math.abs)) * 100).toFixed(3)} %)`,
      ok: a.dcOffset.every((d) => Math.abs(d) < 0.001),
    },
    {
      label: `Limiting ${m.limitingDb.toFixed(1)} dB within the preset's ${t.maxLimitingDb} dB`,
      ok: m.limitingDb <= t.maxLimitingDb,
    },
  ];
  if (t.sampleRate)
    items.push({
      label: `Sample rate ${sampleRate} Hz is the required ${t.sampleRate} Hz`,
      ok: sampleRate === t.sampleRate,
    });
  if (t.minCorrelation !== null && a.correlation !== null)
    items.push({
      label: `Channel correlation ${a.correlation.toFixed(2)} at least ${t.minCorrelation}`,
      ok: a.correlation >= t.minCorrelation,
    });
  return items;
}
