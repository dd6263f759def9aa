import { FAST_MATH, fastExp } from "../../core/fast-math.ts";
import {
  buildKernelModule,
  Code,
  type CompiledKernel,
  compileKernel,
  F64,
  I32,
  V128,
} from "../../core/wasm.ts";
import { DB_TO_LN, LN_POWER_TO_DB } from "./gain-computer.ts";

/** Frames per kernel call; longer blocks go through in runs of this many (the reduction carries over). */
export const COMPRESSOR_KERNEL_CHUNK = 4096;

/** Gain reductions below this (dB) are zero (as `GR_FLOOR_DB` in compressor.ts). */
const GR_FLOOR_DB = 1e-9;

/**
 * The compressor's peak fast path (`peakHardKneeApply` / `peakHardKneeApplyMono` in compressor.ts) as
 * generated WebAssembly. The level → target part (a log per sample) and the gain → output part (an exp per
 * sample) do not depend on the recursion, so they run as `f64x2` pairs, `UNROLL` pairs at a time with their
 * chains interleaved; only the reduction's recursion goes sample by sample (a first loop writes all the
 * targets, a second runs the recursion and, beside it, the gains and the output). Every operation is the
 * TypeScript loop's, in the same order and precision (double arithmetic, no fused multiply-add, the same
 * tables read from the kernel's memory, float32 stores rounded to nearest even), so the output is the same
 * to the last bit; the few places where the form differs are argued in `generate`. One instance per thread
 * and channel count is shared by every compressor: the kernel keeps no state between calls.
 *
 * Memory layout (bytes): the tables LOG_INV and LOG_OF (interleaved), EXP_FRAC, EXP_POW2 (f64) from 0; from `IO` the float32
 * runs level 0, level 1, audio 0, audio 1, out 0, out 1, `COMPRESSOR_KERNEL_CHUNK` each; then the scratch
 * of targets (f64 per sample).
 */
export class CompressorKernel {
  private readonly run: (...args: number[]) => number;
  private readonly f32: Float32Array;
  private readonly channels: number;

  private constructor(compiled: CompiledKernel, channels: number) {
    const inst = compiled.instantiate();
    this.channels = channels;
    this.run = inst.run;
    this.f32 = new Float32Array(inst.memory);
    writeTables(inst.memory);
  }

  /** The shared kernel for 1 or 2 channels, or null when the host cannot run WebAssembly SIMD. */
  static get(channels: 1 | 2): CompressorKernel | null {
    let k = shared[channels];
    if (k === undefined) {
      const compiled = compileKernel(generate(channels === 2));
      k = compiled ? new CompressorKernel(compiled, channels) : null;
      shared[channels] = k;
    }
    return k;
  }

  /**
   * The peak fast path over `frames` samples: levels from the float32 bits of `level` (the louder of the
   * channels), gains applied to `audio` (the same arrays, or the lookahead-delayed input) into `output`
   * (may be `audio` or `level`: in place is fine). Arguments as `peakHardKneeApply`'s; returns the
   * reduction after the last sample. Needs 0 ≤ aA ≤ aR ≤ 1 (the compressor's peak fast path, the only caller,
   * declines attack slower than release), 0 ≤ S and a finite reduction ≥ 0, as the compressor's parameters
   * give (see `generate` for why).
   */
  apply(
    level: readonly Float32Array[],
    audio: readonly Float32Array[],
    output: Float32Array[],
    frames: number,
    reduction: number,
    thresholdBits: number,
    T: number,
    S: number,
    makeup: number,
    aA: number,
    aR: number,
  ): number {
    const n = this.channels;
    const mem = this.f32;
    const sameAudio = audio[0] === level[0];
    const makeupGain = fastExp(makeup * DB_TO_LN);
    let y = reduction;
    for (let at = 0; at < frames; at += CHUNK) {
      const m = Math.min(CHUNK, frames - at);
      for (let c = 0; c < n; c++) {
        mem.set(level[c].subarray(at, at + m), (IO >> 2) + c * CHUNK);
        if (!sameAudio) mem.set(audio[c].subarray(at, at + m), (IO >> 2) + (2 + c) * CHUNK);
      }
      const a0 = sameAudio ? IO : IO + 8 * CHUNK;
      y = this.run(m, a0, a0 + 4 * CHUNK, y, thresholdBits, T, S, makeup, aA, aR, makeupGain);
      for (let c = 0; c < n; c++) {
        const from = (IO >> 2) + (4 + c) * CHUNK;
        output[c].set(mem.subarray(from, from + m), at);
      }
    }
    return y;
  }
}

