/**
 * Predicting a move by running it: the target's measured output is taken back to where new inserts go (before
 * its fader and pan), run through the proposed processors, brought back through the new fader, put back in the
 * mix, and measured again. Exact for processors added at the end of a strip; an EQ-only prediction can also be
 * computed from the spectrum alone (`predictEq`).
 */
import type { ProcessorJSON } from "../core/processor.ts";
import { parseChain } from "../dsp/chain.ts";
import type { EqBand } from "../dsp/eq/band.ts";
import { bandSections, cascadeResponse } from "../dsp/eq/design.ts";
import { monoPan, stereoBalance } from "../render/pan.ts";
import type { Session } from "../session/schema.ts";
import {
  type Features,
  loudness,
  loudnessChangeDb,
  type Measurement,
  measureFeatures,
  type PowerSpectrum,
  powerFiltered,
  round2,
  spectralFeatures,
} from "./features.ts";
import type { BriefTarget } from "./parse-note.ts";

/** What a move is decided from: the target, its audio and measurement, and the mix. */
export interface MoveContext {
  /** The session as it stands (earlier moves of the proposal applied). */
  session: Session;
  /** The session the audio was rendered from (its faders and pans take the audio back to the inserts). */
  measuredSession: Session;
  sampleRate: number;
  target: BriefTarget;
  /** The target's output as it feeds the mix (after its fader), planar stereo. */
  audio: Float32Array[];
  /** The mix over the same span. */
  mix: Float32Array[];
  measurement: Measurement;
  /** Audio of any track or bus id, or `master` (for sends and reverb buses). */
  audioOf: (id: string) => Float32Array[];
}

/** Gains from a strip's insert output to its stem: fader × pan (per output channel) for the input's channels. */
function stripGains(ctx: MoveContext, faderDeltaDb = 0): { channels: number; l: number; r: number } {
  const t = ctx.target;
  const s = ctx.measuredSession;
  const g = { l: 1, r: 1 };
  if (t.kind === "track") {
    const tr = s.tracks.find((x) => x.id === t.id)!;
    const v = 10 ** ((tr.volumeDb + faderDeltaDb) / 20);
    if (tr.channels === 1) monoPan(tr.pan, g);
    else stereoBalance(tr.pan, g);
    return { channels: tr.channels, l: g.l * v, r: g.r * v };
  }
  if (t.kind === "bus") {
    const b = s.buses.find((x) => x.id === t.id)!;
    const v = 10 ** ((b.volumeDb + faderDeltaDb) / 20);
    stereoBalance(b.pan, g);
    return { channels: 2, l: g.l * v, r: g.r * v };
  }
  if (t.kind === "mix") {
    const v = 10 ** ((s.master.volumeDb + faderDeltaDb) / 20);
    return { channels: 2, l: v, r: v };
  }
  // A group: its bus once a move made one (at its fader), else the members summed at unity.
  const bus = s.buses.find((b) => b.id === groupBusId(s, t));
  const v = 10 ** (((bus?.volumeDb ?? 0) + faderDeltaDb) / 20);
  return { channels: 2, l: v, r: v };
}

/** The signal new inserts of the target would see: its output taken back through fader and pan. */
export function insertInput(ctx: MoveContext): Float32Array[] {
  const g = stripGains(ctx);
  const [l, r] = ctx.audio;
  if (g.channels === 1) {
    const k = g.l + g.r;
    const out = new Float32Array(l.length);
    if (k > 1e-9) for (let i = 0; i < l.length; i++) out[i] = (l[i] + r[i]) / k;
    return [out];
  }
  const a = new Float32Array(l.length);
  const b = new Float32Array(r.length);
  if (g.l > 1e-9) for (let i = 0; i < l.length; i++) a[i] = l[i] / g.l;
  if (g.r > 1e-9) for (let i = 0; i < r.length; i++) b[i] = r[i] / g.r;
  return [a, b];
}

/** Runs processors over planar audio, latency removed (the output lines up with the input). */
export function runProcessors(
  input: Float32Array[],
  processors: readonly ProcessorJSON[],
  sampleRate: number,
): Float32Array[] {
  if (processors.length === 0) return input.map((c) => c.slice());
  const chain = parseChain(processors, { sampleRate, channels: input.length });
  const n = input[0].length;
  const lat = chain.latency;
  const out = Array.from({ length: chain.outputChannels }, () => new Float32Array(n));
  const block = 4096;
  const buf = input.map(() => new Float32Array(block));
  for (let pos = 0; pos < n + lat; pos += block) {
    const k = Math.min(block, n + lat - pos);
    for (let c = 0; c < input.length; c++) {
      buf[c].fill(0);
      if (pos < n) buf[c].set(input[c].subarray(pos, Math.min(n, pos + k)));
    }
    const y = chain.process(buf, k);
    for (let c = 0; c < out.length; c++) {
      for (let i = 0; i < k; i++) {
        const j = pos + i - lat;
        if (j >= 0 && j < n) out[c][j] = y[c][i];
      }
    }
  }
  return out;
}

