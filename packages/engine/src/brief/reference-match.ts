/**
 * "Like that record": moves that take the mix (or one stem) towards a reference on tonal balance (the
 * mastering match EQ over a loudness-normalised 1/3-octave-smoothed spectrum), short-term dynamics, width and
 * loudness. A share (default 0.8) keeps it from copying the reference's arrangement.
 */
import type { ProcessorJSON } from "../core/processor.ts";
import { designMatchEq } from "../mastering/match-eq.ts";
import { longTermSpectrum, spectralDistanceDb } from "../mastering/spectrum.ts";
import { round1 } from "./changes.ts";
import {
  dynamicFeatures,
  loudestWindow,
  loudness,
  loudPartDb,
  powerSpectrum,
  round2,
  spectralFeatures,
} from "./features.ts";
import type { Move } from "./moves.ts";
import { insertInput, type MoveContext, runProcessors, simulate } from "./simulate.ts";

/** A reference recording, decoded. */
export interface ReferenceAudio {
  /** Planar channels, full scale ±1. */
  channels: Float32Array[];
  /** Hz (may differ from the session's: only spectra, levels and ratios are compared). */
  sampleRate: number;
}

/** Default share of the difference to correct. */
export const DEFAULT_SHARE = 0.8;

/** Dynamics and width differences smaller than this are left alone, dB. */
const CLOSE_ENOUGH_DB = 1;

/**
 * Moves on the target's strip (the master for the mix) towards the reference.
 * @param share 0 … 1: how much of each difference to correct.
 * @param placeOnStrip turns the processors into moves (adds the session changes and the reason's list).
 */
