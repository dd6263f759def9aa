import { type BiquadCoefficients, designBiquad, IDENTITY } from "../../core/biquad.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { DelayLine } from "./delay-line.ts";

/** Tempo-synced note values: `d` dotted (×1.5), `t` triplet (×2/3). */
export const DELAY_NOTES = [
  "off",
  "1/1",
  "1/2",
  "1/2d",
  "1/2t",
  "1/4",
  "1/4d",
  "1/4t",
  "1/8",
  "1/8d",
  "1/8t",
  "1/16",
  "1/16d",
  "1/16t",
  "1/32",
  "1/32t",
] as const;
export type DelayNote = (typeof DELAY_NOTES)[number];

export interface DelayParams extends Record<string, unknown> {
  /** Delay time in ms (1 … 5000). Ignored while `note` is not "off". */
  timeMs: number;
  /**
   * Tempo-synced delay: a note value at `bpm` ("1/4" = one beat, "1/8d" dotted eighth, "1/4t" quarter triplet).
   * When set (not "off") it overrides `timeMs`; the result is limited to 5000 ms.
   */
  note: DelayNote;
  /** Tempo in beats (quarter notes) per minute (20 … 300), used with `note`. */
  bpm: number;
  /** Share of the echo fed back (0 … 0.98): each repeat is this much quieter (before the filters). */
  feedback: number;
  /** Wet share 0 … 1, linear crossfade: out = (1−mix)·dry + mix·echoes. */
  mix: number;
  /**
   * High cut in the feedback path, Hz (1000 … 20000; 20000, or anything at or above 0.45·sample rate, = off):
   * each repeat gets darker. 12 dB/oct Butterworth.
   */
  highCutHz: number;
  /** Low cut in the feedback path, Hz (20 … 2000; 20 = off): each repeat gets thinner. 12 dB/oct. */
  lowCutHz: number;
  /** Ping-pong: echoes alternate left, right, left… from the mono sum of the first two channels. */
  pingPong: boolean;
}

export const DELAY_SPECS: ParamSpecs = {
  timeMs: {
    kind: "number",
    unit: "ms",
    min: 1,
    max: 5000,
    default: 375,
    description: "Delay time (ignored when note is set)",
  },
  note: {
    kind: "choice",
    options: DELAY_NOTES,
    default: "off",
    description: "Tempo-synced note value at bpm; overrides timeMs when not off",
  },
  bpm: { kind: "number", unit: "bpm", min: 20, max: 300, default: 120, description: "Tempo for note" },
  feedback: {
    kind: "number",
    unit: "",
    min: 0,
    max: 0.98,
    default: 0.3,
    description: "Share of each echo fed back into the delay",
  },
  mix: { kind: "number", unit: "", min: 0, max: 1, default: 0.2, description: "Wet share, linear crossfade" },
  highCutHz: {
    kind: "number",
    unit: "Hz",
    min: 1000,
    max: 20000,
    default: 20000,
    description: "Low-pass in the feedback path (20000 = off)",
  },
  lowCutHz: {
    kind: "number",
    unit: "Hz",
    min: 20,
    max: 2000,
    default: 20,
    description: "High-pass in the feedback path (20 = off)",
  },
  pingPong: { kind: "boolean", default: false, description: "Echoes alternate between left and right" },
};

/** Longest delay, ms. */
const MAX_MS = 5000;
/** Delay-time glide: one-pole time constant, and the fastest the read point may move (samples per sample). */
const GLIDE_MS = 30;
const MAX_GLIDE_RATE = 0.5;

/** Length of a note value in beats (quarter notes). */
export function noteBeats(note: DelayNote): number {
  if (note === "off") return 0;
  const m = /^1\/(\d+)([dt]?)$/.exec(note)!;
  const base = 4 / Number(m[1]);
  return m[2] === "d" ? base * 1.5 : m[2] === "t" ? (base * 2) / 3 : base;
}

/**
 * Echo delay with feedback filtering, tempo sync and ping-pong. JSON:
 * `{"type":"delay","timeMs":375,"feedback":0.3,"mix":0.2}` or `{"type":"delay","note":"1/8d","bpm":96}`.
 * Mono input gives stereo output. Time changes glide (smoothed, slew-limited fractional read with Hermite
 * interpolation) — a tape-like pitch bend, never a click. No latency.
 */
export class Delay extends Processor<DelayParams> {
  readonly type = "delay";
  private readonly lines: DelayLine[];
  /** Feedback filters, transposed direct form II: coefficients, and per channel two states each. */
  private lo: BiquadCoefficients = IDENTITY;
  private hi: BiquadCoefficients = IDENTITY;
  private readonly loState: Float64Array;
  private readonly hiState: Float64Array;
  private lowOn = false;
  private highOn = false;
  private target = 0;
  private current = 0;
  private readonly glideCoeff: number;
  private readonly fb: Smoother;
  private readonly mixS: Smoother;

  constructor(ctx: ProcessorContext, params: Partial<DelayParams> = {}) {
    super(ctx, DELAY_SPECS, params, "delay");
    const outs = this.outputChannels;
    const max = (MAX_MS / 1000) * ctx.sampleRate + 4;
    this.lines = Array.from({ length: outs }, () => new DelayLine(max));
    this.loState = new Float64Array(2 * outs);
    this.hiState = new Float64Array(2 * outs);
    this.glideCoeff = 1 - Math.exp(-1 / ((GLIDE_MS / 1000) * ctx.sampleRate));
    this.fb = new Smoother(ctx.sampleRate, 20, this.params.feedback);
    this.mixS = new Smoother(ctx.sampleRate, 20, this.params.mix);
    this.paramsChanged();
    this.current = this.target;
  }