/** A planned move before it is written as session changes. */
export interface SimulatedPlan {
  /** Processors appended to the target's strip. */
  inserts: ProcessorJSON[];
  /** Fader change, dB. */
  faderDb: number;
  /** Change of the direct/reverb ratio from send changes, dB. */
  directToReverbDeltaDb: number;
}

/** Runs a plan on the target's audio and measures the result: the predicted features after the move. */
export function simulate(
  ctx: MoveContext,
  plan: SimulatedPlan,
): { features: Features; measurement: Measurement; audio: Float32Array[]; mix: Float32Array[] } {
  const x = insertInput(ctx);
  const y = runProcessors(x, plan.inserts, ctx.sampleRate);
  const g = stripGains(ctx, plan.faderDb);
  const n = x[0].length;
  let out: Float32Array[];
  if (y.length === 1) {
    out = [new Float32Array(n), new Float32Array(n)];
    for (let i = 0; i < n; i++) {
      out[0][i] = y[0][i] * g.l;
      out[1][i] = y[0][i] * g.r;
    }
  } else {
    out = [scaled(y[0], g.l), scaled(y[1], g.r)];
  }
  let mix: Float32Array[];
  if (ctx.target.kind === "mix") mix = out;
  else {
    mix = ctx.mix.map((c, ch) => {
      const m = new Float32Array(c.length);
      for (let i = 0; i < c.length; i++) m[i] = c[i] - ctx.audio[ch][i] + out[ch][i];
      return m;
    });
  }
  const dr = ctx.measurement.features.directToReverbDb + plan.directToReverbDeltaDb;
  const measurement = measureFeatures(out, ctx.sampleRate, mix, dr);
  return { features: measurement.features, measurement, audio: out, mix };
}

/**
 * A simulated move with its fader moved `deltaDb` further: a gain after the inserts changes only the level of
 * the target (and so the mix), not its tone or dynamics, so nothing is run again.
 */
export function withFader(
  ctx: MoveContext,
  sim: ReturnType<typeof simulate>,
  deltaDb: number,
): ReturnType<typeof simulate> {
  const g = 10 ** (deltaDb / 20);
  const audio = sim.audio.map((c) => scaled(c, g));
  const mix =
    ctx.target.kind === "mix"
      ? audio
      : sim.mix.map((c, ch) => {
          const m = new Float32Array(c.length);
          const a = sim.audio[ch];
          for (let i = 0; i < c.length; i++) m[i] = c[i] + (g - 1) * a[i];
          return m;
        });
  const lufs = sim.features.loudnessLufs + deltaDb;
  const features: Features = {
    ...sim.features,
    loudnessLufs: round2(lufs),
    levelInMixDb: ctx.target.kind === "mix" ? 0 : round2(lufs - loudness(mix, ctx.sampleRate)),
  };
  return { features, measurement: { ...sim.measurement, features }, audio, mix };
}

/** The spectrum after EQ bands (exact for a linear EQ). */
export function eqSpectrum(s: PowerSpectrum, bands: readonly EqBand[]): PowerSpectrum {
  // Sections designed once, then the cascade's |H|² at every bin.
  const sections = bands.flatMap((b) => bandSections(b, s.sampleRate));
  const g = new Float64Array(s.mid.length);
  for (let k = 0; k < g.length; k++) {
    const f = Math.min(Math.max(1, k * s.binHz), s.sampleRate * 0.49);
    g[k] = cascadeResponse(sections, f, s.sampleRate).magnitude ** 2;
  }
  return powerFiltered(s, g);
}

/**
 * Predicts the tonal features and the level in the mix after EQ bands, from the spectrum alone (fast: used to
 * size EQ moves). The mix level assumes the target adds to the rest of the mix in power.
 */
export function predictEq(ctx: MoveContext, bands: readonly EqBand[], faderDb = 0): Features {
  const before = ctx.measurement;
  const after = eqSpectrum(before.spectrum, bands);
  const dTarget = loudnessChangeDb(before.spectrum, after) + faderDb;
  const f = before.features;
  let level = f.levelInMixDb;
  let lufs = f.loudnessLufs + dTarget;
  if (ctx.target.kind !== "mix") {
    const share = 10 ** (f.levelInMixDb / 10);
    const rest = Math.max(0, 1 - share);
    const newShare = share * 10 ** (dTarget / 10);
    level = f.levelInMixDb + dTarget - 10 * Math.log10(rest + newShare);
  } else {
    level = 0;
    lufs = f.loudnessLufs + dTarget;
  }
  return { ...f, ...spectralFeatures(after), levelInMixDb: level, loudnessLufs: lufs };
}

/** The bus a group's inserts go on: `<role>-bus`, made by the first move that needs it. */
export function groupBusId(_session: Session, target: BriefTarget): string {
  return `${target.id}-bus`;
}

/** A copy of `x` times `g`. */
function scaled(x: Float32Array, g: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] * g;
  return y;
}