export function matchReference(
  ctx: MoveContext,
  ref: ReferenceAudio,
  share: number,
  placeOnStrip: (inserts: ProcessorJSON[], faderDb: number) => Move["changes"],
): Move[] {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be 0 … 1, got ${share}`);
  const sr = ctx.sampleRate;
  const moves: Move[] = [];
  const base = { target: ctx.target, direction: "more" as const, amount: share };
  const f = ctx.measurement.features;
  // Tonal balance.
  const mine = longTermSpectrum(ctx.audio, sr);
  const theirs = longTermSpectrum(ref.channels, ref.sampleRate);
  const before = round2(spectralDistanceDb(mine, theirs));
  const { bands } = designMatchEq(mine, theirs, { strength: share, sampleRate: sr, maxGainDb: 6 });
  if (bands.length) {
    const inserts: ProcessorJSON[] = [{ type: "eq", bands }];
    const sim = simulate(ctx, { inserts, faderDb: 0, directToReverbDeltaDb: 0 });
    const after = round2(spectralDistanceDb(longTermSpectrum(sim.audio, sr), theirs));
    const biggest = [...bands].sort((a, b) => Math.abs(b.gainDb ?? 0) - Math.abs(a.gainDb ?? 0)).slice(0, 3);
    moves.push({
      ...base,
      descriptor: "reference tone",
      changes: placeOnStrip(inserts, 0),
      reason: `tonal distance to the reference ${before.toFixed(1)} dB → ${after.toFixed(1)} dB: match EQ of ${bands.length} bands at ${Math.round(share * 100)} % (largest ${biggest.map((b) => `${Math.round(b.freq)} Hz ${(b.gainDb ?? 0) > 0 ? "+" : ""}${(b.gainDb ?? 0).toFixed(1)} dB`).join(", ")})`,
      predicted: { feature: "referenceDistanceDb", before, after },
    });
  }
  // Dynamics and loudness are compared over the reference's loudest stretch as long as the span measured
  // here (like with like: a chorus against a chorus, not against the reference's quiet intro).
  const refLoud = loudestWindow(ref.channels, ref.sampleRate, ctx.audio[0].length / sr);
  // Short-term dynamics.
  const refDyn = dynamicFeatures(refLoud, ref.sampleRate);
  const dynDiff = f.dynamicsDb - refDyn.dynamicsDb;
  if (dynDiff > CLOSE_ENOUGH_DB) {
    const input = insertInput(ctx);
    const want = -share * dynDiff;
    let depth = 6;
    const comp = (d: number): ProcessorJSON[] => [
      {
        type: "compressor",
        thresholdDb: round1(Math.max(-60, loudPartDb(input) - d)),
        ratio: 2,
        attackMs: 30,
        releaseMs: 200,
        kneeDb: 6,
        detection: "rms",
        makeupDb: round1(d / 4),
      },
    ];
    const baseDyn = dynamicFeatures(input, sr).dynamicsDb;
    for (let k = 0; k < 2; k++) {
      const got = dynamicFeatures(runProcessors(input, comp(depth), sr), sr).dynamicsDb - baseDyn;
      if (Math.abs(got) < 1e-3) break;
      depth = Math.max(0, Math.min(24, (depth * want) / got));
    }
    const inserts = comp(round1(depth));
    const sim = simulate(ctx, { inserts, faderDb: 0, directToReverbDeltaDb: 0 });
    moves.push({
      ...base,
      descriptor: "reference dynamics",
      changes: placeOnStrip(inserts, 0),
      reason: `short-term dynamics ${f.dynamicsDb.toFixed(1)} dB → ${sim.features.dynamicsDb.toFixed(1)} dB (reference ${refDyn.dynamicsDb.toFixed(1)} dB): 2:1 compressor, threshold ${round1(depth)} dB under the loud passages`,
      predicted: { feature: "dynamicsDb", before: f.dynamicsDb, after: sim.features.dynamicsDb },
    });
  }
  // Width.
  if (ref.channels.length >= 2 && f.widthDb > -45) {
    const refW = spectralFeatures(powerSpectrum(ref.channels.slice(0, 2), ref.sampleRate));
    const diff = refW.widthDb - f.widthDb;
    if (Math.abs(diff) > CLOSE_ENOUGH_DB) {
      const w: ProcessorJSON = {
        type: "width",
        amount: round2(Math.max(0, Math.min(2, 10 ** ((share * diff) / 20)))),
      };
      if (refW.widthLowDb < -20 && f.widthLowDb > refW.widthLowDb + 3) w.monoBelowHz = 120;
      const sim = simulate(ctx, { inserts: [w], faderDb: 0, directToReverbDeltaDb: 0 });
      moves.push({
        ...base,
        descriptor: "reference width",
        changes: placeOnStrip([w], 0),
        reason: `side/mid ${f.widthDb.toFixed(1)} dB → ${sim.features.widthDb.toFixed(1)} dB (reference ${refW.widthDb.toFixed(1)} dB): width ${w.amount}${w.monoBelowHz ? ", mono below 120 Hz" : ""}`,
        predicted: { feature: "widthDb", before: f.widthDb, after: sim.features.widthDb },
      });
    }
  }
  // Loudness (the mix only: a stem's level belongs to its arrangement).
  if (ctx.target.kind === "mix") {
    const refLufs = loudness(refLoud, ref.sampleRate);
    const diff = refLufs - f.loudnessLufs;
    if (Math.abs(diff) > CLOSE_ENOUGH_DB) {
      const gain = round1(Math.max(-12, Math.min(12, share * diff)));
      let peak = 0;
      for (const ch of ctx.audio) for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]));
      const peakAfter = 20 * Math.log10(peak + 1e-20) + gain;
      const limit = gain > 0 && peakAfter > -1;
      const inserts: ProcessorJSON[] = limit ? [{ type: "limiter", gainDb: gain, ceilingDb: -1 }] : [];
      const sim = simulate(ctx, { inserts, faderDb: limit ? 0 : gain, directToReverbDeltaDb: 0 });
      moves.push({
        ...base,
        descriptor: "reference loudness",
        changes: placeOnStrip(inserts, limit ? 0 : gain),
        reason: `loudness ${f.loudnessLufs.toFixed(1)} → ${sim.features.loudnessLufs.toFixed(1)} LUFS (reference ${refLufs.toFixed(1)} LUFS over its loudest ${(refLoud[0].length / ref.sampleRate).toFixed(0)} s): ${limit ? `limiter drive ${gain > 0 ? "+" : ""}${gain} dB, ceiling −1 dBFS (peaks would reach ${peakAfter.toFixed(1)} dBFS)` : `fader ${gain > 0 ? "+" : ""}${gain} dB`}`,
        predicted: { feature: "loudnessLufs", before: f.loudnessLufs, after: sim.features.loudnessLufs },
      });
    }
  }
  return moves;
}
