import { kaiserBeta } from "../../core/fir.ts";
import { ParamError, type ParamSpecs } from "../../core/params.ts";
import { Processor, type ProcessorContext } from "../../core/processor.ts";
import { Smoother } from "../../core/smoother.ts";
import type { ProcessorFactory } from "../chain.ts";
import { kernelTable } from "../resample/kernel.ts";
import {
  AllowedNotes,
  hzToMidi,
  KEYS,
  type Key,
  SCALE_NAMES,
  type ScaleName,
  validateNoteList,
} from "./notes.ts";
import { PitchTracker } from "./tracker.ts";

export interface PitchCorrectionParams extends Record<string, unknown> {
  /** Root of the scale the pitch is corrected to ("A", "C#", "Bb" …). Ignored when `notes` is not empty. */
  key: Key;
  /** Scale on `key` (chromatic = every semitone). Ignored when `notes` is not empty. */
  scale: ScaleName;
  /**
   * Explicit allowed notes, replacing key and scale when not empty: "A3" allows that note only, "E" every E.
   * Up to 128 names.
   */
  notes: string[];
  /**
   * Retune speed 0 … 1: how fast the pitch is pulled onto the note. 0 = instant (robotic, vibrato removed);
   * otherwise the correction follows with a time constant of speed × 400 ms (1 = slow, natural).
   */
  speed: number;
  /**
   * Humanize 0 … 1: share of the singer's own movement around the note centre (vibrato, drift) that is kept
   * while the centre is moved onto the note. 0 = flat, 1 = all of it.
   */
  humanize: number;
  /** Tuning of A4, Hz (400 … 480). */
  referenceHz: number;
  /** Wet share 0 … 1, linear crossfade with the dry signal (delayed to line up). */
  mix: number;
  /** Lowest pitch detected and corrected, Hz (50 … 500). Sets the latency (about 2.5 periods of it). */
  minHz: number;
  /** Highest pitch detected and corrected, Hz (200 … 2000). */
  maxHz: number;
}

export const PITCH_CORRECTION_SPECS: ParamSpecs = {
  key: { kind: "choice", options: KEYS, default: "C", description: "Root of the scale" },
  scale: { kind: "choice", options: SCALE_NAMES, default: "chromatic", description: "Scale on the key" },
  notes: {
    kind: "list",
    default: [],
    description: 'Explicit allowed notes ("A3", "C#4", or "E" for every octave); replaces key and scale',
    validate: validateNoteList,
  },
  speed: {
    kind: "number",
    unit: "",
    min: 0,
    max: 1,
    default: 0.1,
    description: "Retune speed: 0 instant, 1 slow (time constant speed × 400 ms)",
  },
  humanize: {
    kind: "number",
    unit: "",
    min: 0,
    max: 1,
    default: 0,
    description: "Share of natural vibrato and drift kept around the corrected note",
  },
  referenceHz: { kind: "number", unit: "Hz", min: 400, max: 480, default: 440, description: "Tuning of A4" },
  mix: { kind: "number", unit: "", min: 0, max: 1, default: 1, description: "Wet share, linear crossfade" },
  minHz: {
    kind: "number",
    unit: "Hz",
    min: 50,
    max: 500,
    default: 70,
    description: "Lowest pitch detected (sets the latency)",
  },
  maxHz: {
    kind: "number",
    unit: "Hz",
    min: 200,
    max: 2000,
    default: 1000,
    description: "Highest pitch detected",
  },
};

/** Longest retune time constant (speed 1), seconds. */
const MAX_RETUNE_SECONDS = 0.4;
/** Time constant of the note-centre estimate (vibrato averages out of it), seconds. */
const CENTRE_SECONDS = 0.15;
/** A jump larger than this (semitones) starts a new note: the centre estimate restarts there. */
const NEW_NOTE_JUMP = 1;
/** The note changes only when another is nearer by this much (semitones), so vibrato does not flip it. */
const HYSTERESIS = 0.1;
/** Largest shift either way: an octave. */
const MAX_RATIO = 2;
/** Samples processed per internal step (bounds the ring buffers for any block size). */
const CHUNK = 256;
/**
 * Fractional-offset reads of the input: 32-tap Kaiser-windowed sinc (cut-off at Nyquist, so offset 0 is an
 * exact copy), ≥ 90 dB design, flat within 0.1 dB to 0.4 × the sample rate; 512 phases, linearly interpolated.
 */
const FRAC_TAPS = 32;
const FRAC_PHASES = 512;
let fracTable: Float32Array | null = null;
/** The table, built on first use: importing the processors (every command does) should not pay for it. */
function fracTableOnce(): Float32Array {
  fracTable ??= kernelTable({ taps: FRAC_TAPS, cutoff: 0.5, beta: kaiserBeta(90) }, FRAC_PHASES, true);
  return fracTable;
}

