/**
 * Declick and decrackle: impulsive events found where the signal stops being predictable from its own past
 * and future (AR-model forward and backward prediction errors above a robust, locally adaptive threshold),
 * and restored by least-squares AR interpolation from the surrounding signal.
 *
 * Why two directions: a click at sample t disturbs the forward error from t to t + p and the backward error
 * from t − p to t, so the first forward and the last backward detection bracket the damaged span itself.
 */
import {
  arOrderFor,
  backwardError,
  estimateAr,
  estimateArCovariance,
  forwardError,
  interpolateAr,
} from "./ar-model.ts";

/** One impulsive event. */
export interface ClickEvent {
  /** First damaged sample (0-based). */
  start: number;
  /** Damaged samples from `start`. */
  length: number;
  /** Largest departure from the restored signal inside the span (linear, full scale 1.0). */
  peak: number;
}

/** How eagerly clicks are found. */
export interface ClickDetectionOptions {
  /**
   * 0 … 1 (default 0.5). The threshold on the prediction error is 10 robust standard deviations at 0,
   * 7 at 0.5 and 4 at 1; decrackle uses 0.8.
   */
  sensitivity?: number;
}

/** Threshold in robust standard deviations of the local prediction error for a sensitivity 0 … 1. */
export function clickThreshold(sensitivity = 0.5): number {
  if (!(Number.isFinite(sensitivity) && sensitivity >= 0 && sensitivity <= 1)) {
    throw new RangeError(`sensitivity must be between 0 and 1, got ${sensitivity}`);
  }
  return 10 - 6 * sensitivity;
}

/** Events longer than this (in seconds) are crackle bursts: dense short clicks merged into one span. */
export const CRACKLE_MIN_SECONDS = 0.0004;

/**
 * Finds clicks in one channel.
 * @param x samples (full scale ±1).
 * @param sampleRate Hz.
 * @returns events in time order, each restorable by `restoreClicks`.
 */
export function detectClicks(
  x: Float32Array,
  sampleRate: number,
  options: ClickDetectionOptions = {},
): ClickEvent[] {
  const events = findClicks(x, sampleRate, options);
  measurePeaks(x, restoreClicks(x, sampleRate, events), events);
  return clicksAmong(x, sampleRate, events);
}

/** A click this far below the sound around it is masked by it: not a problem, not listed (dB). */
const MASKED_DB = -40;
/** The sound around a click is measured over this long either side of it, s. */
const MASKER_SECONDS = 0.01;

/**
 * The events that are clicks: not a musical onset (`isOnset`), and standing out of the sound they sit in: peak (departure from the restored signal) no more than
 * 40 dB below the RMS of the 10 ms either side. A step of a ten-thousandth of full scale inside a −30 dBFS
 * electric piano is a glitch of the instrument's rendering nobody hears; the same step in silence is a click.
 */
function clicksAmong(x: Float32Array, sampleRate: number, events: ClickEvent[]): ClickEvent[] {
  const w = Math.round(MASKER_SECONDS * sampleRate);
  const floor = 10 ** (MASKED_DB / 20);
  return events.filter((e) => {
    if (isOnset(x, e, sampleRate)) return false;
    const lo = Math.max(0, e.start - w);
    const hi = Math.min(x.length, e.start + e.length + w);
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += x[i] * x[i];
    return e.peak >= floor * Math.sqrt(sum / Math.max(1, hi - lo));
  });
}

/**
 * Samples per block of the detector (one AR model each, fitted over twice that around it). A scan of part of
 * a channel finds the same events as the whole channel's scan only when it starts on a multiple of this.
 */
export const CLICK_BLOCK = 2048;
const BLOCK = CLICK_BLOCK;

/**
 * How far (samples) the detection of an event reaches into the signal around it: the AR fit of its block and
 * the next (2 blocks), the local scale (±2 sub-blocks of 256), the periodicity check (±20 ms), the onset check
 * (30 ms after) and the restoration context (1024). Beyond this the samples do not change what is found.
 * Rounded up generously: a chunked scan uses it as its margin.
 */
export function clickReach(sampleRate: number): number {
  return 2 * BLOCK + 3 * SCALE_BLOCK + 1024 + Math.ceil(0.06 * sampleRate);
}

/**
 * The detector itself: events without their peaks.
 * @param only when given, only these blocks (index = sample / BLOCK) are searched.
 */
