import { absorptionForGains } from "./absorption.ts";
import { DelayLine } from "./delay-line.ts";
import { GlidingLengths, GlidingTank } from "./tank.ts";

/**
 * A plate after the structure in J. Dattorro, "Effect Design Part 1: Reverberator and Other Filters"
 * (JAES 1997): four input allpass diffusers, then a figure-eight tank of two branches (modulated allpass →
 * delay → loss → allpass → delay → loss), each feeding the other, with the stereo output summed from taps
 * inside the tank. Lengths are the paper's, given at its 29 761 Hz rate and scaled to the sample rate and
 * `size`.
 *
 * Decay is calibrated from the lengths, not by ear: every delay element carries the loss that time costs at
 * the set RT60, g = 10^(−3·seconds/decayS). The allpasses (diffusers and tank) scale their recirculating
 * sample by it, each tank delay ends in a first-order absorption filter with that gain at 1 kHz (and the
 * damped gain at 8 kHz, making up for the allpass in its half-branch), and each output tap is scaled for its
 * position in its line. The whole response is then the lossless plate's response times an exact
 * exponential: RT60 = decayS at 1 kHz whatever the loop's modes (an allpass in a loop otherwise lets some
 * modes ring up to (1+g)/(1−g) times its length longer). The paper's separate `decay` gains and damping
 * low-pass become these filters.
 */

const REF_RATE = 29761;
/** Reference lengths: diffusers 0–3, left branch 4–7, right branch 8–11, left taps 12–18, right taps 19–25. */
const REF = [
  142, 107, 379, 277, 672, 4453, 1800, 3720, 908, 4217, 2656, 3163, 266, 2974, 1913, 1996, 1990, 187, 1066,
  353, 3627, 1228, 2673, 2111, 335, 121,
];
const DIFFUSION = [0.75, 0.75, 0.625, 0.625];
/** Tank allpass coefficients ("decay diffusion 1 and 2"); the first has inverted sign as in the paper. */
const DECAY_DIFF_1 = -0.7;
const DECAY_DIFF_2 = 0.5;
/** Modulation of the first tank allpasses: excursion at the reference rate (samples) and rates (Hz). */
const EXCURSION = 8;
const MOD_HZ_L = 0.71;
const MOD_HZ_R = 0.93;
/** Largest `size`. */
export const PLATE_MAX_SIZE = 2;
const OUT_GAIN = 0.6;
const PHASE_WRAP = 2 * Math.PI * 100;
/** Longest run processed at once on the whole-sample path. */
const CHUNK = 256;

export class PlateTank extends GlidingTank {
  private readonly fs: number;
  private readonly lines: DelayLine[];
  protected readonly len: GlidingLengths;
  private readonly excursion: number;
  /** Absorption filters: [left after delay 1, left after delay 2, right after 1, right after 2]. */
  private readonly absG = new Float64Array(4);
  private readonly absB = new Float64Array(4);
  private readonly absY = new Float64Array(4);
  /** Broadband loss per element at 1 kHz RT60: index as the lengths (allpasses and taps). */
  private readonly loss = new Float64Array(REF.length);
  private readonly work = {
    modL: new Float64Array(CHUNK),
    modR: new Float64Array(CHUNK),
  };
  private fbL = 0;
  private fbR = 0;
  private phase = 0;
  /**
   * The modulation sines as rotating phasors (sin, cos per branch): two multiplies and an add per value
   * instead of Math.sin each sample; re-seeded from Math.sin/cos when the phase wraps (every 100 s), so
   * rounding cannot build up. Equal to sin(MOD_HZ·phase) to ~1e−12.
   */
  private sinL = 0;
  private cosL = 1;
  private sinR = Math.sin(1.3);
  private cosR = Math.cos(1.3);
  private readonly rotL: readonly [number, number];
  private readonly rotR: readonly [number, number];

