/**
 * Deciding a move from the measurement: each descriptor has a planner that reads the target's features (where
 * the build-up sits, how heavy the low mids already are, the level, the reverb) and sizes processors so the
 * predicted change of the descriptor's feature is the step the note asked for. The plan becomes session
 * changes; the prediction comes from running the plan on the target's audio (simulate.ts).
 */
import type { ProcessorJSON } from "../core/processor.ts";
import type { EqBand } from "../dsp/eq/band.ts";
import { BriefChangeError, describeProcessor, round1, type SessionChange, type StripRef } from "./changes.ts";
import {
  DRY_DB,
  dynamicFeatures,
  energy,
  FEATURES,
  type FeatureName,
  type Features,
  featureUnit,
  loudestWindow,
  loudPartDb,
  powerSpectrum,
  round2,
  spectralFeatures,
} from "./features.ts";
import { type Descriptor, descriptorByName } from "./lexicon.ts";
import type { BriefTarget } from "./parse-note.ts";
import {
  groupBusId,
  insertInput,
  type MoveContext,
  predictEq,
  runProcessors,
  simulate,
  withFader,
} from "./simulate.ts";

export { groupBusId };

/** A feature before and after a move. */
export interface FeatureChange {
  feature: FeatureName;
  before: number;
  after: number;
}

/** One move of a proposal: what it does to the session, why, and what it should change. */
export interface Move {
  target: BriefTarget;
  descriptor: string;
  direction: "more" | "less";
  amount: number;
  /** Session edits, in order. Empty when the measurement says there is nothing to do (the reason says why). */
  changes: SessionChange[];
  /** One line naming the measured numbers and the processors. */
  reason: string;
  /** The descriptor's feature before and predicted after. */
  predicted: FeatureChange;
  /** Every feature predicted after the move (for bounds checks and A/B tables). */
  predictedFeatures?: Features;
  /**
   * Filled in after a render: the feature measured after all moves, the value predicted for that state
   * (`expected`: this move's prediction, or the last one's when several moves act on the target), and whether
   * they agree.
   */
  measured?: FeatureChange & { expected: number; ok: boolean };
}

/** The feature a descriptor is judged on for a target (the mix has no "level in the mix": its loudness). */
export function featureFor(d: Descriptor, target: BriefTarget): FeatureName {
  if (d.feature === "levelInMixDb" && target.kind === "mix") return "loudnessLufs";
  return d.feature;
}

/** Largest EQ boost or cut a move makes, dB. */
const MAX_EQ_DB = 9;

interface Plan {
  inserts: ProcessorJSON[];
  faderDb: number;
  sendDb: number;
  /** Changes besides inserts and fader (sends, new buses). */
  extra: SessionChange[];
  /** Measured facts behind the choice, for the reason. */
  why: string;
  /** Set when nothing is done: the reason. */
  nothing?: string;
  /** Change of the direct/reverb ratio, dB. */
  drDelta: number;
}

const emptyPlan = (): Plan => ({ inserts: [], faderDb: 0, sendDb: 0, extra: [], why: "", drDelta: 0 });

