/**
 * Declip: clipped runs are plateaus at the channel's extreme values (positive and negative levels found
 * separately, whatever they are); their samples are reconstructed by least-squares AR interpolation from the
 * unclipped samples around them, constrained to stay beyond the clip level with the plateau's sign (a clipped
 * sample was at least that loud) — a least-squares problem with bounds, solved by an active set (samples held
 * at the level while the fit wants them inside it, let go when it wants them further out). The result may exceed the old clip level; `fitGain` lowers the whole channel
 * set so it stays inside full scale.
 */
import { gainToDb } from "../core/db.ts";
import { arOrderFor, estimateAr, interpolateAr } from "./ar-model.ts";

/** Clipping found in one channel. */
export interface ClippingReport {
  /** Clipped runs (consecutive samples at a clip level). */
  runs: number;
  /** Clipped samples in all. */
  samples: number;
  /** The clip level (the larger of the positive and negative one), linear full scale; 0 when none. */
  level: number;
  /** `level` in dBFS. */
  levelDb: number;
  /** Positive clip level, or null when the positive side is not clipped. */
  positiveLevel: number | null;
  /** Negative clip level (a negative number), or null when the negative side is not clipped. */
  negativeLevel: number | null;
  /** Each run as [first sample, length]. */
  spans: [start: number, length: number][];
}

/** Values within this of the extreme count as on the plateau (a 20-bit step: allows for requantisation). */
export const LEVEL_TOLERANCE = 2 ** -20;
/** The quietest level taken for clipping (−40 dBFS); below it a flat top is silence or a synthetic shape. */
export const MIN_LEVEL = 0.01;

/**
 * How far past the plateau level a run's edges point (linear): the slopes of the two samples before the run
 * and the two after it, extended to the run's middle — the smaller of the two. A clipped wave was cut off on
 * its way up and comes back down as steeply, so this is a good part of what was cut; a natural peak (a slow
 * sine quantised, its top value held for a few samples) has edges a quantisation step or two apart, so this
 * is a step or two.
 */
function overshoot(x: Float32Array, start: number, length: number, sign: 1 | -1): number {
  if (start < 2 || start + length + 2 > x.length) return 0;
  return overshootOf(
    x[start - 2],
    x[start - 1],
    x[start],
    x[start + length],
    x[start + length + 1],
    length,
    sign,
  );
}

/**
 * `overshoot` from the five samples it looks at: the two before the run (`b2`, `b1`), the run's first (`first`)
 * and the two after it (`a0`, `a1`).
 */
export function overshootOf(
  b2: number,
  b1: number,
  first: number,
  a0: number,
  a1: number,
  length: number,
  sign: 1 | -1,
): number {
  const level = sign * first;
  const half = (length + 1) / 2;
  const up = sign * (b1 - b2);
  const down = sign * (a0 - a1);
  const left = sign * b1 + up * half - level;
  const right = sign * a0 + down * half - level;
  return Math.max(0, Math.min(left, right));
}

/** A run is cut off when its edges point this far beyond its level (0.1 dB of the level). */
export const CUT_FRACTION = 10 ** (0.1 / 20) - 1;
/** Runs cut off (by `overshoot`) needed before a side counts as clipped. */
export const MIN_CUT_RUNS = 3;

/**
 * Finds clipped runs: a side (positive or negative) is clipped when its extreme value (the channel's own
 * absolute peak on that side) is held for two or more consecutive samples in at least three places where the
 * wave was visibly cut off — the edges of the run point more than 0.1 dB beyond the level. Repeated sample
 * values at slow, quantised peaks below full scale are not clipping: their edges are flat. Once a side is
 * clipped, every sample at its level is counted.
 */
export function detectClipping(x: Float32Array): ClippingReport {
  let max = 0;
  let min = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v > max) max = v;
    else if (v < min) min = v;
  }
  const side = (level: number, sign: 1 | -1): number | null => {
    if (sign * level < MIN_LEVEL) return null;
    const cut = sign * level * CUT_FRACTION;
    let count = 0;
    let run = 0;
    let cutRuns = 0;
    for (let i = 0; i <= x.length; i++) {
      if (i < x.length && sign * x[i] >= sign * level - LEVEL_TOLERANCE) {
        count++;
        run++;
      } else {
        if (run >= 2 && overshoot(x, i - run, run, sign) > cut) cutRuns++;
        run = 0;
      }
    }
    return cutRuns >= MIN_CUT_RUNS && count >= 3 ? level : null;
  };
  const pos = side(max, 1);
  const neg = side(min, -1);
  const spans: [number, number][] = [];
  if (pos !== null || neg !== null) {
    let start = -1;
    let sign = 0;
    for (let i = 0; i <= x.length; i++) {
      const v = i < x.length ? x[i] : 0;
      const s =
        pos !== null && v >= pos - LEVEL_TOLERANCE ? 1 : neg !== null && v <= neg + LEVEL_TOLERANCE ? -1 : 0;
      if (s !== sign) {
        if (sign !== 0) spans.push([start, i - start]);
        start = i;
        sign = s;
      }
    }
  }
  return clippingReport(pos, neg, spans);
}

/**
 * The report of a channel's clipping from its clip levels (null: that side is not clipped) and its clipped runs
 * in time order — as `detectClipping` finds them, and as `ClippingRuns` (clipping-runs.ts) gathers them in pieces.
 */