  constructor(sampleRate: number, size: number) {
    super();
    this.fs = sampleRate;
    const scale = (PLATE_MAX_SIZE * sampleRate) / REF_RATE;
    this.excursion = (EXCURSION * sampleRate) / REF_RATE;
    const w = (2 * Math.PI) / sampleRate;
    this.rotL = [Math.cos(MOD_HZ_L * w), Math.sin(MOD_HZ_L * w)];
    this.rotR = [Math.cos(MOD_HZ_R * w), Math.sin(MOD_HZ_R * w)];
    // Lines 0–11 only; taps read inside them.
    this.lines = REF.slice(0, 12).map(
      (r, i) => new DelayLine(r * scale + (i === 4 || i === 8 ? this.excursion + 2 : 2)),
    );
    this.len = new GlidingLengths(REF.length, sampleRate);
    this.size = size;
    this.len.set(this.targets(size), true);
  }

  protected targets(size: number): number[] {
    const s = (size * this.fs) / REF_RATE;
    return REF.map((r) => Math.max(1, r * s));
  }

  /** Losses from the (target) lengths; a size glide lasts only milliseconds. */
  protected redesign(): void {
    const t = this.len.target;
    const fs = this.fs;
    const mid = (samples: number) => 10 ** ((-3 * samples) / (fs * this.rtMid));
    const high = (samples: number) => 10 ** ((-3 * samples) / (fs * Math.min(this.rtMid, this.rtHigh)));
    for (let k = 0; k < REF.length; k++) this.loss[k] = mid(t[k]);
    // Each tank delay's filter: the delay's own loss at 1 kHz; at 8 kHz the damped loss of delay + the
    // preceding allpass, less what that allpass already takes. The one-sample hop between branches
    // belongs to the second delay.
    const segs = [
      [t[5], t[4]],
      [t[7] + 1, t[6]],
      [t[9], t[8]],
      [t[11] + 1, t[10]],
    ];
    for (let k = 0; k < 4; k++) {
      const [d, ap] = segs[k];
      const a = absorptionForGains(mid(d), high(d + ap) / mid(ap), fs);
      this.absG[k] = a.g;
      this.absB[k] = a.b;
    }
  }

  clear(): void {
    for (const l of this.lines) l.clear();
    this.absY.fill(0);
    this.fbL = 0;
    this.fbR = 0;
    this.seedPhasors(0);
    this.len.set(this.len.target, true);
  }

  /** Sets the phase and the phasors from it exactly. */
  private seedPhasors(phase: number): void {
    this.phase = phase;
    this.sinL = Math.sin(MOD_HZ_L * phase);
    this.cosL = Math.cos(MOD_HZ_L * phase);
    this.sinR = Math.sin(MOD_HZ_R * phase + 1.3);
    this.cosR = Math.cos(MOD_HZ_R * phase + 1.3);
  }

  /**
   * Fills `modL`/`modR` with the next `count` modulation values and advances the phasors (the same steps
   * whichever path runs, so output does not depend on block cuts).
   */
  private modulation(modL: Float64Array, modR: Float64Array, count: number): void {
    const exc = this.excursion;
    const dPhase = (2 * Math.PI) / this.fs;
    const [cl, sl] = this.rotL;
    const [cr, sr] = this.rotR;
    let sL = this.sinL;
    let cL = this.cosL;
    let sR = this.sinR;
    let cR = this.cosR;
    let phase = this.phase;
    for (let j = 0; j < count; j++) {
      modL[j] = exc * sL;
      modR[j] = exc * sR;
      phase += dPhase;
      if (phase > PHASE_WRAP) {
        // Whole cycles of both rates: re-seed exactly.
        this.seedPhasors(phase - PHASE_WRAP);
        phase = this.phase;
        sL = this.sinL;
        cL = this.cosL;
        sR = this.sinR;
        cR = this.cosR;
      } else {
        const tL = sL * cl + cL * sl;
        cL = cL * cl - sL * sl;
        sL = tL;
        const tR = sR * cr + cR * sr;
        cR = cR * cr - sR * sr;
        sR = tR;
      }
    }
    this.phase = phase;
    this.sinL = sL;
    this.cosL = cL;
    this.sinR = sR;
    this.cosR = cR;
  }