/** Finds x in [0, hi] (or [hi, 0]) where f(x) reaches `want`, f monotone with f(0) = 0; the end when unreachable. */
function solve(f: (x: number) => number, want: number, hi: number): number {
  if (want === 0) return 0;
  const reach = f(hi);
  if ((want > 0 && reach <= want) || (want < 0 && reach >= want)) return hi;
  let a = 0;
  let b = hi;
  for (let k = 0; k < 16; k++) {
    const m = (a + b) / 2;
    const v = f(m);
    if ((want > 0 && v < want) || (want < 0 && v > want)) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** Sizes one EQ gain so the named feature moves by `want`: bands(g) makes the bands for gain g dB. */
function sizeEq(
  ctx: MoveContext,
  feature: FeatureName,
  want: number,
  bands: (g: number) => EqBand[],
): EqBand[] {
  const before = ctx.measurement.features[feature];
  const f = (g: number) => predictEq(ctx, bands(g))[feature] - before;
  // Which sign of g moves the feature the wanted way.
  const up = f(1) >= f(-1);
  const sg = up === want > 0 ? 1 : -1;
  const g = sg * solve((x) => f(sg * x), want, MAX_EQ_DB);
  return bands(Math.round(g * 10) / 10).filter((b) => b.gainDb === undefined || Math.abs(b.gainDb) >= 0.1);
}

/** Centre of the strongest resonance in a band: the sixth-octave point standing highest above its surroundings. */
function peakIn(ctx: MoveContext, lo: number, hi: number): number {
  const s = ctx.measurement.spectrum;
  const level = (f: number, w: number) => {
    const a = Math.max(1, Math.floor(f / w / s.binHz));
    const b = Math.min(s.mid.length - 1, Math.ceil((f * w) / s.binHz));
    let p = 0;
    for (let k = a; k <= b; k++) p += s.mid[k];
    return 10 * Math.log10(p / (b - a + 1) + 1e-30);
  };
  let best = Math.sqrt(lo * hi);
  let bestScore = -Infinity;
  for (let f = lo * 2 ** (1 / 6); f <= (hi / 2 ** (1 / 6)) * 1.001; f *= 2 ** (1 / 12)) {
    const score = level(f, 2 ** (1 / 12)) - (level(f / 2, 2 ** (1 / 6)) + level(f * 2, 2 ** (1 / 6))) / 2;
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  return Math.round(best / 5) * 5;
}

const eq = (bands: EqBand[]): ProcessorJSON => ({ type: "eq", bands });
const fmt = (v: number, f?: FeatureName) =>
  `${v > 0 && f !== "loudnessLufs" ? "+" : ""}${v.toFixed(1)}${f ? featureUnit(f) : " dB"}`;

/** Seconds of the target's loudest stretch used to size processors (the final prediction uses all of it). */
const SIZING_SECONDS = 3;

/**
 * Sizes a processor parameter whose effect is only known by running it: tries `grid` values (ordered from
 * the gentlest) on the loudest few seconds, and interpolates where the feature change reaches `want`; the
 * value doing the most when none does.
 */
function sizeBySimulation(
  ctx: MoveContext,
  feature: FeatureName,
  want: number,
  grid: readonly number[],
  make: (x: number) => ProcessorJSON[],
): { x: number; inserts: ProcessorJSON[] } {
  const input = loudestWindow(insertInput(ctx), ctx.sampleRate, SIZING_SECONDS);
  const base = quickFeature(ctx, input, feature);
  let prevX = 0;
  let prevD = 0;
  let bestX = grid[grid.length - 1];
  let bestD = -Infinity;
  let x = bestX;
  for (const g of grid) {
    const d =
      (quickFeature(ctx, runProcessors(input, make(g), ctx.sampleRate), feature) - base) * Math.sign(want);
    const goal = Math.abs(want);
    if (d >= goal) {
      x = d - prevD > 1e-9 ? prevX + ((goal - prevD) / (d - prevD)) * (g - prevX) : g;
      bestD = Infinity;
      break;
    }
    if (d > bestD) {
      bestD = d;
      bestX = g;
    }
    prevX = g;
    prevD = d;
  }
  if (bestD !== Infinity) x = bestX;
  x = Math.round(x * 10) / 10;
  return { x, inserts: make(x) };
}

/** One feature of audio at the insert point (dynamics and tone only: level-independent features). */
function quickFeature(ctx: MoveContext, audio: Float32Array[], f: FeatureName): number {
  if (f === "crestDb" || f === "attackSustainDb" || f === "dynamicsDb")
    return dynamicFeatures(audio, ctx.sampleRate)[f];
  const s = spectralFeatures(powerSpectrum(audio, ctx.sampleRate));
  return (s as Record<string, number>)[f] ?? 0;
}

type Planner = (ctx: MoveContext, d: Descriptor, want: number, amount: number) => Plan;

/** An EQ-band planner: one band shape sized on the descriptor's feature. */
function bandPlanner(
  make: (ctx: MoveContext, g: number) => EqBand[],
  why: (ctx: MoveContext) => string,
): Planner {
  return (ctx, d, want) => {
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => make(ctx, g));
    p.inserts = bands.length ? [eq(bands)] : [];
    p.why = why(ctx);
    if (!bands.length) p.nothing = "the EQ it would take is under 0.1 dB";
    return p;
  };
}

/** A fault in a band: a bell at the measured resonance (cut for less, boost for more). */
function resonancePlanner(lo: number, hi: number, q: number): Planner {
  return (ctx, d, want) => {
    const f0 = peakIn(ctx, lo, hi);
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q }]);
    p.inserts = bands.length ? [eq(bands)] : [];
    p.why = `strongest resonance at ${f0} Hz, ${FEATURES[d.feature]} ${fmt(ctx.measurement.features[d.feature])}`;
    return p;
  };
}

