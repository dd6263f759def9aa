import { KWeighting } from "./k-weighting.ts";

/** BS.1770 offset so a 1 kHz sine at −x dBFS peak on both stereo channels reads −x LUFS. */
const LUFS_OFFSET = -0.691;
/** Absolute gate, in LUFS (BS.1770-4 and EBU Tech 3342). */
const ABSOLUTE_GATE = -70;
/** Relative gate below the ungated mean for integrated loudness, in LU. */
const RELATIVE_GATE_INTEGRATED = -10;
/** Relative gate for loudness range (EBU Tech 3342), in LU. */
const RELATIVE_GATE_RANGE = -20;
/** Sub-blocks (100 ms) per momentary window (400 ms) and per short-term window (3 s). */
const MOMENTARY_SUBBLOCKS = 4;
const SHORT_TERM_SUBBLOCKS = 30;

/** Mean-square power → LUFS (−Infinity for silence). */
export function powerToLufs(power: number): number {
  return power > 0 ? LUFS_OFFSET + 10 * Math.log10(power) : Number.NEGATIVE_INFINITY;
}

/** LUFS → mean-square power. */
export function lufsToPower(lufs: number): number {
  return 10 ** ((lufs - LUFS_OFFSET) / 10);
}

/**
 * BS.1770-4 channel weights by position in the file's channel order: 1.0 for front channels, 1.41 (+1.5 dB)
 * for the surrounds and 0 for the LFE of 5.0 (L R C Ls Rs) and 5.1 (L R C LFE Ls Rs) layouts; 1.0 otherwise.
 * With a WAVE_FORMAT_EXTENSIBLE mask the speaker positions come from the mask instead.
 */
export function channelWeights(channels: number, channelMask?: number): number[] {
  if (channelMask) {
    // Speaker bits in WAV order: FL FR FC LFE BL BR FLC FRC BC SL SR …
    const w: number[] = [];
    for (let bit = 0; bit < 32 && w.length < channels; bit++) {
      if (!(channelMask & (1 << bit))) continue;
      if (bit === 3) w.push(0);
      else if (bit === 4 || bit === 5 || bit === 9 || bit === 10) w.push(1.41);
      else w.push(1);
    }
    while (w.length < channels) w.push(1);
    return w;
  }
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  return new Array(channels).fill(1);
}

/** Growable list of doubles: block powers kept for gating (8 bytes per 100 ms, 288 KB per hour). */
class DoubleList {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** The loudness readings of a programme. */
export interface LoudnessResult {
  /** Gated integrated loudness (BS.1770-4), LUFS; −Infinity when everything is below the absolute gate. */
  integratedLufs: number;
  /** Loudness range (EBU Tech 3342), LU; 0 when too short or too quiet to tell. */
  loudnessRangeLu: number;
  /** Largest momentary (400 ms) loudness, LUFS. */
  maxMomentaryLufs: number;
  /** Largest short-term (3 s) loudness, LUFS. */
  maxShortTermLufs: number;
}

/**
 * Streaming BS.1770-4 / EBU R128 loudness meter. Signal is K-weighted, its channel-weighted power summed
 * per 100 ms sub-block; momentary and short-term readings are sliding means over 4 and 30 sub-blocks, so
 * both update every 100 ms (the gating blocks overlap by 75 %, as the recommendation requires).
 * Sub-block edges fall at round(k·rate/10), so rates that are not multiples of 10 Hz stay exact on average.
 */
export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channels: number;
  private readonly weights: number[];
  private readonly filters: KWeighting[];
  private readonly pair = new Float64Array(2);
  /** Samples processed so far, and where the current sub-block ends. */
  private position = 0;
  private subIndex = 0;
  private subEnd: number;
  private subStart = 0;
  private subEnergy = 0;
  /** Ring of the last 30 sub-blocks' weighted energy and sample counts. */
  private readonly ringEnergy = new Float64Array(SHORT_TERM_SUBBLOCKS);
  private readonly ringCount = new Float64Array(SHORT_TERM_SUBBLOCKS);
  /** Momentary and short-term mean powers, one per completed sub-block (every 100 ms). */
  readonly momentary = new DoubleList();
  readonly shortTerm = new DoubleList();

  /**
   * @param sampleRate Hz, 8 000 … 384 000.
   * @param channels 1 … 64.
   * @param weights per-channel weights; default from `channelWeights(channels)`.
   */
  constructor(sampleRate: number, channels: number, weights?: number[]) {
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.weights = weights ?? channelWeights(channels);
    this.filters = Array.from({ length: channels }, () => new KWeighting(sampleRate));
    this.subEnd = this.edge(1);
  }

  private edge(k: number): number {
    return Math.round((k * this.sampleRate) / 10);
  }