  override get outputChannels(): number {
    return this.channels === 1 ? 2 : this.channels;
  }

  /** The delay time in ms the parameters ask for (note at bpm, or timeMs), limited to 5000 ms. */
  get effectiveTimeMs(): number {
    const p = this.params;
    const ms = p.note !== "off" ? (noteBeats(p.note) * 60000) / p.bpm : p.timeMs;
    return Math.min(MAX_MS, ms);
  }

  protected override paramsChanged(): void {
    const fs = this.sampleRate;
    this.target = Math.max(2, (this.effectiveTimeMs / 1000) * fs);
    this.fb.setTarget(this.params.feedback);
    this.mixS.setTarget(this.params.mix);
    this.lowOn = this.params.lowCutHz > 20;
    this.highOn = this.params.highCutHz < 20000 && this.params.highCutHz < 0.45 * fs;
    this.lo = this.lowOn ? designBiquad("highpass", fs, this.params.lowCutHz, Math.SQRT1_2) : IDENTITY;
    this.hi = this.highOn ? designBiquad("lowpass", fs, this.params.highCutHz, Math.SQRT1_2) : IDENTITY;
  }

  protected resetState(): void {
    for (const l of this.lines) l.clear();
    this.loState.fill(0);
    this.hiState.fill(0);
    this.current = this.target;
    this.fb.snap(this.params.feedback);
    this.mixS.snap(this.params.mix);
  }

  /**
   * `render` for a delay at rest on a whole number of samples (a tempo-synced echo, usually): the Hermite read
   * at a whole delay is the stored sample itself, so the same bits come from one load per sample, channel by
   * channel. Channels are independent without ping-pong; the last is done first because a mono input feeds
   * every channel and may be output 0's array (in place).
   */
  private renderSteady(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const d = this.target;
    // One step snaps a value resting within the smoother's tolerance onto its target, as the first sample would.
    const fb = this.fb.next();
    const mix = this.mixS.next();
    const dry = 1 - mix;
    for (let c = this.outputChannels - 1; c >= 0; c--) {
      const x = input[c < this.channels ? c : 0];
      const y = output[c];
      const line = this.lines[c];
      const b = line.buffer;
      const m = line.mask;
      let pos = line.pos;
      for (let i = 0; i < frames; i++) {
        const xi = x[i];
        const e = b[(pos - d) & m];
        const v = xi + fb * this.filt(c, e);
        b[pos] = Math.abs(v) < 1e-25 ? 0 : v;
        pos = (pos + 1) & m;
        y[i] = dry * xi + mix * e;
      }
      line.pos = pos;
    }
  }

  /** The feedback filters for channel c; states below 1e-25 are flushed so a dying loop reaches exact 0. */
  private filt(c: number, v: number): number {
    if (this.lowOn) v = tick(this.lo, this.loState, 2 * c, v);
    if (this.highOn) v = tick(this.hi, this.hiState, 2 * c, v);
    return v;
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const outs = this.outputChannels;
    const inCh = this.channels;
    const lines = this.lines;
    const ping = this.params.pingPong && outs >= 2;
    if (!ping && this.current === this.target && Number.isInteger(this.target)) {
      if (!this.fb.moving && !this.mixS.moving) {
        this.renderSteady(input, output, frames);
        return;
      }
    }
    const k = this.glideCoeff;
    const target = this.target;
    let d = this.current;
    for (let i = 0; i < frames; i++) {
      // Slew-limited one-pole glide of the delay time.
      if (d !== target) {
        let step = (target - d) * k;
        if (step > MAX_GLIDE_RATE) step = MAX_GLIDE_RATE;
        else if (step < -MAX_GLIDE_RATE) step = -MAX_GLIDE_RATE;
        d += step;
        // The last thousandth of a sample is not worth an exponential tail.
        if (Math.abs(target - d) < 1e-3) d = target;
      }
      const fb = this.fb.next();
      const mix = this.mixS.next();
      const dry = 1 - mix;
      let c0 = 0;
      if (ping) {
        const x0 = input[0][i];
        const x1 = input[Math.min(1, inCh - 1)][i];
        const l = lines[0].readCubic(d);
        const r = lines[1].readCubic(d);
        // Left hears the input and the right echo; right hears only the left echo: L, R, L, R…
        lines[0].write(0.5 * (x0 + x1) + fb * this.filt(0, r));
        lines[1].write(fb * this.filt(1, l));
        output[0][i] = dry * x0 + mix * l;
        output[1][i] = dry * x1 + mix * r;
        c0 = 2;
      }
      // A mono input is read once: output[0] may be the input array (in-place processing).
      const xm = input[0][i];
      for (let c = c0; c < outs; c++) {
        const x = c < inCh ? input[c][i] : xm;
        const e = lines[c].readCubic(d);
        lines[c].write(x + fb * this.filt(c, e));
        output[c][i] = dry * x + mix * e;
      }
    }
    this.current = d;
  }
}

function tick(f: BiquadCoefficients, s: Float64Array, k: number, x: number): number {
  const y = f.b0 * x + s[k];
  const s1 = f.b1 * x - f.a1 * y + s[k + 1];
  const s2 = f.b2 * x - f.a2 * y;
  s[k] = s1 > -1e-25 && s1 < 1e-25 ? 0 : s1;
  s[k + 1] = s2 > -1e-25 && s2 < 1e-25 ? 0 : s2;
  return y;
}

export const DELAY_FACTORY: ProcessorFactory = {
  type: "delay",
  description: "Echo delay: tempo sync, feedback filtering, ping-pong",
  specs: DELAY_SPECS,
  create: (ctx, params) => new Delay(ctx, params as Partial<DelayParams>),
};