const CHUNK = COMPRESSOR_KERNEL_CHUNK;
/**
 * Pairs per turn of the log and exp loops, their chains interleaved (one pair's chain alone leaves the FP
 * units idle). Worst-case signal (every sample over the threshold), ns per mono sample: 1 → 10–11, 2 → 9,
 * 3 → 7–8, 4 → 7–8.
 */
const UNROLL = 3;
const shared: (CompressorKernel | null | undefined)[] = [];
/** Shuffle: lane 0 of the first vector, then lane 0 of the second. */
const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** Shuffle: lane 1 of the first vector, then lane 1 of the second. */
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
/** Shuffle: the low 32 bits of each double into i32 lanes 0 and 1 (lanes 2, 3 the same again). */
const LOW_WORDS = [0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11];

/** LOG_INV and LOG_OF interleaved: one 16-byte row per index. */
const T_LOG = 0;
const T_EXP_FRAC = 4096;
const T_EXP_POW2 = 6144;
const IO = 24576;
const L0 = IO;
const L1 = IO + 4 * CHUNK;
const O0 = IO + 16 * CHUNK;
const O1 = IO + 20 * CHUNK;
/** The targets, f64 per sample (a few past the run: the targets loop goes in whole turns). */
const SCRATCH = IO + 24 * CHUNK;

/**
 * The tables into a kernel's memory. (Copied in from here, not a data segment in the module: building the
 * module byte by byte took ~20 ms of cold code per thread with the tables in it, and a small module is
 * compiled synchronously even where large ones are refused.)
 */
function writeTables(memory: ArrayBuffer): void {
  const f = new Float64Array(memory, 0, (T_EXP_POW2 >> 3) + FAST_MATH.EXP_POW2.length);
  if (f.byteLength > IO) throw new RangeError("compressor kernel: tables overlap the runs");
  for (let k = 0; k < 256; k++) {
    f[(T_LOG >> 3) + 2 * k] = FAST_MATH.LOG_INV[k];
    f[(T_LOG >> 3) + 2 * k + 1] = FAST_MATH.LOG_OF[k];
  }
  f.set(FAST_MATH.EXP_FRAC, T_EXP_FRAC >> 3);
  f.set(FAST_MATH.EXP_POW2, T_EXP_POW2 >> 3);
}

/**
 * run(frames, audio0, audio1, reduction, thresholdBits, T, S, makeup, aA, aR, makeupGain) → reduction;
 * audio0/1 are byte addresses (the level runs themselves without lookahead).
 *
 * Where the kernel differs in form from the TypeScript loop, the bits are still the same:
 * - a pair with a sample above the threshold takes the log of both and ANDs each with its comparison's
 *   mask: +0 below, as the loop's `over = 0` (the log of any float32 bits is finite, so nothing leaks);
 * - `Math.max(a, b)` becomes `pmax` (a < b ? b : a): they differ only for NaN and for a −0/+0 pair. `over`
 *   is never NaN or −0 (a finite log times a constant minus T, and e·ln2 + (…) is −0 only when both are −0,
 *   never, as e·ln2 is +0 for e = 0); ya and yr are ≥ +0 (products and sums of non-negative numbers);
 * - a pair with a reduction above 0 takes exp((makeup − y) · kG) for both: for y = 0 that is exp(makeup · kG)
 *   exactly, the loop's `makeupGain` (passed in, from the same fastExp);
 * - `Math.min(Math.max(u, LO), HI)` in fastExp becomes pmax/pmin: u is finite, and the constants are not 0;
 * - `nf | 0` is read from the bits of nf + ROUND (nf is an integer well inside i32).
 */