function findClicks(
  x: Float32Array,
  sampleRate: number,
  options: ClickDetectionOptions,
  only?: ReadonlySet<number>,
): ClickEvent[] {
  const k = clickThreshold(options.sensitivity);
  const p = arOrderFor(sampleRate);
  const n = x.length;
  if (n < 8 * p) return [];
  const block = BLOCK;
  const flagsF = new Uint8Array(n);
  const flagsB = new Uint8Array(n);
  const ef = new Float64Array(n);
  const eb = new Float64Array(n);
  for (let b0 = 0; b0 < n; b0 += block) {
    if (only && !only.has(b0 / block)) continue;
    const b1 = Math.min(n, b0 + block);
    const a = estimateAr(x, b0 - block / 2, b1 + block / 2, p);
    forwardError(x, a, b0, b1, ef.subarray(b0, b1));
    backwardError(x, a, b0, b1, eb.subarray(b0, b1));
  }
  const sf = localScale(ef);
  const sb = localScale(eb);
  for (let i = 0; i < n; i++) {
    if (Math.abs(ef[i]) > k * sf[i]) flagsF[i] = 1;
    if (Math.abs(eb[i]) > k * sb[i]) flagsB[i] = 1;
  }
  // Group flags closer than p into events; bracket each by its first forward and last backward flag.
  const events: ClickEvent[] = [];
  let i = 0;
  while (i < n) {
    if (!flagsF[i] && !flagsB[i]) {
      i++;
      continue;
    }
    const first = i;
    let last = i;
    let j = i + 1;
    while (j < n && j - last <= p) {
      if (flagsF[j] || flagsB[j]) last = j;
      j++;
    }
    let firstF = -1;
    let lastB = -1;
    for (let m = first; m <= last; m++) {
      if (flagsF[m] && firstF < 0) firstF = m;
      if (flagsB[m]) lastB = m;
    }
    let start = firstF >= 0 ? firstF : first;
    let end = lastB >= 0 ? lastB : last;
    if (end < start) {
      start = Math.min(start, end);
      end = Math.max(firstF, lastB);
    }
    // A lone flag in one direction only is the model's tail, not an event, unless it stands far out.
    if (firstF >= 0 && lastB >= 0) {
      if (periodicity(ef, start, end, p, sampleRate) <= PERIODIC)
        events.push({ start, length: end - start + 1, peak: 0 });
    }
    i = last + 1;
  }
  return events;
}

/** Events whose prediction error correlates more than this with itself a period away are voice, not clicks. */
const PERIODIC = 0.5;
/**
 * A period away, a voice's next pulse carries about the energy of this one; a click's surroundings carry far
 * less. Lags whose window holds less than this share of the event's energy are not a repeat of it: over a
 * thousand lags of noise-like prediction error, some correlate above PERIODIC by chance alone (a short
 * window's normalised correlation spreads as 1/√length), which hid clicks in hiss.
 */
const PARTNER_ENERGY = 0.1;

/**
 * How closely the prediction error around an event repeats one pitch period earlier or later (normalised
 * correlation, 0 … 1, best lag between 0.5 ms and 20 ms). Voiced sound leaves a pulse in the prediction error
 * every period — at a note's onset the first pulse looks just like a click — while a click happens once.
 */
function periodicity(e: Float64Array, start: number, end: number, p: number, sampleRate: number): number {
  const s = Math.max(0, start - 8);
  const t = Math.min(e.length, end + p + 1);
  let own = 0;
  for (let m = s; m < t; m++) own += e[m] * e[m];
  if (!(own > 0)) return 0;
  const minLag = Math.max(end - start + p + 8, Math.round(0.0005 * sampleRate));
  const maxLag = Math.round(0.02 * sampleRate);
  let best = 0;
  for (const dir of [-1, 1]) {
    for (let lag = minLag; lag <= maxLag; lag++) {
      const d = dir * lag;
      if (s + d < 0 || t + d > e.length) continue;
      let cross = 0;
      let other = 0;
      for (let m = s; m < t; m++) {
        cross += e[m] * e[m + d];
        other += e[m + d] * e[m + d];
      }
      if (other > PARTNER_ENERGY * own) best = Math.max(best, cross / Math.sqrt(own * other));
    }
  }
  return best;
}

/** A sound that goes on this much louder after an event than before it is a new sound, not a click (dB). */
const ONSET_DB = 6;
/** Where the sound after an event is measured: from this long after it … */
const SUSTAIN_FROM_SECONDS = 0.005;
/** … to this long after it; and the sound before it over this long. */
const SUSTAIN_TO_SECONDS = 0.03;