const PLANNERS: Record<string, Planner> = {
  warm: (ctx, d, want) => {
    const f = ctx.measurement.features;
    // Already heavy at 250 Hz: add less there and take from 3-6 kHz instead.
    const heavy = f.mudDb;
    const boostShare = Math.max(0.2, Math.min(0.75, 0.75 - ((heavy + 12) / 8) * 0.55));
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [
      { kind: "lowshelf", freq: 220, gainDb: round1(g * boostShare), q: 0.7 },
      { kind: "peak", freq: 4500, gainDb: round1(-g * (1 - boostShare)), q: 0.8 },
    ]);
    p.inserts = [eq(bands)];
    p.why = `200-500 Hz at ${fmt(heavy)} against the rest, so ${Math.round(boostShare * 100)} % of it from the low shelf`;
    return p;
  },
  bright: (ctx, d, want) => {
    const f = ctx.measurement.features;
    const freq = f.airDb < -40 ? 3500 : f.harshDb > -9 && want > 0 ? 8000 : 5000;
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "highshelf", freq, gainDb: g, q: 0.7 }]);
    p.inserts = [eq(bands)];
    p.why =
      freq === 8000
        ? `2.5-6 kHz already at ${fmt(f.harshDb)}, so the shelf starts at 8 kHz`
        : freq === 3500
          ? `little above 10 kHz (${fmt(f.airDb)}), so the shelf starts at 3.5 kHz`
          : `shelf from 5 kHz`;
    return p;
  },
  air: (ctx, d, want) => {
    const f = ctx.measurement.features;
    const freq = f.airDb < -45 ? 8000 : 10000;
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "highshelf", freq, gainDb: g, q: 0.7 }]);
    p.inserts = [eq(bands)];
    p.why =
      freq === 8000 ? `almost nothing above 10 kHz (${fmt(f.airDb)}): shelf from 8 kHz` : "shelf from 10 kHz";
    return p;
  },
  crisp: bandPlanner(
    (ctx, g) => [{ kind: "peak", freq: peakIn(ctx, 5000, 9000), gainDb: g, q: 0.9 }],
    (ctx) => `bell at the 5-9 kHz peak (${peakIn(ctx, 5000, 9000)} Hz)`,
  ),
  muddy: resonancePlanner(200, 500, 1.2),
  boxy: resonancePlanner(350, 800, 1.6),
  honky: resonancePlanner(700, 1400, 1.8),
  nasal: resonancePlanner(1000, 2000, 2),
  harsh: resonancePlanner(2500, 6000, 2),
  boomy: resonancePlanner(60, 150, 1.4),
  smooth: (ctx, _d, want) => {
    const f0 = peakIn(ctx, 2500, 6000);
    const p = emptyPlan();
    // Smooth = less harsh through a wide, gentle dip (the harsh feature falls: want is negative for "more smooth").
    const bands = sizeEq(ctx, "harshDb", want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 0.7 }]);
    p.inserts = [eq(bands)];
    p.why = `wide bell at ${f0} Hz, where 2.5-6 kHz peaks`;
    return p;
  },
  sibilant: (ctx, d, want) => {
    const f0 = peakIn(ctx, 5000, 10000);
    const p = emptyPlan();
    if (want > 0) {
      const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 1.2 }]);
      p.inserts = [eq(bands)];
      p.why = `bell at the sibilance peak ${f0} Hz`;
      return p;
    }
    const split = Math.max(4000, Math.round(f0 / 1.6 / 100) * 100);
    // The threshold sits `depth` dB under the loud passages of the sibilance band.
    const sibLevel = loudPartDb(insertInput(ctx)) + ctx.measurement.features.sibilanceDb;
    const r = sizeBySimulation(ctx, d.feature, want, [4, 8, 12, 18, 24, 32], (depth) => [
      {
        type: "deesser",
        freq: split,
        thresholdDb: round1(Math.max(-60, Math.min(0, sibLevel - depth))),
        ratio: 6,
        rangeDb: 12,
        mode: "split",
      },
    ]);
    p.inserts = r.inserts;
    p.why = `sibilance peaks at ${f0} Hz (band at ${fmt(sibLevel)} RMS in loud passages): de-esser above ${split} Hz`;
    return p;
  },
  full: (ctx, d, want) => {
    const f = ctx.measurement.features;
    const freq = f.boomDb > f.bodyDb ? 220 : 160;
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq, gainDb: g, q: 0.8 }]);
    p.inserts = [eq(bands)];
    p.why =
      freq === 220
        ? `60-150 Hz already ${fmt(f.boomDb)}: body added at 220 Hz, above the boom`
        : "body added at 160 Hz";
    return p;
  },
  deep: (ctx, d, want) => {
    const f = ctx.measurement.features;
    const p = emptyPlan();
    if (f.subDb < -45 && want > 0) {
      p.nothing = `there is almost nothing below 60 Hz (${fmt(f.subDb)}) to bring up`;
      return p;
    }
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "lowshelf", freq: 70, gainDb: g, q: 0.7 }]);
    p.inserts = [eq(bands)];
    p.why = "low shelf below 70 Hz";
    return p;
  },
  tight: (ctx, d, want) => {
    // Tighter: shorter sustain after each note or hit, and the low-end ring taken out at its resonance.
    const p = emptyPlan();
    const amount = Math.abs(want) / d.step;
    const sustain = round1(Math.sign(want) * Math.min(12, 4 * amount));
    const f0 = peakIn(ctx, 60, 150);
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 1.2 }]);
    p.inserts = [
      { type: "transient", attackDb: 0, sustainDb: sustain },
      ...(bands.length ? [eq(bands)] : []),
    ];
    p.why = `sustain ${fmt(sustain)} on the transient shaper, low end ringing at ${f0} Hz`;
    return p;
  },
  punchy: (ctx, d, want) => {
    const p = emptyPlan();
    const sign = want >= 0 ? 1 : -1;
    const r = sizeBySimulation(
      ctx,
      d.feature,
      want,
      [3, 6, 9, 12, 15].map((v) => v * sign),
      (x) => [{ type: "transient", attackDb: x, sustainDb: 0 }],
    );
    p.inserts = r.inserts;
    p.why = `attack ${fmt(r.x)} on the transient shaper`;
    return p;
  },
  aggressive: (ctx, d, want) => {
    const p = emptyPlan();
    const f0 = 2500;
    if (want > 0) {
      const drive = round1(3 + 3 * Math.min(2, want / d.step));
      const sat: ProcessorJSON = {
        type: "saturation",
        mode: "tube",
        drive,
        mix: 0.5,
        outputDb: round1(-drive / 4),
      };
      const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 0.9 }]);
      p.inserts = [sat, eq(bands)];
      p.why = `tube drive ${drive} dB at half mix, bell at ${f0} Hz`;
    } else {
      const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 0.9 }]);
      p.inserts = [eq(bands)];
      p.why = `bell at ${f0} Hz`;
    }
    return p;
  },
  present: (ctx, d, want) => {
    const f0 = Math.min(4000, Math.max(2500, peakIn(ctx, 2000, 5000)));
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "peak", freq: f0, gainDb: g, q: 0.9 }]);
    p.inserts = [eq(bands)];
    p.why = `bell at ${f0} Hz`;
    return p;
  },
  forward: (ctx, d, want, amount) => {
    const p = emptyPlan();
    const sign = want >= 0 ? 1 : -1;
    const presence = round1(sign * Math.min(3, 1.5 * amount));
    const bands: EqBand[] = [{ kind: "peak", freq: 3000, gainDb: presence, q: 0.9 }];
    const feature = featureFor(d, ctx.target);
    const before = ctx.measurement.features[feature];
    const fader = solve((x) => predictEq(ctx, bands, sign * x)[feature] - before, want, 12) * sign;
    p.inserts = [eq(bands)];
    p.faderDb = round1(fader);
    const reverb = reverbSends(ctx);
    if (reverb.length) {
      p.sendDb = round1(-sign * 2 * amount);
      p.why = `presence ${fmt(presence)} at 3 kHz, fader ${fmt(p.faderDb)}, reverb sends ${fmt(p.sendDb)} (direct/reverb ${fmt(ctx.measurement.features.directToReverbDb)})`;
    } else p.why = `presence ${fmt(presence)} at 3 kHz, fader ${fmt(p.faderDb)}`;
    return p;
  },
  loud: (ctx, d, want) => {
    const p = emptyPlan();
    const feature = featureFor(d, ctx.target);
    const before = ctx.measurement.features[feature];
    const sign = want >= 0 ? 1 : -1;
    p.faderDb = round1(solve((x) => predictEq(ctx, [], sign * x)[feature] - before, want, 18) * sign);
    p.why = `fader ${fmt(p.faderDb)}`;
    return p;
  },
  wide: (ctx, _d, want) => {
    const f = ctx.measurement.features;
    const p = emptyPlan();
    if (f.widthDb <= -45) {
      p.nothing = `side/mid ${fmt(f.widthDb)}: the source is mono, nothing to ${want > 0 ? "widen" : "narrow"} (pan it, or add a stereo effect)`;
      return p;
    }
    const amountW = Math.max(0, Math.min(2, 10 ** (want / 20)));
    const w: ProcessorJSON = { type: "width", amount: Math.round(amountW * 100) / 100 };
    // Keep the low end centred when widening something with bass in it.
    if (want > 0 && f.lowDb > -15) w.monoBelowHz = 120;
    p.inserts = [w];
    p.why = `width ${w.amount}${w.monoBelowHz ? ", mono below 120 Hz" : ""} (correlation ${f.correlation.toFixed(2)})`;
    return p;
  },
  wet: (ctx, _d, want) => planReverb(ctx, want),
  big: (ctx, d, want) => {
    const f = ctx.measurement.features;
    const p = emptyPlan();
    const bands = sizeEq(ctx, d.feature, want, (g) => [{ kind: "lowshelf", freq: 110, gainDb: g, q: 0.7 }]);
    p.inserts = [eq(bands)];
    if (want > 0 && f.widthDb > -45) p.inserts.push({ type: "width", amount: 1.15, monoBelowHz: 120 });
    p.why = `low shelf below 110 Hz${p.inserts.length > 1 ? ", width 1.15 above 120 Hz" : ""}`;
    return p;
  },
  glue: (ctx, d, want) => {
    const p = emptyPlan();
    if (want > 0) {
      const ins = existingInserts(ctx, "compressor");
      if (!ins.length) {
        p.nothing = `no compressor on ${ctx.target.name} to open up; short-term dynamics are ${fmt(ctx.measurement.features.dynamicsDb)}`;
        return p;
      }
      p.nothing = "";
      return p;
    }
    // Threshold relative to the loud part of the material so it works the same at any level.
    const input = insertInput(ctx);
    const loud = loudPartDb(input);
    const r = sizeBySimulation(ctx, d.feature, want, [3, 6, 9, 12, 16, 20], (below) => [
      {
        type: "compressor",
        thresholdDb: round1(Math.max(-60, loud - below)),
        ratio: 2,
        attackMs: 30,
        releaseMs: 200,
        kneeDb: 6,
        detection: "rms",
        makeupDb: round1(below / 4),
      },
    ]);
    p.inserts = r.inserts;
    p.why = `2:1 bus compression, threshold ${r.x.toFixed(1)} dB under the loud passages (${fmt(loud)} RMS)`;
    return p;
  },
  dirty: (ctx, d, want) => {
    const p = emptyPlan();
    if (want > 0) {
      // "cleaner": turn existing saturation down.
      const sats = existingInserts(ctx, "saturation");
      if (!sats.length) {
        p.nothing = `no saturation on ${ctx.target.name}: it is already clean`;
        return p;
      }
      p.nothing = "";
      return p;
    }
    const r = sizeBySimulation(ctx, d.feature, want, [4, 8, 12, 18, 24], (drive) => [
      { type: "saturation", mode: "tube", drive, outputDb: round1(-drive / 3), mix: 1 },
    ]);
    p.inserts = r.inserts;
    p.why = `tube saturation, drive ${r.x.toFixed(1)} dB`;
    return p;
  },
};

