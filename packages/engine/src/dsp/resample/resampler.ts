/**
 * Streaming sample-rate converter: polyphase Kaiser-windowed sinc. Rational ratios (every pair of integer
 * rates whose reduced ratio has at most 8192 phases, e.g. 44.1k→48k = 160/147) use an exact precomputed
 * phase table; any other ratio uses a finer table with linear interpolation between phases.
 */
import { designKernel, type KernelDesign, kernelTable, type ResampleQuality } from "./kernel.ts";

export interface ResamplerOptions {
  /** Input sample rate, Hz (8 000 … 384 000; need not be an integer). */
  fromRate: number;
  /** Output sample rate, Hz (8 000 … 384 000; need not be an integer). */
  toRate: number;
  /** Channels (1 … 64), planar. */
  channels: number;
  /**
   * `high` (default): alias/image rejection ≥ 100 dB, passband flat within 0.01 dB to 0.45 × the lower rate,
   * transition band up to the lower rate's Nyquist. `medium`: ≥ 80 dB, flat to 0.43×. `low`: ≥ 60 dB, 0.40×.
   */
  quality?: ResampleQuality;
}

/** Largest exact phase table: phases, and phases × taps (floats). */
const MAX_PHASES = 8192;
const MAX_TABLE = 1 << 22;
/** Phases of the interpolated table (arbitrary ratios), bounded by the same memory. */
const INTERP_PHASES_MAX = 4096;
const INTERP_PHASES_MIN = 512;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function checkRate(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 8000 || v > 384000) {
    throw new RangeError(
      `resampler ${name}: must be a sample rate between 8000 and 384000 Hz, got ${String(v)}`,
    );
  }
  return v;
}