function generate(stereo: boolean): Uint8Array {
  const M = FAST_MATH;
  // Parameters.
  const FR = 0;
  const AU0 = 1;
  const AU1 = 2;
  const YP = 3;
  const THR = 4;
  const TP = 5;
  const SP = 6;
  const MKP = 7;
  const AAP = 8;
  const ARP = 9;
  const MGP = 10;
  let next = 11;
  const local = () => next++;
  const groups = (n: number) => Array.from({ length: n }, local);
  // i32 locals.
  const J = local();
  const END = local();
  const K0 = groups(UNROLL);
  const K1 = groups(UNROLL);
  const i32s = next - J;
  // v128 locals.
  const firstVector = next;
  const Y = local();
  const VMG = local();
  const VTHR = local();
  const VT = local();
  const VS = local();
  const VMK = local();
  const VAA = local();
  const VBA = local();
  const VAR = local();
  const VBR = local();
  const TG = local();
  const YA = local();
  const TA = local();
  const TR = local();
  const F = groups(UNROLL);
  const MASK = groups(UNROLL);
  const E = groups(UNROLL);
  const MI = groups(UNROLL);
  const R = groups(UNROLL);
  const ACC = groups(UNROLL);
  const IDX = groups(UNROLL);
  const NF = groups(UNROLL);
  const N = groups(UNROLL);
  const GAIN = groups(UNROLL);
  const vectors = next - firstVector;

  const c = new Code();
  /** `emit(g)` for each group g < n: the groups' independent chains are interleaved op by op. */
  const each = (n: number, emit: (g: number) => void) => {
    for (let g = 0; g < n; g++) emit(g);
  };
  /** Byte offsets (lanes 0, 1 of the i32x4 on the stack) into K0[g], K1[g]. */
  const offsets = (g: number) => {
    c.localTee(IDX[g]).i32x4ExtractLane(0).localSet(K0[g]);
    c.localGet(IDX[g]).i32x4ExtractLane(1).localSet(K1[g]);
  };
  /** Two table entries at the byte offsets in K0[g], K1[g] (lanes 0 and 1). */
  const gather = (g: number, table: number) => {
    c.localGet(K1[g]).localGet(K0[g]).v128Load64Zero(table, 3).v128Load64Lane(table, 1);
  };
  /** ACC[g] = c0 + ACC[g] · r. */
  const horner = (n: number, r: number[], c0: number) =>
    each(n, (g) => c.localGet(ACC[g]).localGet(r[g]).f64x2Mul().f64x2Const(c0).f64x2Add().localSet(ACC[g]));
  /** Scratch address (16 bytes a pair) of group g's pair. */
  const scratch = (g: number) =>
    c
      .localGet(J)
      .i32Const(1)
      .i32Shl()
      .i32Const(16 * g)
      .i32Add();

  /** Targets S · max(over, 0) of n pairs from J into the scratch. */
  const targets = (n: number) => {
    // Level: |x| as float32 bits (the louder channel), capped at the largest finite float32.
    each(n, (g) => {
      c.localGet(J)
        .v128Load64Zero(L0 + 8 * g)
        .i32x4Const(0x7fffffff)
        .v128And();
      if (stereo)
        c.localGet(J)
          .v128Load64Zero(L1 + 8 * g)
          .i32x4Const(0x7fffffff)
          .v128And()
          .i32x4MaxS();
      c.i32x4Const(0x7f7fffff).i32x4MinS().localSet(F[g]);
    });
    each(n, (g) => c.localGet(F[g]).localGet(VTHR).i32x4GtS().i64x2ExtendLowI32x4S().localSet(MASK[g]));
    // All under the threshold: targets +0 (as the mask below gives), no log.
    c.localGet(MASK[0]);
    for (let g = 1; g < n; g++) c.localGet(MASK[g]).v128Or();
    c.v128AnyTrue().i32Eqz().if();
    each(n, (g) => scratch(g).f64x2Const(0).v128Store(SCRATCH, 3));
    c.else();
    // fastLogAbsF32Bits.
    each(n, (g) => {
      c.localGet(F[g]).i32Const(23).i32x4ShrU().i32x4Const(127).i32x4Sub();
      c.f64x2ConvertLowI32x4S().localSet(E[g]);
    });
    each(n, (g) => {
      c.localGet(F[g]).i32x4Const(0x7fffff).v128And().localTee(MI[g]);
      c.i32Const(15).i32x4ShrU().i32Const(4).i32x4Shl();
      offsets(g);
      // The table rows (1/c, ln c) of both lanes; NF and N are free until the exp.
      c.localGet(K0[g]).v128Load(T_LOG, 4).localSet(NF[g]);
      c.localGet(K1[g]).v128Load(T_LOG, 4).localSet(N[g]);
    });
    each(n, (g) => {
      c.localGet(MI[g]).f64x2ConvertLowI32x4S().f64x2Const(1.1920928955078125e-7).f64x2Mul();
      c.f64x2Const(1).f64x2Add();
      c.localGet(NF[g]).localGet(N[g]).i8x16Shuffle(LOW_LANES);
      c.f64x2Mul().f64x2Const(1).f64x2Sub().localSet(R[g]);
    });
    // p = r·(1 + r·(−0.5 + r·(1/3 + r·(−0.25 + r·(0.2 − r/6))))).
    each(n, (g) => {
      c.f64x2Const(0.2).localGet(R[g]).f64x2Const(0.16666666666666666).f64x2Mul().f64x2Sub();
      c.localSet(ACC[g]);
    });
    horner(n, R, -0.25);
    horner(n, R, 0.3333333333333333);
    horner(n, R, -0.5);
    horner(n, R, 1);
    // ln = e·ln2_hi + (LOG_OF + p + e·ln2_lo); over = ln·kA − T above the threshold, +0 below;
    // target = S · max(over, 0).
    each(n, (g) => {
      scratch(g);
      c.localGet(E[g]).f64x2Const(M.LN2_HI).f64x2Mul();
      c.localGet(NF[g]).localGet(N[g]).i8x16Shuffle(HIGH_LANES);
      c.localGet(ACC[g]).localGet(R[g]).f64x2Mul().f64x2Add();
      c.localGet(E[g]).f64x2Const(M.LN2_LO).f64x2Mul().f64x2Add().f64x2Add();
      c.f64x2Const(2 * LN_POWER_TO_DB)
        .f64x2Mul()
        .localGet(VT)
        .f64x2Sub()
        .localGet(MASK[g])
        .v128And();
      c.f64x2Const(0).f64x2Pmax().localGet(VS).f64x2Mul();
      c.v128Store(SCRATCH, 3);
    });
    c.end();
  };

  /**
   * Gains exp((makeup − y) · kG) of n pairs from J (y from the scratch) applied to the audio; `single`: one
   * sample (lane 0 stored).
   */
  const apply = (n: number, single = false) => {
    // The reductions of the pairs, sample by sample (the chain; y0 and y1 are then paired up off it).
    for (let g = 0; g < n; g++) {
      step(() => scratch(g).v128Load64Zero(SCRATCH, 3));
      if (single) {
        c.localGet(Y).localSet(ACC[g]);
        continue;
      }
      c.localGet(Y).localSet(YA);
      step(() => scratch(g).v128Load64Zero(SCRATCH + 8, 3));
      c.localGet(YA).localGet(Y).i8x16Shuffle(LOW_LANES).localSet(ACC[g]);
    }
    // All reductions +0 (all bits zero): the gain is the make-up's, exp(makeup · kG), computed once by the
    // caller with fastExp, which gives these bits (the loop's makeupGain).
    c.localGet(ACC[0]);
    for (let g = 1; g < n; g++) c.localGet(ACC[g]).v128Or();
    c.v128AnyTrue().i32Eqz().if();
    each(n, (g) => c.localGet(VMG).localSet(GAIN[g]));
    c.else();
    // fastExp: u = min(max(x, LO), HI); nf = round(u · 256/ln2); 2^(nf >> 8) · 2^((nf & 255)/256) · e^r.
    each(n, (g) => {
      c.localGet(VMK).localGet(ACC[g]).f64x2Sub().f64x2Const(DB_TO_LN).f64x2Mul();
      c.f64x2Const(M.EXP_LO).f64x2Pmax().f64x2Const(M.EXP_HI).f64x2Pmin().localSet(E[g]);
    });
    each(n, (g) => {
      // n = nf | 0 is the low word of u·TO_STEPS + ROUND (1.5·2^52 + n: its mantissa ends in n's 32 bits),
      // one shuffle instead of a float → int conversion.
      c.localGet(E[g]).f64x2Const(M.TO_STEPS).f64x2Mul().f64x2Const(M.ROUND).f64x2Add().localTee(NF[g]);
      c.localGet(NF[g]).i8x16Shuffle(LOW_WORDS).localSet(N[g]);
      c.localGet(NF[g]).f64x2Const(M.ROUND).f64x2Sub().localSet(NF[g]);
    });
    each(n, (g) => {
      c.localGet(N[g]).i32Const(8).i32x4ShrS().i32x4Const(M.EXP_BIAS).i32x4Add().i32Const(3).i32x4Shl();
      offsets(g);
      gather(g, T_EXP_POW2);
      c.localSet(GAIN[g]);
    });
    each(n, (g) => {
      c.localGet(N[g]).i32x4Const(255).v128And().i32Const(3).i32x4Shl();
      offsets(g);
      c.localGet(GAIN[g]);
      gather(g, T_EXP_FRAC);
      c.f64x2Mul().localSet(GAIN[g]);
    });
    each(n, (g) => {
      c.localGet(E[g]).localGet(NF[g]).f64x2Const(M.STEP_HI).f64x2Mul().f64x2Sub();
      c.localGet(NF[g]).f64x2Const(M.STEP_LO).f64x2Mul().f64x2Sub().localSet(R[g]);
    });
    // p = 1 + r·(1 + r·(0.5 + r·(1/6 + r/24))).
    each(n, (g) => {
      c.localGet(R[g]).f64x2Const(0.041666666666666664).f64x2Mul().f64x2Const(0.16666666666666666);
      c.f64x2Add().localSet(ACC[g]);
    });
    horner(n, R, 0.5);
    horner(n, R, 1);
    horner(n, R, 1);
    each(n, (g) => c.localGet(GAIN[g]).localGet(ACC[g]).f64x2Mul().localSet(GAIN[g]));
    c.end();
    // out = x · gain, rounded to float32.
    const out = (g: number, audio: number, to: number) => {
      c.localGet(J);
      c.localGet(audio)
        .localGet(J)
        .i32Add()
        .v128Load64Zero(8 * g)
        .f64x2PromoteLowF32x4();
      c.localGet(GAIN[g]).f64x2Mul().f32x4DemoteF64x2Zero();
      if (single) c.v128Store32Lane(to + 8 * g, 0);
      else c.v128Store64Lane(to + 8 * g, 0);
    };
    each(n, (g) => {
      out(g, AU0, O0);
      if (stereo) out(g, AU1, O1);
    });
  };

  /** One step of the reduction in lane 0 of Y, with the target `load` pushes (in lane 0). */
  const step = (load: () => void) => {
    load();
    c.localTee(TG);
    c.localGet(VBA).f64x2Mul().localSet(TA);
    c.localGet(TG).localGet(VBR).f64x2Mul().localSet(TR);
    c.localGet(VAA).localGet(Y).f64x2Mul().localGet(TA).f64x2Add();
    c.localGet(VAR).localGet(Y).f64x2Mul().localGet(TR).f64x2Add();
    c.f64x2Pmax().localTee(Y).f64x2ExtractLane(0).f64Const(GR_FLOOR_DB).f64Lt().if();
    c.f64x2Const(0).localSet(Y);
    c.end();
  };

  /** `emit` for J = start, start + step, … while J < local END (J continues from where it is). */
  const loop = (step: number, emit: () => void) => {
    c.block();
    c.localGet(J).localGet(END).i32LtU().i32Eqz().brIf(0);
    c.loop();
    emit();
    c.localGet(J).i32Const(step).i32Add().localTee(J).localGet(END).i32LtU().brIf(0);
    c.end();
    c.end();
  };

  c.localGet(YP).f64x2Splat().localSet(Y);
  c.localGet(THR).i32x4Splat().localSet(VTHR);
  c.localGet(TP).f64x2Splat().localSet(VT);
  c.localGet(SP).f64x2Splat().localSet(VS);
  c.localGet(MKP).f64x2Splat().localSet(VMK);
  c.localGet(MGP).f64x2Splat().localSet(VMG);
  c.localGet(AAP).f64x2Splat().localSet(VAA);
  c.f64x2Const(1).localGet(AAP).f64x2Splat().f64x2Sub().localSet(VBA);
  c.localGet(ARP).f64x2Splat().localSet(VAR);
  c.f64x2Const(1).localGet(ARP).f64x2Splat().f64x2Sub().localSet(VBR);
  // J counts bytes of float32 samples. 1. Targets, UNROLL pairs at a time (the last turn may run past
  // `frames`: those targets are never read).
  c.localGet(FR).i32Const(2).i32Shl().localSet(END);
  c.i32Const(0).localSet(J);
  loop(8 * UNROLL, () => targets(UNROLL));
  // 2. Reductions, gains and output: UNROLL pairs at a time, then pair by pair, then the odd sample.
  c.i32Const(0).localSet(J);
  c.localGet(FR)
    .localGet(FR)
    .i32Const(2 * UNROLL)
    .i32RemU()
    .i32Sub()
    .i32Const(2)
    .i32Shl()
    .localSet(END);
  loop(8 * UNROLL, () => apply(UNROLL));
  if (UNROLL > 1) {
    c.localGet(FR).i32Const(-2).i32And().i32Const(2).i32Shl().localSet(END);
    loop(8, () => apply(1));
  }
  c.localGet(FR).i32Const(1).i32And().if();
  apply(1, true);
  c.end();
  c.localGet(Y).f64x2ExtractLane(0);
  return buildKernelModule({
    params: [I32, I32, I32, F64, I32, F64, F64, F64, F64, F64, F64],
    results: [F64],
    locals: [
      [i32s, I32],
      [vectors, V128],
    ],
    body: c.bytes,
    memoryPages: Math.ceil((SCRATCH + 8 * (CHUNK + 2 * UNROLL)) / 65536),
  });
}