/**
 * True when the event starts a sound rather than interrupting one. A new sound: the 5 to 30 ms after the event
 * are ONSET_DB louder than the 25 ms before it (and so is its first 5 ms), or they are ONSET_DB less
 * predictable by the AR model of those 25 ms than the 25 ms themselves (a new note over the ringing of the
 * old ones: not much louder, but other pitches). And the event's own departure from the restored signal is
 * no larger than the RMS of that new sound. A drum hit or a struck note begins with a broadband, click-like
 * edge, but its energy goes on at once as a decaying tone of which the edge is a part; a click is over within
 * a millisecond or two, leaves the sound around it as it was (taking it out by interpolation leaves a
 * consistent signal), and stands out of whatever follows it even when it falls where a phrase begins.
 */
function isOnset(x: Float32Array, e: ClickEvent, sampleRate: number): boolean {
  const from = Math.round(SUSTAIN_FROM_SECONDS * sampleRate);
  const to = Math.round(SUSTAIN_TO_SECONDS * sampleRate);
  const end = e.start + e.length - 1;
  const margin = 2 + (e.length >> 2);
  const ms = (a: number, b: number) => {
    const lo = Math.max(0, a);
    const hi = Math.min(x.length, b);
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += x[i] * x[i];
    return hi > lo ? sum / (hi - lo) : 0;
  };
  const rise = 10 ** (ONSET_DB / 10);
  const b1 = e.start - margin;
  const b0 = Math.max(0, b1 - (to - from));
  const right = ms(end + 1 + margin, end + 1 + margin + from);
  const sustained = ms(end + 1 + from, end + 1 + to);
  if (!(e.peak * e.peak <= Math.max(right, sustained))) return false;
  const before = ms(b0, b1);
  if (right > before * rise && sustained > before * rise) return true;
  // Prediction from the sound before.
  const p = arOrderFor(sampleRate);
  const s0 = end + 1 + from;
  const s1 = Math.min(x.length, end + 1 + to);
  if (b1 - b0 < 4 * p || s1 - s0 < p) return false;
  const a = estimateAr(x, b0, b1, p);
  const predictionMs = (lo: number, hi: number) => {
    const err = new Float64Array(hi - lo);
    forwardError(x, a, lo, hi, err);
    let sum = 0;
    for (let i = 0; i < err.length; i++) sum += err[i] * err[i];
    return sum / err.length;
  };
  return predictionMs(s0, s1) > predictionMs(b0 + p, b1) * rise;
}

/** Sub-block length for the local scale of the prediction error, samples. */
const SCALE_BLOCK = 256;
/** Smallest scale: the prediction error of 20-bit quantisation noise (clicks below −100 dBFS do not matter). */
const SCALE_FLOOR = 1e-5;

/**
 * Local robust scale of the prediction error at every sample: σ = 1.4826 · median |e| over 256-sample
 * sub-blocks, then the largest of the sub-block and its two neighbours on each side (so the quiet part of a
 * block never sets the threshold for the note that starts inside it). A click is too short to move a median.
 */
function localScale(e: Float64Array): Float32Array {
  const n = e.length;
  const blocks = Math.ceil(n / SCALE_BLOCK);
  const med = new Float64Array(blocks);
  const scratch = new Float64Array(SCALE_BLOCK);
  for (let b = 0; b < blocks; b++) {
    const s = b * SCALE_BLOCK;
    const len = Math.min(SCALE_BLOCK, n - s);
    for (let i = 0; i < len; i++) scratch[i] = Math.abs(e[s + i]);
    const v = scratch.subarray(0, len).sort();
    med[b] = Math.max(SCALE_FLOOR, 1.4826 * v[len >> 1]);
  }
  const out = new Float32Array(n);
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    for (let d = -2; d <= 2; d++) if (b + d >= 0 && b + d < blocks) m = Math.max(m, med[b + d]);
    out.fill(m, b * SCALE_BLOCK, Math.min(n, (b + 1) * SCALE_BLOCK));
  }
  return out;
}

/** Fills in each event's peak: the largest difference between the input and its restoration. */
function measurePeaks(x: Float32Array, restored: Float32Array, events: ClickEvent[]): void {
  for (const ev of events) {
    let peak = 0;
    for (let i = ev.start; i < ev.start + ev.length; i++) peak = Math.max(peak, Math.abs(x[i] - restored[i]));
    ev.peak = peak;
  }
}

/** Samples restored on either side of a detected span (detection finds the loud core of a click). */
function padFor(length: number): number {
  return 2 + (length >> 2);
}