/**
 * Converts planar audio between two sample rates, block by block. Output is **aligned**: output sample n is
 * the band-limited input at time n · fromRate / toRate input samples (output 0 is input 0), whatever the
 * block sizes — results are bit-identical for any way of cutting the input. The kernel looks ahead
 * `latencyInputFrames` input samples, so each `process` call holds back about `latency` output frames;
 * `flush()` releases them (treating the input as followed by silence) and ends the stream, for a total of
 * exactly round(inputFrames · toRate / fromRate) output frames. A host that needs a constant-delay stream
 * instead prepends `round(latency)` zeros.
 */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly channels: number;
  readonly quality: ResampleQuality;
  /** Taps per output sample (0 when the rates are equal: a copy). */
  readonly taps: number;
  /** Exact rational ratio toRate/fromRate = up/down, or null for an arbitrary ratio (interpolated table). */
  readonly rational: { up: number; down: number } | null;
  /** The kernel (taps, cut-off in cycles per input sample, Kaiser β); null when the rates are equal. */
  readonly design: KernelDesign | null;
  private readonly table: Float32Array;
  /** Interpolated mode: table row differences, row count, input step per output. */
  private readonly diff: Float32Array;
  private readonly phases: number;
  private readonly step: number;
  /** Input history per channel; hist[0] is input sample `histStart` (negative before the start: zeros). */
  private hist: Float32Array[];
  private histStart = 0;
  private histLen = 0;
  /** Input frames received, output frames produced. */
  private inCount = 0;
  private outCount = 0;
  /** Rational mode: next output's input sample and phase (output m sits at (m·down)/up input samples). */
  private nextBase = 0;
  private nextPhase = 0;

  constructor(options: ResamplerOptions) {
    if (typeof options !== "object" || options === null) {
      throw new RangeError("resampler: needs options { fromRate, toRate, channels }");
    }
    this.fromRate = checkRate("fromRate", options.fromRate);
    this.toRate = checkRate("toRate", options.toRate);
    const ch = options.channels;
    if (!(Number.isInteger(ch) && ch >= 1 && ch <= 64)) {
      throw new RangeError(`resampler channels: must be an integer between 1 and 64, got ${String(ch)}`);
    }
    this.channels = ch;
    const q = options.quality ?? "high";
    if (q !== "high" && q !== "medium" && q !== "low") {
      throw new RangeError(`resampler quality: must be one of high, medium, low, got ${JSON.stringify(q)}`);
    }
    this.quality = q;
    this.step = this.fromRate / this.toRate;
    if (this.fromRate === this.toRate) {
      this.design = null;
      this.taps = 0;
      this.rational = { up: 1, down: 1 };
      this.table = new Float32Array(0);
      this.diff = new Float32Array(0);
      this.phases = 1;
    } else {
      const d = designKernel(this.fromRate, this.toRate, q);
      this.design = d;
      this.taps = d.taps;
      let rational: { up: number; down: number } | null = null;
      if (Number.isInteger(this.fromRate) && Number.isInteger(this.toRate)) {
        const g = gcd(this.fromRate, this.toRate);
        const up = this.toRate / g;
        if (up <= MAX_PHASES && up * d.taps <= MAX_TABLE) rational = { up, down: this.fromRate / g };
      }
      this.rational = rational;
      if (rational) {
        this.phases = rational.up;
        this.table = kernelTable(d, rational.up, false);
        this.diff = new Float32Array(0);
      } else {
        const p = Math.min(INTERP_PHASES_MAX, Math.max(INTERP_PHASES_MIN, Math.floor(MAX_TABLE / d.taps)));
        this.phases = p;
        this.table = kernelTable(d, p, true);
        this.diff = new Float32Array(p * d.taps);
        for (let i = 0; i < this.diff.length; i++) this.diff[i] = this.table[i + d.taps] - this.table[i];
      }
    }
    this.hist = [];
    this.reset();
  }

  /** Input frames the kernel looks ahead: an output is ready once the input this far past it has arrived. */
  get latencyInputFrames(): number {
    return this.taps / 2;
  }

  /** The look-ahead (group delay of the kernel) in output frames: what `process` holds back until `flush`. */
  get latency(): number {
    return (this.taps / 2) * (this.toRate / this.fromRate);
  }

  /** Output frames produced so far in this stream. */
  get framesOut(): number {
    return this.outCount;
  }

  /** Input frames received so far in this stream. */
  get framesIn(): number {
    return this.inCount;
  }

  /** Total output frames a stream of `inputFrames` input frames yields after `flush`: round(n · to/from). */
  outputLengthFor(inputFrames: number): number {
    if (this.rational) {
      const { up, down } = this.rational;
      return Math.floor((2 * inputFrames * up + down) / (2 * down));
    }
    return Math.round((inputFrames * this.toRate) / this.fromRate);
  }

  /** Starts a new stream: clears the history (as if preceded by silence) and the counters. */
  reset(): void {
    const pre = this.taps > 0 ? this.taps / 2 - 1 : 0;
    const cap = Math.max(1024, 2 * this.taps);
    this.hist = Array.from({ length: this.channels }, () => new Float32Array(cap));
    this.histStart = -pre;
    this.histLen = pre;
    this.inCount = 0;
    this.outCount = 0;
    this.nextBase = 0;
    this.nextPhase = 0;
  }

  /**
   * Converts the next `frames` frames of `input` (one array per channel, each at least `frames` long).
   * Returns the output frames that are ready (any count, possibly 0), one new array per channel.
   */
  process(input: readonly Float32Array[], frames: number = input[0]?.length ?? 0): Float32Array[] {
    if (!Array.isArray(input) || input.length !== this.channels) {
      throw new RangeError(
        `resampler input: expected ${this.channels} channel arrays, got ${Array.isArray(input) ? input.length : typeof input}`,
      );
    }
    if (!(Number.isInteger(frames) && frames >= 0)) {
      throw new RangeError(`resampler frames: must be a whole number ≥ 0, got ${frames}`);
    }
    for (let c = 0; c < this.channels; c++) {
      if (!(input[c] instanceof Float32Array) || input[c].length < frames) {
        throw new RangeError(`resampler input: channel ${c} has fewer than ${frames} samples`);
      }
    }
    if (this.taps === 0) {
      this.inCount += frames;
      this.outCount += frames;
      return input.map((x) => x.slice(0, frames));
    }
    this.append(input, frames);
    this.inCount += frames;
    return this.produce(this.availableOutputs(this.inCount - 1));
  }

  /**
   * Ends the stream: treats the input as followed by silence, returns the remaining output so the whole
   * stream has exactly `outputLengthFor(framesIn)` frames, then resets for a new stream.
   */
  flush(): Float32Array[] {
    const total = this.outputLengthFor(this.inCount);
    let out: Float32Array[];
    if (this.taps === 0) {
      out = Array.from({ length: this.channels }, () => new Float32Array(0));
    } else {
      // Zeros up to the last input sample the final output's kernel reaches.
      const lastBase = total > 0 ? this.baseOf(total - 1) : -1;
      const need = lastBase + this.taps / 2 + 1 - (this.histStart + this.histLen);
      if (need > 0) {
        this.ensureCapacity(need);
        for (const h of this.hist) h.fill(0, this.histLen, this.histLen + need);
        this.histLen += need;
      }
      out = this.produce(Math.max(0, total - this.outCount));
    }
    this.reset();
    return out;
  }

  /** Input sample at or before output m. */
  private baseOf(m: number): number {
    if (this.rational) return Math.floor((m * this.rational.down) / this.rational.up);
    return Math.floor(m * this.step);
  }

  /** Outputs computable when input up to sample `last` (inclusive) is in. */
  private availableOutputs(last: number): number {
    const maxBase = last - this.taps / 2;
    if (maxBase < 0) return 0;
    let m: number;
    if (this.rational) {
      const { up, down } = this.rational;
      // Largest m with floor(m·down/up) ≤ maxBase, i.e. m·down < (maxBase+1)·up.
      m = Math.floor(((maxBase + 1) * up - 1) / down) + 1;
    } else {
      m = Math.ceil((maxBase + 1) / this.step);
      while (m > 0 && Math.floor((m - 1) * this.step) > maxBase) m--;
      while (Math.floor(m * this.step) <= maxBase) m++;
    }
    return Math.max(0, m - this.outCount);
  }

  private ensureCapacity(extra: number): void {
    const need = this.histLen + extra;
    if (this.hist[0].length >= need) return;
    let cap = this.hist[0].length;
    while (cap < need) cap *= 2;
    this.hist = this.hist.map((h) => {
      const n = new Float32Array(cap);
      n.set(h.subarray(0, this.histLen));
      return n;
    });
  }

  private append(input: readonly Float32Array[], frames: number): void {
    this.ensureCapacity(frames);
    for (let c = 0; c < this.channels; c++) this.hist[c].set(input[c].subarray(0, frames), this.histLen);
    this.histLen += frames;
  }

  /** Computes `count` outputs from the history, then drops input no later output needs. */
  private produce(count: number): Float32Array[] {
    const out = Array.from({ length: this.channels }, () => new Float32Array(count));
    if (count > 0) {
      if (this.rational) this.produceRational(out, count);
      else this.produceInterpolated(out, count);
      this.outCount += count;
    }
    const keepFrom = this.baseOf(this.outCount) - this.taps / 2 + 1 - this.histStart;
    if (keepFrom > 0) {
      const live = this.histLen - keepFrom;
      if (live > 0) for (const h of this.hist) h.copyWithin(0, keepFrom, this.histLen);
      this.histStart += keepFrom;
      this.histLen = Math.max(0, live);
    }
    return out;
  }

  private produceRational(out: Float32Array[], count: number): void {
    const { up, down } = this.rational!;
    const K = this.taps;
    const table = this.table;
    const offset0 = 1 - K / 2 - this.histStart;
    let base = this.nextBase;
    let phase = this.nextPhase;
    let c = 0;
    // Channels in pairs: each table tap is loaded once for two channels.
    for (; c + 1 < this.channels; c += 2) {
      const h = this.hist[c];
      const g = this.hist[c + 1];
      const y = out[c];
      const z = out[c + 1];
      base = this.nextBase;
      phase = this.nextPhase;
      for (let i = 0; i < count; i++) {
        const x0 = base + offset0;
        const r0 = phase * K;
        let a0 = 0;
        let a1 = 0;
        let b0 = 0;
        let b1 = 0;
        for (let j = 0; j < K; j += 2) {
          const t0 = table[r0 + j];
          const t1 = table[r0 + j + 1];
          a0 += h[x0 + j] * t0;
          a1 += h[x0 + j + 1] * t1;
          b0 += g[x0 + j] * t0;
          b1 += g[x0 + j + 1] * t1;
        }
        y[i] = a0 + a1;
        z[i] = b0 + b1;
        phase += down;
        while (phase >= up) {
          phase -= up;
          base++;
        }
      }
    }
    for (; c < this.channels; c++) {
      const h = this.hist[c];
      const y = out[c];
      base = this.nextBase;
      phase = this.nextPhase;
      for (let i = 0; i < count; i++) {
        const x0 = base + offset0;
        const r0 = phase * K;
        let a0 = 0;
        let a1 = 0;
        for (let j = 0; j < K; j += 2) {
          a0 += h[x0 + j] * table[r0 + j];
          a1 += h[x0 + j + 1] * table[r0 + j + 1];
        }
        y[i] = a0 + a1;
        phase += down;
        while (phase >= up) {
          phase -= up;
          base++;
        }
      }
    }
    this.nextBase = base;
    this.nextPhase = phase;
  }

  private produceInterpolated(out: Float32Array[], count: number): void {
    const K = this.taps;
    const P = this.phases;
    const table = this.table;
    const diff = this.diff;
    const offset0 = 1 - K / 2 - this.histStart;
    const m0 = this.outCount;
    for (let c = 0; c < this.channels; c++) {
      const h = this.hist[c];
      const y = out[c];
      for (let i = 0; i < count; i++) {
        // Position from the output index directly (no accumulated rounding error over long streams).
        const t = (m0 + i) * this.step;
        const base = Math.floor(t);
        const pf = (t - base) * P;
        const p = Math.min(P - 1, Math.floor(pf));
        const a = pf - p;
        const x0 = base + offset0;
        const r0 = p * K;
        let s0 = 0;
        let s1 = 0;
        for (let j = 0; j < K; j += 2) {
          s0 += h[x0 + j] * (table[r0 + j] + a * diff[r0 + j]);
          s1 += h[x0 + j + 1] * (table[r0 + j + 1] + a * diff[r0 + j + 1]);
        }
        y[i] = s0 + s1;
      }
    }
  }
}

/**
 * Converts whole planar channels from `fromRate` to `toRate` (same filter as `Resampler`). Output has exactly
 * round(length · toRate / fromRate) frames, aligned: output n is the input at time n · fromRate / toRate.
 */
export function resampleChannels(
  channels: readonly Float32Array[],
  fromRate: number,
  toRate: number,
  quality: ResampleQuality = "high",
): Float32Array[] {
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new RangeError("resampleChannels channels: needs at least one channel");
  }
  const n = channels[0].length;
  for (const [c, ch] of channels.entries()) {
    if (!(ch instanceof Float32Array) || ch.length !== n) {
      throw new RangeError(`resampleChannels channels: channel ${c} is not a Float32Array of ${n} samples`);
    }
  }
  const r = new Resampler({ fromRate, toRate, channels: channels.length, quality });
  const a = r.process(channels, n);
  const b = r.flush();
  return a.map((x, c) => {
    const y = new Float32Array(x.length + b[c].length);
    y.set(x);
    y.set(b[c], x.length);
    return y;
  });
}