  /** Feeds `frames` frames of planar audio. */
  process(input: readonly Float32Array[], frames: number): void {
    let offset = 0;
    const w = this.weights;
    const pair = this.pair;
    while (offset < frames) {
      const n = Math.min(frames - offset, this.subEnd - this.position);
      let e = 0;
      // Channels in pairs where both count (one loop, twice the work per wait), the sums added in order.
      for (let c = 0; c < this.channels; c++) {
        if (w[c] === 0) continue; // the LFE: not counted, so not filtered either
        if (c + 1 < this.channels && w[c + 1] !== 0) {
          KWeighting.energyPair(
            this.filters[c],
            this.filters[c + 1],
            input[c],
            input[c + 1],
            offset,
            n,
            pair,
          );
          e += w[c] * pair[0];
          e += w[c + 1] * pair[1];
          c++;
        } else {
          e += w[c] * this.filters[c].energy(input[c], offset, n);
        }
      }
      this.subEnergy += e;
      this.position += n;
      offset += n;
      if (this.position === this.subEnd) this.closeSubBlock();
    }
  }

  private closeSubBlock(): void {
    const slot = this.subIndex % SHORT_TERM_SUBBLOCKS;
    this.ringEnergy[slot] = this.subEnergy;
    this.ringCount[slot] = this.subEnd - this.subStart;
    this.subIndex++;
    this.subEnergy = 0;
    this.subStart = this.subEnd;
    this.subEnd = this.edge(this.subIndex + 1);
    this.momentary.push(this.windowPower(MOMENTARY_SUBBLOCKS));
    this.shortTerm.push(this.windowPower(SHORT_TERM_SUBBLOCKS));
  }

  /** Mean power over the last `n` sub-blocks; before the window is full, the missing part counts as silence. */
  private windowPower(n: number): number {
    let e = 0;
    let count = 0;
    const have = Math.min(n, this.subIndex);
    for (let i = 1; i <= have; i++) {
      const slot = (this.subIndex - i) % SHORT_TERM_SUBBLOCKS;
      e += this.ringEnergy[slot];
      count += this.ringCount[slot];
    }
    return e / (have === n ? count : (n * this.sampleRate) / 10);
  }

  /** Number of complete 100 ms steps so far. */
  get steps(): number {
    return this.subIndex;
  }

  /** The readings over everything fed so far. */
  result(): LoudnessResult {
    const m = this.momentary.view();
    const s = this.shortTerm.view();
    // Gating blocks: complete 400 ms windows only.
    const blocks = m.subarray(Math.min(m.length, MOMENTARY_SUBBLOCKS - 1));
    const integratedLufs = gatedMean(blocks, RELATIVE_GATE_INTEGRATED);
    const stBlocks = s.subarray(Math.min(s.length, SHORT_TERM_SUBBLOCKS - 1));
    return {
      integratedLufs,
      loudnessRangeLu: loudnessRange(stBlocks),
      maxMomentaryLufs: powerToLufs(maxOf(m)),
      maxShortTermLufs: powerToLufs(maxOf(s)),
    };
  }

  reset(): void {
    for (const f of this.filters) f.reset();
    this.position = 0;
    this.subIndex = 0;
    this.subStart = 0;
    this.subEnd = this.edge(1);
    this.subEnergy = 0;
    this.ringEnergy.fill(0);
    this.ringCount.fill(0);
    this.momentary.length = 0;
    this.shortTerm.length = 0;
  }
}

function maxOf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** BS.1770-4 two-stage gating: absolute −70 LUFS, then relative to the mean of what passed. */
export function gatedMean(powers: Float64Array, relativeGateLu: number): number {
  const abs = lufsToPower(ABSOLUTE_GATE);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < powers.length; i++) {
    if (powers[i] > abs) {
      sum += powers[i];
      n++;
    }
  }
  if (n === 0) return Number.NEGATIVE_INFINITY;
  const rel = (sum / n) * 10 ** (relativeGateLu / 10);
  let sum2 = 0;
  let n2 = 0;
  for (let i = 0; i < powers.length; i++) {
    if (powers[i] > abs && powers[i] > rel) {
      sum2 += powers[i];
      n2++;
    }
  }
  return n2 ? powerToLufs(sum2 / n2) : Number.NEGATIVE_INFINITY;
}

/**
 * EBU Tech 3342 loudness range from short-term powers: absolute gate −70 LUFS, relative gate −20 LU
 * below their energy mean, then the spread between the 10th and 95th percentiles of the loudness values.
 */
export function loudnessRange(shortTermPowers: Float64Array): number {
  const abs = lufsToPower(ABSOLUTE_GATE);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < shortTermPowers.length; i++) {
    if (shortTermPowers[i] > abs) {
      sum += shortTermPowers[i];
      n++;
    }
  }
  if (n === 0) return 0;
  const rel = (sum / n) * 10 ** (RELATIVE_GATE_RANGE / 10);
  const kept: number[] = [];
  for (let i = 0; i < shortTermPowers.length; i++) {
    const p = shortTermPowers[i];
    if (p > abs && p > rel) kept.push(powerToLufs(p));
  }
  if (kept.length < 2) return 0;
  kept.sort((a, b) => a - b);
  const at = (q: number) => kept[Math.round((kept.length - 1) * q)];
  return at(0.95) - at(0.1);
}