/** Indices of the target strip's inserts of a type. */
function existingInserts(ctx: MoveContext, type: string): number[] {
  const strip = targetStrip(ctx.session, ctx.target);
  if (!strip) return [];
  return strip.inserts.map((p, i) => (p.type === type ? i : -1)).filter((i) => i >= 0);
}

function targetStrip(
  session: MoveContext["session"],
  target: BriefTarget,
): { inserts: Record<string, unknown>[]; ref: StripRef } | null {
  if (target.kind === "track") {
    const t = session.tracks.find((x) => x.id === target.id);
    return t ? { inserts: t.inserts, ref: { kind: "track", id: t.id } } : null;
  }
  if (target.kind === "bus") {
    const b = session.buses.find((x) => x.id === target.id);
    return b ? { inserts: b.inserts, ref: { kind: "bus", id: b.id } } : null;
  }
  if (target.kind === "mix")
    return { inserts: session.master.inserts, ref: { kind: "master", id: "master" } };
  const b = session.buses.find((x) => x.id === groupBusId(session, target));
  return b ? { inserts: b.inserts, ref: { kind: "bus", id: b.id } } : null;
}

/** The sends of the target (its members for a group) to aux buses, with their levels. */
function reverbSends(ctx: MoveContext): { strip: StripRef; bus: string; levelDb: number }[] {
  const out: { strip: StripRef; bus: string; levelDb: number }[] = [];
  const aux = new Set(ctx.session.buses.filter((b) => b.kind === "aux").map((b) => b.id));
  const strips = sendStrips(ctx);
  for (const s of strips) {
    const sends =
      s.ref.kind === "track"
        ? ctx.session.tracks.find((t) => t.id === s.ref.id)?.sends
        : ctx.session.buses.find((b) => b.id === s.ref.id)?.sends;
    for (const sd of sends ?? [])
      if (aux.has(sd.bus)) out.push({ strip: s.ref, bus: sd.bus, levelDb: sd.levelDb });
  }
  return out;
}