export function clippingReport(
  pos: number | null,
  neg: number | null,
  spans: [start: number, length: number][],
): ClippingReport {
  let samples = 0;
  for (const [, length] of spans) samples += length;
  const level = Math.max(pos ?? 0, -(neg ?? 0));
  return {
    runs: spans.length,
    samples,
    level,
    levelDb: gainToDb(level),
    positiveLevel: pos,
    negativeLevel: neg,
    spans,
  };
}

/** What declipping one channel did. */
export interface DeclipResult {
  /** The reconstructed channel (a new array; may exceed ±1 unless gain is applied afterwards). */
  output: Float32Array;
  /** What was found. */
  clipping: ClippingReport;
  /** Largest |sample| after reconstruction (before any gain). */
  peakAfter: number;
}

/** Model fits per clipped stretch: one from the clipped signal, then refits on the filled-in signal. */
const REFITS = 3;

/** Longest stretch (samples) reconstructed in one solve; longer clipped passages are done in pieces. */
const MAX_CHAIN = 4096;

/**
 * Reconstructs the clipped samples of one channel.
 * @param clipping what `detectClipping` found (found again when omitted).
 */
export function declip(x: Float32Array, sampleRate: number, clipping = detectClipping(x)): DeclipResult {
  const out = new Float32Array(x);
  const spans = clipping.spans;
  if (spans.length === 0) return { output: out, clipping, peakAfter: peak(out) };
  const p = arOrderFor(sampleRate);
  const n = x.length;
  const clipped = new Uint8Array(n);
  for (const [s, len] of spans) clipped.fill(1, s, s + len);
  const work = new Float64Array(x);
  const pos = clipping.positiveLevel;
  const neg = clipping.negativeLevel;
  const context = 1024;
  let g = 0;
  while (g < spans.length) {
    // Runs whose prediction rows overlap are solved together (up to MAX_CHAIN samples).
    let h = g;
    while (
      h + 1 < spans.length &&
      spans[h + 1][0] - (spans[h][0] + spans[h][1]) <= p &&
      spans[h + 1][0] + spans[h + 1][1] - spans[g][0] <= MAX_CHAIN
    )
      h++;
    const s = spans[g][0];
    const e = spans[h][0] + spans[h][1];
    const unknown: number[] = [];
    for (let m = g; m <= h; m++)
      for (let i = spans[m][0]; i < spans[m][0] + spans[m][1]; i++) unknown.push(i);
    const u = Int32Array.from(unknown);
    // First model from the clipped signal itself (autocorrelation method: always a stable filter); then,
    // alternately, a model of the filled-in signal and a new fill from it (each model sees the peaks the
    // previous fill restored). Converges in about three fits.
    let a = estimateAr(x, s - context, e + context, p);
    for (let pass = 0; pass < REFITS; pass++) {
      for (const i of unknown) work[i] = x[i];
      solveConstrained(work, x, u, a, s - p, e + p, pos, neg);
      if (pass + 1 < REFITS) a = estimateAr(work, s - context, e + context, p);
    }
    for (const i of unknown) out[i] = work[i];
    g = h + 1;
  }
  return { output: out, clipping, peakAfter: peak(out) };
}

/**
 * Least squares under the clip constraints by an active set: samples that come out inside the clip level are
 * held at it, and held samples whose hold costs prediction error (the gradient pulls them outwards) are let
 * go again, until neither happens (at most 12 rounds).
 */
function solveConstrained(
  work: Float64Array,
  x: Float32Array,
  u: Int32Array,
  a: Float64Array,
  rowStart: number,
  rowEnd: number,
  pos: number | null,
  neg: number | null,
): void {
  const p = a.length;
  const levelOf = (i: number): number =>
    pos !== null && x[i] >= pos - LEVEL_TOLERANCE ? pos : (neg as number);
  const held = new Uint8Array(u.length);
  const c = new Float64Array(p + 1);
  c[0] = 1;
  for (let k = 1; k <= p; k++) c[k] = -a[k - 1];
  for (let round = 0; round < 12; round++) {
    const free: number[] = [];
    for (let j = 0; j < u.length; j++) {
      if (held[j]) work[u[j]] = levelOf(u[j]);
      else free.push(u[j]);
    }
    interpolateAr(work, Int32Array.from(free), () => a, rowStart, rowEnd);
    let changed = false;
    for (let j = 0; j < u.length; j++) {
      if (held[j]) continue;
      const L = levelOf(u[j]);
      if ((L > 0 && work[u[j]] < L) || (L < 0 && work[u[j]] > L)) {
        held[j] = 1;
        work[u[j]] = L;
        changed = true;
      }
    }
    if (changed) continue;
    // Let go of held samples the objective wants further out than the level.
    for (let j = 0; j < u.length; j++) {
      if (!held[j]) continue;
      const i = u[j];
      let grad = 0;
      for (let k = 0; k <= p; k++) {
        const n = i + k;
        if (n < Math.max(rowStart, p) || n >= Math.min(rowEnd, work.length)) continue;
        let e = 0;
        for (let m = 0; m <= p; m++) e += c[m] * work[n - m];
        grad += c[k] * e;
      }
      const L = levelOf(i);
      if ((L > 0 && grad < 0) || (L < 0 && grad > 0)) {
        held[j] = 0;
        changed = true;
      }
    }
    if (!changed) break;
  }
}

function peak(x: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}