/** What the corrector is doing, for meters. */
export interface PitchCorrectionState {
  /** Detected pitch of the latest analysed frame, Hz (0 when unvoiced). */
  detectedHz: number;
  /** The note it is being pulled to (MIDI number), or null. */
  targetMidi: number | null;
  /** Applied correction, cents. */
  correctionCents: number;
}

/**
 * Automatic pitch correction. JSON: `{"type":"pitch","key":"A","scale":"minor","speed":0.5}`; optional
 * `humanize`, `notes` (explicit allowed notes, e.g. ["A3","C4"]), `referenceHz`, `mix`, `minHz`, `maxHz`.
 *
 * Detection: YIN every 5 ms on the mono sum (see `PitchTracker`). Control, per frame: the nearest allowed note
 * to a slow estimate of the note's centre (with hysteresis, so vibrato does not flip notes); the target pitch
 * is that note plus `humanize` × the singer's deviation from the centre; the correction glides towards
 * target − sung with the retune time constant. Shifting: pitch-synchronous overlap-add (TD-PSOLA): output
 * grains are Hann-windowed two-period slices of the input placed one *target* period apart, each read one
 * *sung* period further on in the input than the last (a period is repeated or skipped when the read point
 * drifts half a period from the output time), so the output's period is exactly the target's while the
 * waveform within a period — and so the formants — stay as sung. Unpitched input passes unchanged.
 * Every channel gets the same correction. Latency (reported): about 2.5 periods of `minHz` (36 ms at the
 * default 70 Hz, at any sample rate): a grain is made once the input is 1.5 periods past its centre, and
 * reaches one period back. Changing minHz/maxHz clears the state.
 */
export class PitchCorrection extends Processor<PitchCorrectionParams> {
  readonly type = "pitch";
  private allowed!: AllowedNotes;
  private tracker!: PitchTracker;
  private hop = 0;
  private tMax = 0;
  /** Grains are made once the input is this far past their centre. */
  private lead = 0;
  private lat = 0;
  private unvoicedSpacing = 0;
  // Rings: input per channel, overlap-add sum per channel and window sum, per-frame control.
  private inRing: Float32Array[] = [];
  private inMask = 0;
  private ola: Float64Array[] = [];
  private norm = new Float64Array(0);
  private olaMask = 0;
  private frameRatio = new Float64Array(0);
  private framePeriod = new Float64Array(0);
  private frameMask = 0;
  private mono = new Float32Array(CHUNK);
  private readonly fracTaps = new Float64Array(FRAC_TAPS);
  private readonly fracTable = fracTableOnce();
  private count = 0;
  // Grain state.
  private ts = 0;
  private phi = 0;
  private prevSpacing = 0;
  private prevVoiced = false;
  // Control state.
  private centre = 0;
  private note = Number.NaN;
  private correction = 0;
  private wasVoiced = false;
  private lastHz = 0;
  private analysedMin = 0;
  private analysedMax = 0;
  private readonly mixS: Smoother;

  constructor(ctx: ProcessorContext, params: Partial<PitchCorrectionParams> = {}) {
    super(ctx, PITCH_CORRECTION_SPECS, params, "pitch");
    checkRange(this.params.minHz, this.params.maxHz);
    this.mixS = new Smoother(ctx.sampleRate, 20, this.params.mix);
    this.allowed = new AllowedNotes(this.params.key, this.params.scale, this.params.notes);
    this.build();
  }

  override get latency(): number {
    return this.lat;
  }

  /** The latest analysis: detected pitch, target note, applied correction. */
  get state(): PitchCorrectionState {
    return {
      detectedHz: this.lastHz,
      targetMidi: Number.isNaN(this.note) ? null : this.note,
      correctionCents: this.correction * 100,
    };
  }

  override setParams(partial: Partial<PitchCorrectionParams>): void {
    checkRange(partial.minHz ?? this.params.minHz, partial.maxHz ?? this.params.maxHz);
    super.setParams(partial);
  }

  protected override paramsChanged(): void {
    this.allowed = new AllowedNotes(this.params.key, this.params.scale, this.params.notes);
    this.mixS.setTarget(this.params.mix);
    if (this.params.minHz !== this.analysedMin || this.params.maxHz !== this.analysedMax) this.build();
  }