/** Strips whose sends carry the target: the track, the bus, or every member track of a group or the mix. */
function sendStrips(ctx: MoveContext): { ref: StripRef }[] {
  const t = ctx.target;
  if (t.kind === "track") return [{ ref: { kind: "track", id: t.id } }];
  if (t.kind === "bus") {
    const b = ctx.session.buses.find((x) => x.id === t.id);
    if (b?.sends.length) return [{ ref: { kind: "bus", id: t.id } }];
  }
  return t.trackIds.map((id) => ({ ref: { kind: "track" as const, id } }));
}

/** The reverb bus id a new send goes to: an existing aux bus with a reverb in it, or a new one. */
const NEW_REVERB_BUS = "reverb";

/** Energy ratio of a reverb chain, output over input, measured by running it. */
function reverbGain(ctx: MoveContext, processors: ProcessorJSON[], input: Float32Array[]): number {
  const stereo = input.length === 1 ? [input[0], input[0]] : input;
  const y = runProcessors(stereo, processors, ctx.sampleRate);
  const e = energy(stereo);
  return e > 0 ? energy(y) / e : 0;
}

function planReverb(ctx: MoveContext, want: number): Plan {
  const p = emptyPlan();
  const dr = ctx.measurement.features.directToReverbDb;
  const sends = reverbSends(ctx);
  // want is the change of the direct/reverb ratio: negative = wetter.
  if (sends.length) {
    const delta = round1(-want);
    p.sendDb = delta;
    p.why = `reverb sends ${fmt(delta)}`;
    return p;
  }
  if (want > 0) {
    p.nothing = `no reverb sends on ${ctx.target.name}: it is already dry (direct/reverb ${dr >= DRY_DB ? "no reverb" : fmt(dr)})`;
    return p;
  }
  // No reverb yet: send to an existing reverb bus or make one, at a level giving the wanted ratio.
  const existing = ctx.session.buses.find(
    (b) => b.kind === "aux" && b.inserts.some((x) => x.type === "reverb" || x.type === "convolution"),
  );
  const busId = existing?.id ?? uniqueBusId(ctx.session, NEW_REVERB_BUS);
  const processors = (existing?.inserts as ProcessorJSON[] | undefined) ?? [
    { type: "reverb", preset: "plate", decayS: 1.6, predelayMs: 20, mix: 1 },
  ];
  if (!existing)
    p.extra.push({ op: "add-bus", bus: { id: busId, name: "Reverb", kind: "aux", inserts: processors } });
  const goal = 16 + want; // a plain "wetter" on a dry source: direct/reverb about 12 dB
  const busGainDb = existing ? existing.volumeDb : 0;
  const g = reverbGain(ctx, processors, ctx.audio);
  const sendDb = round1(Math.max(-40, Math.min(6, -goal - 10 * Math.log10(g || 1e-6) - busGainDb)));
  for (const s of sendStrips(ctx))
    p.extra.push({ op: "set-send", strip: s.ref, bus: busId, fromDb: null, toDb: sendDb });
  p.drDelta = goal - dr;
  p.why = `${existing ? `send to ${busId}` : `new plate reverb bus "${busId}"`}, sends at ${fmt(sendDb)} (reverb returns ${fmt(10 * Math.log10(g || 1e-6))} of what it is sent)`;
  return p;
}

