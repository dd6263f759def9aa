/**
 * Repair of a whole recording: the fixes asked for (or, with `auto`, the ones the detection summary calls
 * for), run in the order that keeps each one's input clean for the next — declip (plateaus are exact only
 * before anything else touches them), DC, declick, decrackle, dehum, denoise — on every channel, with a
 * report of what was found and what was done.
 */
import { gainToDb } from "../core/db.ts";
import { measureDc, removeDc } from "./dc.ts";
import { type ClickEvent, declick } from "./declick.ts";
import { declip } from "./declip.ts";
import { dehum, detectHum, type HumReport } from "./dehum.ts";
import { denoise } from "./denoise.ts";
import { detectProblems, type ProblemReport } from "./detect.ts";

/** A repair the engine can make. */
export type RepairFix = "declick" | "decrackle" | "dehum" | "denoise" | "declip" | "dc";

/** Every fix, in the order they are applied. */
export const REPAIR_FIXES: readonly RepairFix[] = [
  "declip",
  "dc",
  "declick",
  "decrackle",
  "dehum",
  "denoise",
];

/** Options for `repairChannels`. */
export interface RepairOptions {
  /** The fixes to make, or "auto" for those the detection finds a need for. */
  fixes: RepairFix[] | "auto";
  /** Denoise: a noise-only stretch [start, end] in seconds (default: learned from the quietest frames). */
  noiseFrom?: [number, number];
  /** Denoise: largest reduction, dB (1 … 40, default 12). */
  amountDb?: number;
  /** Declick: sensitivity 0 … 1 (default 0.5; decrackle uses 0.8). */
  sensitivity?: number;
  /**
   * Declip: when the reconstructed peaks would pass full scale, lower every channel by the same gain so they
   * fit (default true). The gain is in the report.
   */
  fitGain?: boolean;
  /** Called with the fraction done, 0 … 1. */
  onProgress?: (fraction: number) => void;
}

/** One fix as done. */
export type RepairAction =
  | { fix: "declip"; runs: number; samples: number; levelDb: number; peakAfterDb: number }
  | { fix: "dc"; offsets: number[]; removedDb: number }
  | {
      fix: "declick" | "decrackle";
      count: number;
      samples: number;
      events: (ClickEvent & { channel: number })[];
    }
  | { fix: "dehum"; fundamentalHz: number; harmonics: { hz: number; levelDb: number }[] }
  | { fix: "dehum"; fundamentalHz: null; harmonics: [] }
  | { fix: "denoise"; amountDb: number; noiseDb: number; floorBeforeDb: number; floorAfterDb: number };

/** What a repair found and did. */
export interface RepairReport {
  /** The detection summary of the input. */
  found: ProblemReport;
  /** The fixes made, in order. */
  fixes: RepairFix[];
  /** Per fix, what it did. */
  actions: RepairAction[];
  /** Gain applied at the end so reconstructed peaks fit (dB, 0 when none). */
  gainDb: number;
  /** One line per action, for people. */
  summary: string[];
}

/** Sensitivity used by decrackle (more eager than declick's default). */
const CRACKLE_SENSITIVITY = 0.8;

/** Checks a fix name list; throws naming the bad one. */
export function parseFixes(names: readonly string[]): RepairFix[] {
  const out: RepairFix[] = [];
  for (const n of names) {
    if (!(REPAIR_FIXES as readonly string[]).includes(n)) {
      throw new RangeError(`unknown fix "${n}" (known: ${REPAIR_FIXES.join(", ")}, or auto)`);
    }
    if (!out.includes(n as RepairFix)) out.push(n as RepairFix);
  }
  return out;
}

/** The fixes a detection report calls for. */
export function fixesFor(found: ProblemReport): RepairFix[] {
  const out: RepairFix[] = [];
  if (found.clipping.runs > 0) out.push("declip");
  if (found.dc.found) out.push("dc");
  if (found.clicks.count > 0) out.push("declick");
  if (found.crackle.count > 0) out.push("decrackle");
  if (found.hum) out.push("dehum");
  if (found.noise.found) out.push("denoise");
  return out;
}

/**
 * Repairs a recording.
 * @param channels planar channels (full scale ±1), all the same length; not modified.
 * @param sampleRate Hz.
 * @returns the repaired channels (new arrays) and the report.
 * @throws RangeError naming a bad option (unknown fix, amount or noise range out of range).
 */