  /** Sizes the analysis and rings for minHz/maxHz, and clears the state. */
  private build(): void {
    const fs = this.sampleRate;
    this.analysedMin = this.params.minHz;
    this.analysedMax = this.params.maxHz;
    this.hop = Math.max(1, Math.round(0.005 * fs));
    this.tracker = new PitchTracker(fs, {
      minHz: this.params.minHz,
      maxHz: this.params.maxHz,
      hop: this.hop,
    });
    const W = this.tracker.frameLength;
    this.tMax = Math.floor(fs / this.params.minHz);
    // A grain at ts needs frame round(ts/hop) (ready half a frame after its centre) and input up to
    // ts + half-length (≤ tMax) + read offset (≤ tMax/2) + interpolation.
    this.lead = Math.max(
      W - Math.floor(W / 2) + Math.ceil(this.hop / 2) + 1,
      Math.ceil(1.5 * this.tMax) + FRAC_TAPS / 2 + 2,
    );
    // Output o is final once no future grain (centre > count − lead, half-length ≤ tMax) reaches back to it.
    this.lat = this.lead + this.tMax + 2;
    this.unvoicedSpacing = Math.min(this.hop, this.tMax);
    const pow2 = (n: number) => 2 ** Math.ceil(Math.log2(n));
    const inSize = pow2(2 * (this.lat + this.lead + 2 * this.tMax + CHUNK + FRAC_TAPS));
    this.inRing = Array.from({ length: this.channels }, () => new Float32Array(inSize));
    this.inMask = inSize - 1;
    const olaSize = pow2(2 * (this.lat + this.tMax + CHUNK + 8));
    this.ola = Array.from({ length: this.channels }, () => new Float64Array(olaSize));
    this.norm = new Float64Array(olaSize);
    this.olaMask = olaSize - 1;
    const frames = pow2((W + this.lat + CHUNK) / this.hop + 16);
    this.frameRatio = new Float64Array(frames);
    this.framePeriod = new Float64Array(frames);
    this.frameMask = frames - 1;
    this.resetState();
  }

  protected resetState(): void {
    this.tracker.reset();
    for (const r of this.inRing) r.fill(0);
    for (const r of this.ola) r.fill(0);
    this.norm.fill(0);
    this.frameRatio.fill(1);
    this.framePeriod.fill(0);
    this.count = 0;
    this.ts = 0;
    this.phi = 0;
    this.prevSpacing = this.unvoicedSpacing;
    this.prevVoiced = false;
    this.centre = 0;
    this.note = Number.NaN;
    this.correction = 0;
    this.wasVoiced = false;
    this.lastHz = 0;
    this.mixS.snap(this.params.mix);
  }

  /** Per analysis frame: choose the note, glide the correction, store the shift ratio. */
  private control(index: number, hz: number, voiced: boolean): void {
    const p = this.params;
    const fs = this.sampleRate;
    const slot = index & this.frameMask;
    const pitched = voiced && hz >= p.minHz && hz <= p.maxHz;
    let target = 0;
    if (pitched) {
      const m = hzToMidi(hz, p.referenceHz);
      if (!this.wasVoiced || Math.abs(m - this.centre) > NEW_NOTE_JUMP) {
        this.centre = m;
        this.note = Number.NaN;
      } else {
        this.centre += (1 - Math.exp(-this.hop / (CENTRE_SECONDS * fs))) * (m - this.centre);
      }
      const nearest = this.allowed.nearest(this.centre);
      if (
        Number.isNaN(this.note) ||
        !this.allowed.allows(this.note) ||
        Math.abs(this.centre - nearest) + HYSTERESIS < Math.abs(this.centre - this.note)
      ) {
        this.note = nearest;
      }
      target = this.note + p.humanize * (m - this.centre) - m;
    } else {
      this.note = Number.NaN;
    }
    this.wasVoiced = pitched;
    this.lastHz = pitched ? hz : 0;
    const tau = p.speed * MAX_RETUNE_SECONDS * fs;
    this.correction += (tau <= 0 ? 1 : 1 - Math.exp(-this.hop / tau)) * (target - this.correction);
    if (!pitched) {
      this.frameRatio[slot] = 1;
      this.framePeriod[slot] = 0;
      return;
    }
    // Limits: an octave either way, and the output period no longer than the analysis allows (minHz).
    let ratio = 2 ** (this.correction / 12);
    ratio = Math.min(MAX_RATIO, Math.max(1 / MAX_RATIO, ratio, p.minHz / hz));
    this.frameRatio[slot] = ratio;
    this.framePeriod[slot] = fs / hz;
  }