function uniqueBusId(session: MoveContext["session"], base: string): string {
  const taken = new Set([...session.buses.map((b) => b.id), ...session.tracks.map((t) => t.id)]);
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) if (!taken.has(`${base}-${k}`)) return `${base}-${k}`;
}

/**
 * Decides the move for one request from the measurement of its target.
 * @param amount size of the request (1 = a plain "warmer").
 */
export function decideMove(
  ctx: MoveContext,
  descriptor: string,
  direction: "more" | "less",
  amount: number,
): Move {
  return decideMoveWithResult(ctx, descriptor, direction, amount).move;
}

/** Descriptors whose moves change the level on purpose; every other move keeps the target's loudness. */
const LEVEL_MOVES = new Set(["loud", "forward", "wet"]);

/** The audio and measurement a move is predicted to leave (for the next move on the same target). */
export interface PredictedState {
  audio: Float32Array[];
  mix: Float32Array[];
  measurement: import("./features.ts").Measurement;
}

/** `decideMove`, with the predicted audio of the target and the mix after it (null when nothing changes). */
export function decideMoveWithResult(
  ctx: MoveContext,
  descriptor: string,
  direction: "more" | "less",
  amount: number,
): { move: Move; state: PredictedState | null } {
  const done = (move: Move) => ({ move, state: null });
  const d = descriptorByName(descriptor);
  const feature = featureFor(d, ctx.target);
  const before = ctx.measurement.features[feature];
  const want = d.sign * (direction === "more" ? 1 : -1) * d.step * amount;
  if (d.needs === "stereo" && ctx.target.kind === "track") {
    const tr = ctx.session.tracks.find((t) => t.id === ctx.target.id);
    if (tr?.channels === 1) {
      return done({
        target: ctx.target,
        descriptor,
        direction,
        amount,
        changes: [],
        reason: `${ctx.target.name} is a mono track: width is set by its pan (${tr.pan.toFixed(2)}), nothing to ${direction === "more" ? "widen" : "narrow"}`,
        predicted: { feature, before, after: before },
      });
    }
  }
  const plan = PLANNERS[descriptor](ctx, d, want, amount);
  if (plan.nothing !== undefined) {
    const reverse = reviseExisting(ctx, descriptor, amount);
    if (reverse)
      return done({
        target: ctx.target,
        descriptor,
        direction,
        amount,
        changes: reverse.changes,
        reason: reverse.reason,
        predicted: { feature, before, after: round2(before + reverse.delta) },
      });
    return done({
      target: ctx.target,
      descriptor,
      direction,
      amount,
      changes: [],
      reason: `${FEATURES[feature]} ${fmt(before, feature)}: ${plan.nothing || "nothing to change"}`,
      predicted: { feature, before, after: before },
    });
  }
  const run = () =>
    simulate(ctx, {
      inserts: plan.inserts,
      faderDb: plan.faderDb,
      directToReverbDeltaDb: plan.drDelta - plan.sendDb,
    });
  let sim = run();
  // Tone and dynamics moves keep the target's loudness (judged level-matched, as an engineer would A/B them).
  if (!LEVEL_MOVES.has(descriptor) && plan.inserts.length) {
    const drift = sim.features.loudnessLufs - ctx.measurement.features.loudnessLufs;
    if (Math.abs(drift) >= 0.3) {
      const before = plan.faderDb;
      plan.faderDb = round1(plan.faderDb - drift);
      plan.why += `, level kept (fader ${fmt(plan.faderDb)})`;
      sim = withFader(ctx, sim, plan.faderDb - before);
    }
  }
  const changes = planChanges(ctx, plan);
  const after = sim.features[feature];
  const what = [
    ...plan.inserts.map((x) => describeProcessor(x)),
    ...(plan.faderDb ? [`fader ${fmt(plan.faderDb)}`] : []),
  ].join(", ");
  const reason = `${FEATURES[feature]} ${fmt(before, feature)} → ${fmt(after, feature)}: ${plan.why}${what && !plan.why.includes("fader") ? ` [${what}]` : ""}`;
  const move: Move = {
    target: ctx.target,
    descriptor,
    direction,
    amount,
    changes,
    reason,
    predicted: { feature, before, after },
    predictedFeatures: sim.features,
  };
  return { move, state: { audio: sim.audio, mix: sim.mix, measurement: sim.measurement } };
}