export function repairChannels(
  channels: Float32Array[],
  sampleRate: number,
  options: RepairOptions,
): { channels: Float32Array[]; report: RepairReport } {
  if (channels.length === 0) throw new RangeError("repairChannels: no channels");
  const amountDb = options.amountDb ?? 12;
  if (!(amountDb >= 1 && amountDb <= 40))
    throw new RangeError(`amount must be between 1 and 40 dB, got ${amountDb}`);
  if (options.noiseFrom) {
    const [a, b] = options.noiseFrom;
    const dur = channels[0].length / sampleRate;
    if (!(a >= 0 && b > a && b <= dur)) {
      throw new RangeError(`noise range ${a}–${b} s is not inside the recording (0–${dur.toFixed(3)} s)`);
    }
  }
  const progress = options.onProgress ?? (() => {});
  const found = detectProblems(channels, sampleRate, {
    sensitivity: options.sensitivity,
    onProgress: (f) => progress(0.25 * f),
  });
  const wanted = options.fixes === "auto" ? fixesFor(found) : parseFixes(options.fixes);
  const fixes = REPAIR_FIXES.filter((f) => wanted.includes(f));
  let work: Float32Array[] = channels.map((c) => new Float32Array(c));
  const actions: RepairAction[] = [];
  const steps = Math.max(1, fixes.length * work.length);
  let done = 0;
  const step = () => progress(0.25 + (0.75 * ++done) / steps);
  let peakAfter = 0;
  for (const fix of fixes) {
    switch (fix) {
      case "declip": {
        let runs = 0;
        let samples = 0;
        let level = 0;
        work = work.map((x) => {
          const r = declip(x, sampleRate);
          runs += r.clipping.runs;
          samples += r.clipping.samples;
          level = Math.max(level, r.clipping.level);
          peakAfter = Math.max(peakAfter, r.peakAfter);
          step();
          return r.output;
        });
        actions.push({ fix, runs, samples, levelDb: gainToDb(level), peakAfterDb: gainToDb(peakAfter) });
        break;
      }
      case "dc": {
        const offsets = work.map((x) => measureDc(x).offset);
        work = work.map((x) => {
          const y = removeDc(x, sampleRate);
          step();
          return y;
        });
        const biggest = offsets.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        actions.push({ fix, offsets, removedDb: gainToDb(biggest) });
        break;
      }
      case "declick":
      case "decrackle": {
        const events: (ClickEvent & { channel: number })[] = [];
        const sensitivity =
          fix === "decrackle" ? Math.max(CRACKLE_SENSITIVITY, options.sensitivity ?? 0) : options.sensitivity;
        // The detection summary already searched the untouched input at this sensitivity: reuse its events.
        const untouched = fix === "declick" && !fixes.includes("declip") && !fixes.includes("dc");
        work = work.map((x, c) => {
          const known = untouched ? found.clicks.events.filter((e) => e.channel === c) : undefined;
          const r = declick(x, sampleRate, { sensitivity, events: known });
          for (const e of r.events) events.push({ ...e, channel: c });
          step();
          return r.output;
        });
        events.sort((a, b) => a.start - b.start || a.channel - b.channel);
        actions.push({
          fix,
          count: events.length,
          samples: events.reduce((s, e) => s + e.length, 0),
          events,
        });
        break;
      }
      case "dehum": {
        const hum: HumReport | null = found.hum ?? detectHum(average(work), sampleRate);
        if (!hum) {
          actions.push({ fix, fundamentalHz: null, harmonics: [] });
          done += work.length;
          break;
        }
        let removed: { hz: number; levelDb: number }[] = [];
        work = work.map((x) => {
          const r = dehum(x, sampleRate, hum);
          if (removed.length === 0 || r.removed[0].levelDb > removed[0].levelDb) removed = r.removed;
          step();
          return r.output;
        });
        actions.push({ fix, fundamentalHz: hum.fundamentalHz, harmonics: removed });
        break;
      }
      case "denoise": {
        let noiseDb = Number.NEGATIVE_INFINITY;
        let before = Number.NEGATIVE_INFINITY;
        let after = Number.NEGATIVE_INFINITY;
        work = work.map((x) => {
          const r = denoise(x, sampleRate, { amountDb, noiseFrom: options.noiseFrom });
          noiseDb = Math.max(noiseDb, r.noiseDb);
          before = Math.max(before, r.floorBeforeDb);
          after = Math.max(after, r.floorAfterDb);
          step();
          return r.output;
        });
        actions.push({ fix, amountDb, noiseDb, floorBeforeDb: before, floorAfterDb: after });
        break;
      }
    }
  }
  let gainDb = 0;
  if ((options.fitGain ?? true) && fixes.includes("declip")) {
    let peak = 0;
    for (const x of work) for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
    if (peak > 1) {
      const g = 0.999 / peak; // a hair under full scale
      for (const x of work) for (let i = 0; i < x.length; i++) x[i] *= g;
      gainDb = gainToDb(g);
    }
  }
  progress(1);
  const report: RepairReport = { found, fixes, actions, gainDb, summary: [] };
  report.summary = describe(report);
  return { channels: work, report };
}

function average(channels: Float32Array[]): Float32Array {
  const out = new Float32Array(channels[0].length);
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i] += c[i] / channels.length;
  return out;
}

const r1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : String(v));

/** One line per action. */
function describe(r: RepairReport): string[] {
  const out: string[] = [];
  for (const a of r.actions) {
    switch (a.fix) {
      case "declip":
        out.push(
          `declip: ${a.runs} runs (${a.samples} samples) at ${r1(a.levelDb)} dBFS reconstructed; new peak ${r1(a.peakAfterDb)} dBFS`,
        );
        break;
      case "dc":
        out.push(
          `dc: offset ${a.offsets.map((o) => o.toFixed(5)).join(", ")} removed (${r1(a.removedDb)} dBFS)`,
        );
        break;
      case "declick":
      case "decrackle":
        out.push(`${a.fix}: ${a.count} events restored (${a.samples} samples)`);
        break;
      case "dehum":
        out.push(
          a.fundamentalHz === null
            ? "dehum: no hum found, nothing removed"
            : `dehum: ${a.fundamentalHz} Hz, ${a.harmonics.length} harmonics removed (${a.harmonics.map((h) => `${Math.round(h.hz)} Hz ${r1(h.levelDb)} dBFS`).join(", ")})`,
        );
        break;
      case "denoise":
        out.push(
          `denoise: noise ${r1(a.noiseDb)} dBFS, floor ${r1(a.floorBeforeDb)} → ${r1(a.floorAfterDb)} dBFS (amount ${a.amountDb} dB)`,
        );
        break;
    }
  }
  if (r.gainDb !== 0) out.push(`gain ${r1(r.gainDb)} dB so the reconstructed peaks fit`);
  return out;
}