  /**
   * The fused pass reads every sample before it is overwritten (all delays ≥ 1), so any run length is
   * valid; runs are bounded only by the size of the scratch arrays.
   */
  protected chunkLength(): number {
    return CHUNK;
  }

  /**
   * Whole-sample lengths, in runs of one fused pass (`tank`) reading and writing the line buffers
   * directly. The arithmetic per sample is that of `processGliding`, in the same order, so results do not
   * depend on which path ran.
   */
  protected processStatic(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    c: number,
  ): void {
    this.tank(inL, inR, outL, outR, start, c);
  }

  /**
   * Input diffusers, modulation, the figure-eight tank and the output taps over a run, one pass with the
   * state in registers:
   * per sample exactly the steps of `processGliding` (whole-sample reads), in its order.
   */
  private tank(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    c: number,
  ): void {
    const n = this.len.current;
    const [, , , , ap1L, d1L, ap2L, d2L, ap1R, d1R, ap2R, d2R] = this.lines;
    const g = this.loss;
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    // Buffers, masks and write positions: A = modulated allpass, 1 = first delay, P = second allpass,
    // 2 = second delay; L and R branches.
    const bAL = ap1L.buffer;
    const b1L = d1L.buffer;
    const bPL = ap2L.buffer;
    const b2L = d2L.buffer;
    const bAR = ap1R.buffer;
    const b1R = d1R.buffer;
    const bPR = ap2R.buffer;
    const b2R = d2R.buffer;
    const mAL = ap1L.mask;
    const m1L = d1L.mask;
    const mPL = ap2L.mask;
    const m2L = d2L.mask;
    const mAR = ap1R.mask;
    const m1R = d1R.mask;
    const mPR = ap2R.mask;
    const m2R = d2R.mask;
    const pAL = ap1L.pos;
    const p1L = d1L.pos;
    const pPL = ap2L.pos;
    const p2L = d2L.pos;
    const pAR = ap1R.pos;
    const p1R = d1R.pos;
    const pPR = ap2R.pos;
    const p2R = d2R.pos;
    const nAL = n[4];
    const nAR = n[8];
    const r1L = (p1L - n[5]) | 0;
    const rPL = (pPL - n[6]) | 0;
    const r2L = (p2L - n[7]) | 0;
    const r1R = (p1R - n[9]) | 0;
    const rPR = (pPR - n[10]) | 0;
    const r2R = (p2R - n[11]) | 0;
    const gAL = g[4];
    const gPL = g[6];
    const gAR = g[8];
    const gPR = g[10];
    const aG0 = aG[0];
    const aG1 = aG[1];
    const aG2 = aG[2];
    const aG3 = aG[3];
    const aB0 = aB[0];
    const aB1 = aB[1];
    const aB2 = aB[2];
    const aB3 = aB[3];
    let s0 = aY[0];
    let s1 = aY[1];
    let s2 = aY[2];
    let s3 = aY[3];
    let fbL = this.fbL;
    let fbR = this.fbR;
    // Taps: read after the sample's writes, t back from the advanced write position.
    const t12 = (p1R + 1 - n[12]) | 0;
    const t13 = (p1R + 1 - n[13]) | 0;
    const t14 = (pPR + 1 - n[14]) | 0;
    const t15 = (p2R + 1 - n[15]) | 0;
    const t16 = (p1L + 1 - n[16]) | 0;
    const t17 = (pPL + 1 - n[17]) | 0;
    const t18 = (p2L + 1 - n[18]) | 0;
    const t19 = (p1L + 1 - n[19]) | 0;
    const t20 = (p1L + 1 - n[20]) | 0;
    const t21 = (pPL + 1 - n[21]) | 0;
    const t22 = (p2L + 1 - n[22]) | 0;
    const t23 = (p1R + 1 - n[23]) | 0;
    const t24 = (pPR + 1 - n[24]) | 0;
    const t25 = (p2R + 1 - n[25]) | 0;
    // Input diffusers.
    const [l0, l1, l2, l3] = this.lines;
    const e0 = l0.buffer;
    const e1 = l1.buffer;
    const e2 = l2.buffer;
    const e3 = l3.buffer;
    const k0m = l0.mask;
    const k1m = l1.mask;
    const k2m = l2.mask;
    const k3m = l3.mask;
    const q0 = l0.pos;
    const q1 = l1.pos;
    const q2 = l2.pos;
    const q3 = l3.pos;
    const u0 = (q0 - n[0]) | 0;
    const u1 = (q1 - n[1]) | 0;
    const u2 = (q2 - n[2]) | 0;
    const u3 = (q3 - n[3]) | 0;
    const [k0, k1, k2, k3] = DIFFUSION;
    const h0 = g[0];
    const h1 = g[1];
    const h2 = g[2];
    const h3 = g[3];
    // The modulation phasors, advanced per sample as in `modulation`.
    const exc = this.excursion;
    const dPhase = (2 * Math.PI) / this.fs;
    const [ccL, ssL] = this.rotL;
    const [ccR, ssR] = this.rotR;
    let sinL = this.sinL;
    let cosL = this.cosL;
    let sinR = this.sinR;
    let cosR = this.cosR;
    let phase = this.phase;
    const g12 = g[12];
    const g13 = g[13];
    const g14 = g[14];
    const g15 = g[15];
    const g16 = g[16];
    const g17 = g[17];
    const g18 = g[18];
    const g19 = g[19];
    const g20 = g[20];
    const g21 = g[21];
    const g22 = g[22];
    const g23 = g[23];
    const g24 = g[24];
    const g25 = g[25];
    for (let j = 0; j < c; j++) {
      const modL = exc * sinL;
      const modR = exc * sinR;
      phase += dPhase;
      if (phase > PHASE_WRAP) {
        this.seedPhasors(phase - PHASE_WRAP);
        phase = this.phase;
        sinL = this.sinL;
        cosL = this.cosL;
        sinR = this.sinR;
        cosR = this.cosR;
      } else {
        const tL = sinL * ccL + cosL * ssL;
        cosL = cosL * ccL - sinL * ssL;
        sinL = tL;
        const tR = sinR * ccR + cosR * ssR;
        cosR = cosR * ccR - sinR * ssR;
        sinR = tR;
      }
      let u = 0.5 * (inL[start + j] + inR[start + j]);
      let dv = h0 * e0[(u0 + j) & k0m];
      let dw = u - k0 * dv;
      e0[(q0 + j) & k0m] = flush(dw);
      u = dv + k0 * dw;
      dv = h1 * e1[(u1 + j) & k1m];
      dw = u - k1 * dv;
      e1[(q1 + j) & k1m] = flush(dw);
      u = dv + k1 * dw;
      dv = h2 * e2[(u2 + j) & k2m];
      dw = u - k2 * dv;
      e2[(q2 + j) & k2m] = flush(dw);
      u = dv + k2 * dw;
      dv = h3 * e3[(u3 + j) & k3m];
      dw = u - k3 * dv;
      e3[(q3 + j) & k3m] = flush(dw);
      const xj = dv + k3 * dw;
      // Left branch (fed by the right branch's previous output).
      let d = nAL + modL;
      let di = d | 0;
      let f = d - di;
      let i = pAL + j - di;
      let a = bAL[i & mAL];
      let v = gAL * (a + f * (bAL[(i - 1) & mAL] - a));
      let w = xj + fbR - DECAY_DIFF_1 * v;
      bAL[(pAL + j) & mAL] = flush(w);
      let y = v + DECAY_DIFF_1 * w;
      let z = b1L[(r1L + j) & m1L];
      b1L[(p1L + j) & m1L] = flush(y);
      s0 = flush(aG0 * z + aB0 * s0);
      v = gPL * bPL[(rPL + j) & mPL];
      w = s0 - DECAY_DIFF_2 * v;
      bPL[(pPL + j) & mPL] = flush(w);
      y = v + DECAY_DIFF_2 * w;
      z = b2L[(r2L + j) & m2L];
      b2L[(p2L + j) & m2L] = flush(y);
      s1 = flush(aG1 * z + aB1 * s1);
      // Right branch (fed by the left branch's previous output).
      d = nAR + modR;
      di = d | 0;
      f = d - di;
      i = pAR + j - di;
      a = bAR[i & mAR];
      v = gAR * (a + f * (bAR[(i - 1) & mAR] - a));
      w = xj + fbL - DECAY_DIFF_1 * v;
      bAR[(pAR + j) & mAR] = flush(w);
      y = v + DECAY_DIFF_1 * w;
      z = b1R[(r1R + j) & m1R];
      b1R[(p1R + j) & m1R] = flush(y);
      s2 = flush(aG2 * z + aB2 * s2);
      v = gPR * bPR[(rPR + j) & mPR];
      w = s2 - DECAY_DIFF_2 * v;
      bPR[(pPR + j) & mPR] = flush(w);
      y = v + DECAY_DIFF_2 * w;
      z = b2R[(r2R + j) & m2R];
      b2R[(p2R + j) & m2R] = flush(y);
      s3 = flush(aG3 * z + aB3 * s3);
      fbL = s1;
      fbR = s3;
      outL[start + j] =
        OUT_GAIN *
        (g12 * b1R[(t12 + j) & m1R] +
          g13 * b1R[(t13 + j) & m1R] -
          g14 * bPR[(t14 + j) & mPR] +
          g15 * b2R[(t15 + j) & m2R] -
          g16 * b1L[(t16 + j) & m1L] -
          g17 * bPL[(t17 + j) & mPL] -
          g18 * b2L[(t18 + j) & m2L]);
      outR[start + j] =
        OUT_GAIN *
        (g19 * b1L[(t19 + j) & m1L] +
          g20 * b1L[(t20 + j) & m1L] -
          g21 * bPL[(t21 + j) & mPL] +
          g22 * b2L[(t22 + j) & m2L] -
          g23 * b1R[(t23 + j) & m1R] -
          g24 * bPR[(t24 + j) & mPR] -
          g25 * b2R[(t25 + j) & m2R]);
    }
    aY[0] = s0;
    aY[1] = s1;
    aY[2] = s2;
    aY[3] = s3;
    this.phase = phase;
    this.sinL = sinL;
    this.cosL = cosL;
    this.sinR = sinR;
    this.cosR = cosR;
    this.fbL = fbL;
    this.fbR = fbR;
    l0.pos = (q0 + c) & k0m;
    l1.pos = (q1 + c) & k1m;
    l2.pos = (q2 + c) & k2m;
    l3.pos = (q3 + c) & k3m;
    ap1L.pos = (pAL + c) & mAL;
    d1L.pos = (p1L + c) & m1L;
    ap2L.pos = (pPL + c) & mPL;
    d2L.pos = (p2L + c) & m2L;
    ap1R.pos = (pAR + c) & mAR;
    d1R.pos = (p1R + c) & m1R;
    ap2R.pos = (pPR + c) & mPR;
    d2R.pos = (p2R + c) & m2R;
  }