/** Turning down what is there: "cleaner" lowers saturation drive, "more dynamic" lowers compressor ratios. */
function reviseExisting(
  ctx: MoveContext,
  descriptor: string,
  amount: number,
): { changes: SessionChange[]; reason: string; delta: number } | null {
  const strip = targetStrip(ctx.session, ctx.target);
  if (!strip) return null;
  const changes: SessionChange[] = [];
  if (descriptor === "dirty") {
    for (const [i, p] of strip.inserts.entries()) {
      if (p.type !== "saturation") continue;
      const from = typeof p.drive === "number" ? p.drive : 6;
      const to = round1(Math.max(0, from * (1 - Math.min(1, 0.5 * amount))));
      changes.push({ op: "set-param", strip: strip.ref, index: i, param: "drive", from, to });
    }
    if (!changes.length) return null;
    return {
      changes,
      reason: `saturation drive lowered (${changes.map((c) => c.op === "set-param" && `${c.from} → ${c.to} dB`).join(", ")}): crest factor ${fmt(ctx.measurement.features.crestDb)} should rise`,
      delta: 0.5 * amount,
    };
  }
  if (descriptor === "glue") {
    for (const [i, p] of strip.inserts.entries()) {
      if (p.type !== "compressor") continue;
      const from = typeof p.ratio === "number" ? p.ratio : 4;
      const to = Math.max(1, Math.round((1 + (from - 1) * (1 - Math.min(0.9, 0.5 * amount))) * 10) / 10);
      changes.push({ op: "set-param", strip: strip.ref, index: i, param: "ratio", from, to });
    }
    if (!changes.length) return null;
    return {
      changes,
      reason: `compressor ratio lowered: short-term dynamics ${fmt(ctx.measurement.features.dynamicsDb)} should open up`,
      delta: 0.3 * amount,
    };
  }
  return null;
}