  /** Adds every grain whose centre the input has passed by `lead` samples. */
  private makeGrains(): void {
    const chans = this.channels;
    const hop = this.hop;
    while (this.ts <= this.count - this.lead) {
      const ts = this.ts;
      const slot = Math.round(ts / hop) & this.frameMask;
      const period = this.framePeriod[slot];
      let spacing: number;
      let advance: number;
      if (period > 0) {
        if (!this.prevVoiced) this.phi = 0;
        spacing = Math.min(this.tMax, period / this.frameRatio[slot]);
        advance = period;
        this.prevVoiced = true;
      } else {
        spacing = this.unvoicedSpacing;
        advance = spacing;
        this.phi = 0;
        this.prevVoiced = false;
      }
      // Half-length covers both neighbours, so the windows always overlap (their sum never falls below 1).
      const half = Math.max(spacing, this.prevSpacing);
      const phi = this.phi;
      // Input is read at (output index + phi): one fractional offset per grain, so its interpolation taps are
      // computed once (between two table phases).
      const first = Math.ceil(ts - half);
      const last = Math.floor(ts + half);
      const pos0 = first + phi;
      const b0 = Math.floor(pos0);
      const pf = (pos0 - b0) * FRAC_PHASES;
      const p = Math.min(FRAC_PHASES - 1, Math.floor(pf));
      const a = pf - p;
      const taps = this.fracTaps;
      const table = this.fracTable;
      for (let j = 0; j < FRAC_TAPS; j++) {
        const r = p * FRAC_TAPS + j;
        taps[j] = table[r] + a * (table[r + FRAC_TAPS] - table[r]);
      }
      const k = Math.PI / half;
      const im = this.inMask;
      const om = this.olaMask;
      const back = FRAC_TAPS / 2 - 1;
      for (let i = first; i <= last; i++) {
        const w = 0.5 + 0.5 * Math.cos(k * (i - ts));
        const o = i & om;
        this.norm[o] += w;
        // Taps start at input sample b − 15 (before the start of the stream the ring holds zeros).
        const s0 = b0 + (i - first) - back;
        for (let c = 0; c < chans; c++) {
          const x = this.inRing[c];
          let v = 0;
          for (let j = 0; j < FRAC_TAPS; j++) v += taps[j] * x[(s0 + j) & im];
          this.ola[c][o] += w * v;
        }
      }
      // Next grain: one sung period on in the input, one target period on in the output.
      let next = phi + advance - spacing;
      if (period > 0) {
        while (next > period / 2) next -= period;
        while (next < -period / 2) next += period;
      }
      this.phi = next;
      this.prevSpacing = spacing;
      this.ts = ts + spacing;
    }
  }

  protected render(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const chans = this.channels;
    for (let at = 0; at < frames; at += CHUNK) {
      const n = Math.min(CHUNK, frames - at);
      const start = this.count;
      // Input into the rings (read before output is written: output may be the input arrays).
      const mono = this.mono;
      mono.fill(0, 0, n);
      for (let c = 0; c < chans; c++) {
        const x = input[c];
        const r = this.inRing[c];
        for (let i = 0; i < n; i++) {
          const v = x[at + i];
          r[(start + i) & this.inMask] = v;
          mono[i] += v;
        }
      }
      if (chans > 1) for (let i = 0; i < n; i++) mono[i] /= chans;
      for (const f of this.tracker.process(mono, n)) this.control(f.index, f.hz, f.voiced);
      this.count = start + n;
      this.makeGrains();
      // Output: the finished overlap-add, normalised by the window sum, crossfaded with the delayed dry.
      const lat = this.lat;
      const om = this.olaMask;
      const im = this.inMask;
      for (let i = 0; i < n; i++) {
        const o = start + i - lat;
        const mix = this.mixS.next();
        const slot = o & om;
        const w = this.norm[slot];
        for (let c = 0; c < chans; c++) {
          let wet = 0;
          let dry = 0;
          if (o >= 0) {
            wet = w > 1e-9 ? this.ola[c][slot] / w : 0;
            dry = this.inRing[c][o & im];
          }
          this.ola[c][slot] = 0;
          output[c][at + i] = (1 - mix) * dry + mix * wet;
        }
        this.norm[slot] = 0;
      }
    }
  }
}

function checkRange(minHz: number, maxHz: number): void {
  if (!(maxHz > 2 * minHz)) {
    throw new ParamError("pitch.maxHz", `must be more than twice minHz (${minHz} Hz), got ${maxHz}`);
  }
}

export const PITCH_CORRECTION_FACTORY: ProcessorFactory = {
  type: "pitch",
  description:
    "Automatic pitch correction to a key and scale or to chosen notes (YIN detection, TD-PSOLA shift)",
  specs: PITCH_CORRECTION_SPECS,
  create: (ctx, params) => new PitchCorrection(ctx, params as Partial<PitchCorrectionParams>),
};
