import { esc, niceStep, pathFrom, timeLabel, timeStep } from "./svg.ts";

/** What the loudness plot needs: the analysis series and overview, plus a title. */
export interface LoudnessPlotData {
  title: string;
  durationSeconds: number;
  integratedLufs: number;
  loudnessRangeLu: number;
  truePeakDbtp: number;
  /** Momentary and short-term loudness every `intervalSeconds`, LUFS (−Infinity for silence). */
  series: { intervalSeconds: number; momentary: ArrayLike<number>; shortTerm: ArrayLike<number> };
  /** Waveform overview: min/max per bucket per channel. */
  overview: { bucketSeconds: number; min: ArrayLike<number>[]; max: ArrayLike<number>[] };
}

const W = 1200;
const H = 520;
const M = { left: 70, right: 70, top: 56, bottom: 50 };

/**
 * Loudness over time (momentary, short-term, integrated line) drawn over a waveform overview, with
 * labelled axes: LUFS on the left, sample amplitude on the right, time below.
 */
export function loudnessPlotSvg(d: LoudnessPlotData): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const dur = Math.max(d.durationSeconds, 1e-3);
  const x = (t: number) => M.left + (t / dur) * pw;

  // LUFS axis: 0 at the top (or above the loudest reading), floor well below the quiet passages.
  let maxL = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.series.momentary.length; i++) maxL = Math.max(maxL, d.series.momentary[i]);
  const top = Number.isFinite(maxL) && maxL > 0 ? Math.ceil(maxL / 5) * 5 : 0;
  const ref = Number.isFinite(d.integratedLufs) ? d.integratedLufs : -30;
  const bottom = Math.max(-90, Math.min(top - 30, Math.floor((ref - 30) / 10) * 10));
  const y = (l: number) => M.top + ((top - Math.max(bottom, l)) / (top - bottom)) * ph;
  const ya = (a: number) => M.top + ((1 - a) / 2) * ph; // amplitude −1…1 on the right axis

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#f7f8fa" stroke="#c9ced6"/>`,
  );

  // Waveform overview: envelope of all channels, faint, behind everything.
  const ov = d.overview;
  const n = ov.min[0]?.length ?? 0;
  if (n > 0) {
    let up = "";
    let down = "";
    for (let i = 0; i < n; i++) {
      let lo = 1;
      let hi = -1;
      for (let c = 0; c < ov.min.length; c++) {
        lo = Math.min(lo, ov.min[c][i]);
        hi = Math.max(hi, ov.max[c][i]);
      }
      const tx = x(Math.min(dur, (i + 0.5) * ov.bucketSeconds)).toFixed(1);
      up += `${i === 0 ? "M" : "L"}${tx},${ya(Math.min(1, hi)).toFixed(1)}`;
      down = `L${tx},${ya(Math.max(-1, lo)).toFixed(1)}${down}`;
    }
    parts.push(`<path d="${up}${down}Z" fill="#9aa5b4" fill-opacity="0.35" stroke="none"/>`);
  }

  // Grid and axes.
  const lStep = niceStep(top - bottom, 8);
  for (let l = top; l >= bottom - 1e-9; l -= lStep) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(l).toFixed(1)}" y2="${y(l).toFixed(1)}" stroke="#dde1e7"/>`,
      `<text x="${M.left - 8}" y="${(y(l) + 4).toFixed(1)}" text-anchor="end" fill="#333">${l}</text>`,
    );
  }
  for (const a of [1, 0.5, 0, -0.5, -1]) {
    parts.push(`<text x="${M.left + pw + 8}" y="${(ya(a) + 4).toFixed(1)}" fill="#8a94a3">${a}</text>`);
  }
  const tStep = timeStep(dur);
  for (let t = 0; t <= dur + 1e-9; t += tStep) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${M.top}" y2="${M.top + ph}" stroke="#e8ebef"/>`,
      `<text x="${x(t).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle" fill="#333">${timeLabel(t, tStep)}</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" fill="#333">time (m:ss)</text>`,
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">loudness (LUFS)</text>`,
    `<text transform="translate(${W - 14} ${M.top + ph / 2}) rotate(90)" text-anchor="middle" fill="#8a94a3">sample amplitude</text>`,
  );

  // Loudness curves.
  const s = d.series;
  const xs = (len: number) => Float64Array.from({ length: len }, (_, i) => x((i + 1) * s.intervalSeconds));
  const ys = (v: ArrayLike<number>) =>
    Float64Array.from({ length: v.length }, (_, i) => (Number.isFinite(v[i]) ? y(v[i]) : Number.NaN));
  parts.push(
    `<path d="${pathFrom(xs(s.momentary.length), ys(s.momentary))}" fill="none" stroke="#5b8def" stroke-width="1" stroke-opacity="0.8"/>`,
    `<path d="${pathFrom(xs(s.shortTerm.length), ys(s.shortTerm))}" fill="none" stroke="#e8772e" stroke-width="2.2"/>`,
  );
  if (Number.isFinite(d.integratedLufs)) {
    const yi = y(d.integratedLufs).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${yi}" y2="${yi}" stroke="#c62828" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${M.left + pw - 6}" y="${(Number(yi) - 6).toFixed(1)}" text-anchor="end" fill="#c62828">integrated ${d.integratedLufs.toFixed(1)} LUFS</text>`,
    );
  }

  // Title and legend.
  const fmt = (v: number, unit: string) => (Number.isFinite(v) ? `${v.toFixed(1)} ${unit}` : `−∞ ${unit}`);
  parts.push(
    `<text x="${M.left}" y="22" font-size="16" font-weight="bold" fill="#111">${esc(d.title)}</text>`,
    `<text x="${M.left}" y="42" fill="#444">integrated ${fmt(d.integratedLufs, "LUFS")} · range ${fmt(d.loudnessRangeLu, "LU")} · true peak ${fmt(d.truePeakDbtp, "dBTP")}</text>`,
  );
  const lx = M.left + pw - 330;
  parts.push(
    `<line x1="${lx}" x2="${lx + 24}" y1="38" y2="38" stroke="#5b8def" stroke-width="1.5"/><text x="${lx + 30}" y="42" fill="#333">momentary</text>`,
    `<line x1="${lx + 110}" x2="${lx + 134}" y1="38" y2="38" stroke="#e8772e" stroke-width="2.2"/><text x="${lx + 140}" y="42" fill="#333">short-term</text>`,
    `<rect x="${lx + 225}" y="32" width="24" height="12" fill="#9aa5b4" fill-opacity="0.35"/><text x="${lx + 255}" y="42" fill="#333">waveform</text>`,
    "</svg>",
  );
  return parts.join("\n");
}