/**
 * Restores every event's span (plus a small margin) by least-squares AR interpolation, with models fitted
 * by least squares to the undamaged samples around each event.
 * @returns a new array; `x` is not changed.
 */
export function restoreClicks(
  x: Float32Array,
  sampleRate: number,
  events: readonly ClickEvent[],
): Float32Array {
  const out = new Float32Array(x);
  if (events.length === 0) return out;
  const p = arOrderFor(sampleRate);
  const n = x.length;
  const damaged = new Uint8Array(n);
  const spans = events.map((ev) => {
    const pad = padFor(ev.length);
    const s = Math.max(0, ev.start - pad);
    const e = Math.min(n, ev.start + ev.length + pad);
    damaged.fill(1, s, e);
    return [s, e] as const;
  });
  const isDamaged = (i: number) => i < 0 || i >= n || damaged[i] === 1;
  const context = 1024;
  const work = new Float64Array(x);
  // Neighbouring events share one solve when their rows overlap.
  let g = 0;
  while (g < spans.length) {
    let h = g;
    while (h + 1 < spans.length && spans[h + 1][0] - spans[h][1] <= 2 * p) h++;
    const s = spans[g][0];
    const e = spans[h][1];
    const a =
      estimateArCovariance(work, s - context, e + context, p, isDamaged) ??
      estimateAr(x, s - context, e + context, p);
    const unknown: number[] = [];
    for (let m = g; m <= h; m++) for (let i = spans[m][0]; i < spans[m][1]; i++) unknown.push(i);
    interpolateAr(work, Int32Array.from(unknown), () => a, s - p, e + p);
    for (const i of unknown) out[i] = work[i];
    g = h + 1;
  }
  return out;
}

/** Result of declicking one channel. */
export interface DeclickResult {
  /** The restored channel (a new array). */
  output: Float32Array;
  /** What was found and restored. */
  events: ClickEvent[];
}

/**
 * Detects and restores clicks in one channel, in two passes: the second searches again, in the blocks where
 * the first found something, what the first pass's damaged models hid.
 * @param options.events the first pass's events when already known (from `detectClicks` on this same `x`).
 */
export function declick(
  x: Float32Array,
  sampleRate: number,
  options: ClickDetectionOptions & { events?: readonly ClickEvent[] } = {},
): DeclickResult {
  const first = options.events ? options.events.map((e) => ({ ...e })) : detectClicks(x, sampleRate, options);
  let output = restoreClicks(x, sampleRate, first);
  const blocks = new Set<number>();
  for (const e of first) {
    const b = Math.floor(e.start / BLOCK);
    for (let d = -1; d <= 1; d++) if (b + d >= 0) blocks.add(b + d);
  }
  let second = blocks.size ? findClicks(output, sampleRate, options, blocks) : [];
  if (second.length) {
    measurePeaks(output, restoreClicks(output, sampleRate, second), second);
    second = clicksAmong(output, sampleRate, second);
  }
  if (second.length) output = restoreClicks(output, sampleRate, second);
  const events = mergeEvents(first, second);
  measurePeaks(x, output, events);
  return { output, events };
}

/** Union of two event lists (overlapping or touching spans become one), in time order. */
export function mergeEvents(a: readonly ClickEvent[], b: readonly ClickEvent[]): ClickEvent[] {
  const all = [...a, ...b].sort((u, v) => u.start - v.start);
  const out: ClickEvent[] = [];
  for (const ev of all) {
    const last = out[out.length - 1];
    if (last && ev.start <= last.start + last.length) {
      const end = Math.max(last.start + last.length, ev.start + ev.length);
      last.length = end - last.start;
      last.peak = Math.max(last.peak, ev.peak);
    } else out.push({ ...ev });
  }
  return out;
}

/** Crackle in a channel: the events that are bursts of dense short clicks. */
export interface CrackleReport {
  /** Number of crackle bursts. */
  count: number;
  /** Bursts per second over the whole channel. */
  perSecond: number;
  /** The bursts. */
  events: ClickEvent[];
}

/** Picks the crackle bursts (events longer than CRACKLE_MIN_SECONDS) out of a click list. */
export function crackleOf(events: readonly ClickEvent[], frames: number, sampleRate: number): CrackleReport {
  const min = CRACKLE_MIN_SECONDS * sampleRate;
  const bursts = events.filter((e) => e.length > min);
  return {
    count: bursts.length,
    perSecond: frames > 0 ? bursts.length / (frames / sampleRate) : 0,
    events: bursts,
  };
}
