/**
 * Detection summary: every problem class the repair tools know, found in one pass over a recording, with
 * positions and severity, and a short list of human badges ("12 clicks", "hum 50 Hz −30 dB",
 * "clipped 1,145 runs") for showing beside a take.
 */
import { gainToDb } from "../core/db.ts";
import { arOrderFor } from "./ar-model.ts";
import { measureDc } from "./dc.ts";
import { type ClickEvent, crackleOf, detectClicks } from "./declick.ts";
import { detectClipping } from "./declip.ts";
import { detectHum, type HumReport } from "./dehum.ts";
import { measureNoiseFloor, NOISE_PROBLEM_DB } from "./denoise.ts";

/** A click with the channel it is in. */
export interface ChannelClickEvent extends ClickEvent {
  /** Channel index (0-based). */
  channel: number;
}

/** Every problem found in a recording. */
export interface ProblemReport {
  sampleRate: number;
  /** Samples per channel. */
  frames: number;
  channels: number;
  /** Impulsive events (crackle bursts included), all channels, in time order. */
  clicks: { count: number; events: ChannelClickEvent[] };
  /** The crackle bursts among the clicks. */
  crackle: { count: number; perSecond: number; events: ChannelClickEvent[] };
  /** Mains hum (on the channels' average), or null. */
  hum: HumReport | null;
  /** Broadband noise floor of the noisiest channel (steady tones such as hum do not count); `found` above −60 dBFS. */
  noise: { floorDb: number; found: boolean };
  /** Clipping summed over channels; `level` is the highest clip level (linear), `levelDb` in dBFS. */
  clipping: {
    runs: number;
    samples: number;
    level: number;
    levelDb: number;
    spans: [channel: number, start: number, length: number][];
  };
  /** The largest DC offset of any channel (`offset` linear, `db` dBFS) and every channel's. */
  dc: { offset: number; db: number; found: boolean; perChannel: number[] };
  /** Human badges, one per problem found (empty for a clean recording). */
  summary: string[];
}

/** DC offsets above this are a problem, dBFS. */
export const DC_PROBLEM_DB = -60;

/** Options for `detectProblems`. */
export interface DetectOptions {
  /** Click sensitivity 0 … 1 (default 0.5). */
  sensitivity?: number;
  /** Called with the fraction done, 0 … 1. */
  onProgress?: (fraction: number) => void;
}

/**
 * Scans a recording for clicks, crackle, hum, noise, clipping and DC.
 * @param channels planar channels (full scale ±1), all the same length.
 * @param sampleRate Hz.
 */
export function detectProblems(
  channels: Float32Array[],
  sampleRate: number,
  options: DetectOptions = {},
): ProblemReport {
  if (channels.length === 0) throw new RangeError("detectProblems: no channels");
  const frames = channels[0].length;
  const progress = options.onProgress ?? (() => {});
  const steps = channels.length + 1;
  const clicks: ChannelClickEvent[] = [];
  const crackle: ChannelClickEvent[] = [];
  let floorDb = Number.NEGATIVE_INFINITY;
  const clip = { runs: 0, samples: 0, level: 0, spans: [] as [number, number, number][] };
  const dcs: number[] = [];
  const mid = channels.length === 1 ? channels[0] : average(channels);
  const hum = detectHum(mid, sampleRate);
  channels.forEach((x, c) => {
    const cl = detectClipping(x);
    // A clipped run upsets the prediction error around it like a click; it is clipping, counted as such.
    const near = arOrderFor(sampleRate);
    const events = detectClicks(x, sampleRate, { sensitivity: options.sensitivity }).filter(
      (e) => !cl.spans.some(([s, l]) => e.start < s + l + near && s < e.start + e.length + near),
    );
    for (const e of events) clicks.push({ ...e, channel: c });
    for (const e of crackleOf(events, frames, sampleRate).events) crackle.push({ ...e, channel: c });
    floorDb = Math.max(floorDb, measureNoiseFloor(x, sampleRate).floorDb);
    clip.runs += cl.runs;
    clip.samples += cl.samples;
    clip.level = Math.max(clip.level, cl.level);
    for (const [s, l] of cl.spans) clip.spans.push([c, s, l]);
    dcs.push(measureDc(x).offset);
    progress((c + 1) / steps);
  });
  progress(1);
  return problemReport({
    sampleRate,
    frames,
    channels: channels.length,
    clicks,
    crackle,
    hum,
    floorDb,
    clip,
    dcs,
  });
}

/** What every channel's scan found, before it is put together as a report. */
export interface ProblemFindings {
  sampleRate: number;
  frames: number;
  channels: number;
  /** Clicks and crackle bursts of every channel, in any order. */
  clicks: ChannelClickEvent[];
  crackle: ChannelClickEvent[];
  hum: HumReport | null;
  /** The noisiest channel's noise floor, dBFS. */
  floorDb: number;
  /** Clipping summed over channels (`level` linear, the highest). */
  clip: { runs: number; samples: number; level: number; spans: [number, number, number][] };
  /** Each channel's DC offset, linear. */
  dcs: number[];
}

/** The report of what was found (events in time order, the largest DC, the badges): one for every scan. */
export function problemReport(f: ProblemFindings): ProblemReport {
  const { clicks, crackle, dcs, floorDb } = f;
  clicks.sort((a, b) => a.start - b.start || a.channel - b.channel);
  crackle.sort((a, b) => a.start - b.start || a.channel - b.channel);
  const dc = dcs.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
  const dcDb = gainToDb(dc);
  const seconds = f.frames / f.sampleRate;
  const report: ProblemReport = {
    sampleRate: f.sampleRate,
    frames: f.frames,
    channels: f.channels,
    clicks: { count: clicks.length, events: clicks },
    crackle: {
      count: crackle.length,
      perSecond: seconds > 0 ? crackle.length / seconds : 0,
      events: crackle,
    },
    hum: f.hum,
    noise: { floorDb, found: floorDb > NOISE_PROBLEM_DB },
    clipping: { ...f.clip, levelDb: gainToDb(f.clip.level) },
    dc: { offset: dc, db: dcDb, found: dcDb > DC_PROBLEM_DB, perChannel: dcs },
    summary: [],
  };
  report.summary = badges(report);
  return report;
}

function average(channels: Float32Array[]): Float32Array {
  const out = new Float32Array(channels[0].length);
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i] += c[i] / channels.length;
  return out;
}

/** A whole number with thousands separators ("1,145"). */
function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** dB with a true minus sign ("−30"). */
function db(v: number): string {
  const r = Math.round(v);
  return r < 0 ? `\u2212${-r}` : String(r);
}

/** The badges for a report: one short phrase per problem found. */
export function badges(r: ProblemReport): string[] {
  const out: string[] = [];
  if (r.clipping.runs > 0)
    out.push(`clipped ${count(r.clipping.runs)} run${r.clipping.runs === 1 ? "" : "s"}`);
  if (r.clicks.count > 0) out.push(`${count(r.clicks.count)} click${r.clicks.count === 1 ? "" : "s"}`);
  if (r.crackle.count > 0)
    out.push(`crackle ${count(r.crackle.count)} burst${r.crackle.count === 1 ? "" : "s"}`);
  if (r.hum) out.push(`hum ${Math.round(r.hum.fundamentalHz)} Hz ${db(r.hum.levelDb)} dB`);
  if (r.noise.found) out.push(`noise floor ${db(r.noise.floorDb)} dBFS`);
  if (r.dc.found) out.push(`DC offset ${db(r.dc.db)} dB`);
  return out;
}
