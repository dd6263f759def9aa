/** SVG plots for the mastering report: gain reduction over time, and spectra (before / after / reference). */
import type { LongTermSpectrum } from "@controlroom/engine/mastering/spectrum.ts";
import { esc, niceStep, pathFrom, timeLabel, timeStep } from "../plots/svg.ts";

const W = 1200;
const H = 360;
const M = { left: 70, right: 30, top: 50, bottom: 46 };

function frame(title: string, subtitle: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="#f7f8fa" stroke="#c9ced6"/>`,
    `<text x="${M.left}" y="22" font-size="16" font-weight="bold" fill="#111">${esc(title)}</text>`,
    `<text x="${M.left}" y="40" fill="#444">${esc(subtitle)}</text>`,
  ];
}

/** Limiter gain reduction per 100 ms (peak), drawn downward from 0 dB. */
export function gainReductionSvg(
  gr: { intervalSeconds: number; db: ArrayLike<number> },
  title: string,
): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = gr.db.length;
  const dur = Math.max(n * gr.intervalSeconds, 1e-3);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, gr.db[i]);
  const bottom = Math.max(3, Math.ceil(max / 3) * 3);
  const x = (t: number) => M.left + (t / dur) * pw;
  const y = (db: number) => M.top + (db / bottom) * ph;
  const parts = frame(title, `largest ${max.toFixed(1)} dB (peak gain reduction in each 100 ms)`);
  const step = niceStep(bottom, 6);
  for (let d = 0; d <= bottom + 1e-9; d += step) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(d).toFixed(1)}" y2="${y(d).toFixed(1)}" stroke="#dde1e7"/>`,
      `<text x="${M.left - 8}" y="${(y(d) + 4).toFixed(1)}" text-anchor="end" fill="#333">${d === 0 ? "0" : `−${d}`}</text>`,
    );
  }
  const ts = timeStep(dur);
  for (let t = 0; t <= dur + 1e-9; t += ts) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle" fill="#333">${timeLabel(t, ts)}</text>`,
    );
  }
  let d = `M${x(0).toFixed(1)},${y(0).toFixed(1)}`;
  for (let i = 0; i < n; i++)
    d += `L${x((i + 0.5) * gr.intervalSeconds).toFixed(1)},${y(gr.db[i]).toFixed(1)}`;
  d += `L${x(dur).toFixed(1)},${y(0).toFixed(1)}Z`;
  parts.push(
    `<path d="${d}" fill="#c62828" fill-opacity="0.35" stroke="#c62828" stroke-width="1"/>`,
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">gain reduction (dB)</text>`,
    `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#333">time (m:ss)</text>`,
    "</svg>",
  );
  return parts.join("\n");
}

/** Smoothed long-term spectra on a log-frequency axis, each normalised to its 40 Hz–16 kHz mean. */
export function spectraSvg(
  curves: { label: string; colour: string; spectrum: LongTermSpectrum }[],
  title: string,
  subtitle: string,
): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const lo = Math.log10(20);
  const hi = Math.log10(20000);
  const x = (f: number) => M.left + ((Math.log10(f) - lo) / (hi - lo)) * pw;
  const norm = curves.map((c) => {
    let s = 0;
    let k = 0;
    c.spectrum.freqs.forEach((f, i) => {
      if (f >= 40 && f <= 16000) {
        s += c.spectrum.db[i];
        k++;
      }
    });
    const mean = k ? s / k : 0;
    return c.spectrum.db.map((v) => v - mean);
  });
  let top = -Infinity;
  for (const n of norm) for (const v of n) top = Math.max(top, v);
  top = Math.ceil((Number.isFinite(top) ? top : 0) / 10) * 10 + 5;
  const bottom = top - 60;
  const y = (db: number) => M.top + ((top - Math.max(bottom, Math.min(top, db))) / (top - bottom)) * ph;
  const parts = frame(title, subtitle);
  for (let d = top; d >= bottom; d -= 10) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(d).toFixed(1)}" y2="${y(d).toFixed(1)}" stroke="#dde1e7"/>`,
      `<text x="${M.left - 8}" y="${(y(d) + 4).toFixed(1)}" text-anchor="end" fill="#333">${d}</text>`,
    );
  }
  for (const f of [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]) {
    parts.push(
      `<line x1="${x(f).toFixed(1)}" x2="${x(f).toFixed(1)}" y1="${M.top}" y2="${M.top + ph}" stroke="#e8ebef"/>`,
      `<text x="${x(f).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle" fill="#333">${f >= 1000 ? `${f / 1000}k` : f}</text>`,
    );
  }
  curves.forEach((c, k) => {
    const xs = c.spectrum.freqs.map(x);
    const ys = norm[k].map(y);
    parts.push(`<path d="${pathFrom(xs, ys)}" fill="none" stroke="${c.colour}" stroke-width="2"/>`);
    parts.push(
      `<line x1="${M.left + pw - 360 + k * 120}" x2="${M.left + pw - 336 + k * 120}" y1="36" y2="36" stroke="${c.colour}" stroke-width="2"/>`,
      `<text x="${M.left + pw - 330 + k * 120}" y="40" fill="#333">${esc(c.label)}</text>`,
    );
  });
  parts.push(
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">level, 1/3-octave smoothed (dB, mean-normalised)</text>`,
    `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#333">frequency (Hz)</text>`,
    "</svg>",
  );
  return parts.join("\n");
}