/** Writes a plan as session changes on the target's strip (making a group bus first when needed). */
function planChanges(ctx: MoveContext, plan: Plan): SessionChange[] {
  const changes: SessionChange[] = [...plan.extra];
  const t = ctx.target;
  if (plan.inserts.length) {
    let strip = targetStrip(ctx.session, t);
    if (t.kind === "group") {
      // Every move on a group carries the bus it needs (applying it twice is harmless), so moves can be
      // accepted or dropped one by one.
      const id = groupBusId(ctx.session, t);
      if (ctx.session.tracks.some((x) => x.id === id))
        throw new BriefChangeError(`a track is called "${id}": cannot make the ${t.name} bus`);
      changes.push({
        op: "add-bus",
        bus: { id, name: `${t.name[0].toUpperCase()}${t.name.slice(1)}`, kind: "group", inserts: [] },
      });
      for (const m of t.trackIds) {
        const tr = ctx.measuredSession.tracks.find((x) => x.id === m)!;
        changes.push({ op: "set-output", strip: { kind: "track", id: m }, from: tr.output, to: id });
      }
      strip ??= { inserts: [], ref: { kind: "bus", id } };
    }
    if (!strip) throw new BriefChangeError(`no strip for ${t.name}`);
    plan.inserts.forEach((p, k) => {
      changes.push({ op: "add-insert", strip: strip.ref, index: strip.inserts.length + k, processor: p });
    });
  }
  const groupBus =
    t.kind === "group" ? ctx.session.buses.find((b) => b.id === groupBusId(ctx.session, t)) : undefined;
  const busMade = changes.some(
    (c) => c.op === "add-bus" && t.kind === "group" && c.bus.id === groupBusId(ctx.session, t),
  );
  if (plan.faderDb && (groupBus || busMade)) {
    const from = groupBus?.volumeDb ?? 0;
    changes.push({
      op: "set-volume",
      strip: { kind: "bus", id: groupBusId(ctx.session, t) },
      fromDb: from,
      toDb: round1(from + plan.faderDb),
    });
  } else if (plan.faderDb) {
    if (t.kind === "group") {
      for (const m of t.trackIds) {
        const tr = ctx.session.tracks.find((x) => x.id === m)!;
        changes.push({
          op: "set-volume",
          strip: { kind: "track", id: m },
          fromDb: tr.volumeDb,
          toDb: round1(tr.volumeDb + plan.faderDb),
        });
      }
    } else {
      const strip = targetStrip(ctx.session, t)!;
      const from =
        t.kind === "mix"
          ? ctx.session.master.volumeDb
          : t.kind === "track"
            ? ctx.session.tracks.find((x) => x.id === t.id)!.volumeDb
            : ctx.session.buses.find((x) => x.id === t.id)!.volumeDb;
      changes.push({
        op: "set-volume",
        strip: strip.ref,
        fromDb: from,
        toDb: round1(Math.max(-144, Math.min(24, from + plan.faderDb))),
      });
    }
  }
  if (plan.sendDb) {
    for (const s of reverbSends(ctx)) {
      changes.push({
        op: "set-send",
        strip: s.strip,
        bus: s.bus,
        fromDb: s.levelDb,
        toDb: round1(Math.max(-144, Math.min(24, s.levelDb + plan.sendDb))),
      });
    }
  }
  return changes;
}

/** Session changes putting processors (and a fader change) on the target's strip: for reference matching. */
export function stripChanges(ctx: MoveContext, inserts: ProcessorJSON[], faderDb: number): SessionChange[] {
  return planChanges(ctx, { ...emptyPlan(), inserts, faderDb });
}