  protected processGliding(
    inL: Float64Array,
    inR: Float64Array,
    outL: Float64Array,
    outR: Float64Array,
    start: number,
    count: number,
  ): void {
    const L = this.lines;
    const len = this.len;
    const n = len.current;
    const [ap0, ap1, ap2, ap3, ap1L, d1L, ap2L, d2L, ap1R, d1R, ap2R, d2R] = L;
    const aG = this.absG;
    const aB = this.absB;
    const aY = this.absY;
    const g = this.loss;
    const { modL, modR } = this.work;
    this.modulation(modL, modR, count);
    let fbL = this.fbL;
    let fbR = this.fbR;
    for (let i = start; i < start + count; i++) {
      if (len.gliding) len.step();
      // Input diffusion of the mono sum.
      let x = 0.5 * (inL[i] + inR[i]);
      x = lossyAllpass(ap0, n[0], DIFFUSION[0], g[0], x);
      x = lossyAllpass(ap1, n[1], DIFFUSION[1], g[1], x);
      x = lossyAllpass(ap2, n[2], DIFFUSION[2], g[2], x);
      x = lossyAllpass(ap3, n[3], DIFFUSION[3], g[3], x);
      // Left branch (fed by the right branch's output).
      let a = lossyAllpass(ap1L, n[4] + modL[i - start], DECAY_DIFF_1, g[4], x + fbR);
      let v = d1L.readLinear(n[5]);
      d1L.write(a);
      let y = (aY[0] = flush(aG[0] * v + aB[0] * aY[0]));
      a = lossyAllpass(ap2L, n[6], DECAY_DIFF_2, g[6], y);
      v = d2L.readLinear(n[7]);
      d2L.write(a);
      const newL = (aY[1] = flush(aG[1] * v + aB[1] * aY[1]));
      // Right branch (fed by the left branch's output).
      a = lossyAllpass(ap1R, n[8] + modR[i - start], DECAY_DIFF_1, g[8], x + fbL);
      v = d1R.readLinear(n[9]);
      d1R.write(a);
      y = aY[2] = flush(aG[2] * v + aB[2] * aY[2]);
      a = lossyAllpass(ap2R, n[10], DECAY_DIFF_2, g[10], y);
      v = d2R.readLinear(n[11]);
      d2R.write(a);
      const newR = (aY[3] = flush(aG[3] * v + aB[3] * aY[3]));
      fbL = newL;
      fbR = newR;
      // Output taps inside the tank.
      outL[i] =
        OUT_GAIN *
        (g[12] * d1R.readLinear(n[12]) +
          g[13] * d1R.readLinear(n[13]) -
          g[14] * ap2R.readLinear(n[14]) +
          g[15] * d2R.readLinear(n[15]) -
          g[16] * d1L.readLinear(n[16]) -
          g[17] * ap2L.readLinear(n[17]) -
          g[18] * d2L.readLinear(n[18]));
      outR[i] =
        OUT_GAIN *
        (g[19] * d1L.readLinear(n[19]) +
          g[20] * d1L.readLinear(n[20]) -
          g[21] * ap2L.readLinear(n[21]) +
          g[22] * d2L.readLinear(n[22]) -
          g[23] * d1R.readLinear(n[23]) -
          g[24] * ap2R.readLinear(n[24]) -
          g[25] * d2R.readLinear(n[25]));
    }
    this.fbL = fbL;
    this.fbR = fbR;
  }
}

/** Schroeder allpass (g + z^−M)/(1 + g·z^−M) over `line`, M possibly fractional (≥ 1). */
export function allpass(line: DelayLine, m: number, g: number, x: number): number {
  const v = line.readLinear(m);
  const w = x - g * v;
  line.write(w);
  return v + g * w;
}

/** The allpass with its delay scaled by `loss` (z^−M → loss·z^−M): decays at the rate the loss sets. */
function lossyAllpass(line: DelayLine, m: number, g: number, loss: number, x: number): number {
  const v = loss * line.readLinear(m);
  const w = x - g * v;
  line.write(w);
  return v + g * w;
}

function flush(x: number): number {
  return Math.abs(x) < 1e-25 ? 0 : x;
}
