/**
 * The subframes of a FLAC frame decoded by generated WebAssembly, and the frame's CRC-16 checked: the same
 * work, the same results and the same errors as `FlacFrameDecoder`'s TypeScript path (flac-decoder.ts), which
 * stays as the fallback and as the reference in the tests. The frame header stays in TypeScript.
 *
 * The kernel's memory holds the decoder's input buffer itself (`pending`), each channel's integers, and the
 * output floats. Nothing is ever copied in; the floats are written where the decoder hands them out (unless
 * one push decodes more than FLOAT_CAPACITY). The memory is sized when the instance is made and never grows (a
 * grow detaches the old buffer, which deoptimises every typed-array loop in the thread): a larger input buffer
 * takes a new instance.
 *
 * Per frame, one call: each subframe's header, warm-up, Rice-coded residual (partitions, escape codes) and
 * restoration — fixed predictors in 32-bit wrap-around arithmetic as libFLAC, LPC exactly (x[i] = res[i] +
 * (Σ c_j·x[i−1−j] >> shift), the three newest taps in i64, the older ones in doubles, which hold their
 * integer sums exactly while the samples stay in range: see `lpc`) — then the CRC-16, the stereo
 * decorrelation and the floats (`int · 2^wasted · scale` in double precision, rounded to float32).
 */

import {
  buildKernelModule,
  Code,
  type CompiledKernel,
  compileKernelOnce,
  F64,
  I32,
  I64,
  type KernelFunction,
  V128,
} from "@controlroom/engine/core/wasm.ts";

/** `run` results other than the offset after the frame. */
export const KERNEL_NEED_MORE = -1;
export const KERNEL_UNSUPPORTED = -2;

/** Most samples per channel in a frame (FLAC's block size is 16 bits). */
const MAX_BLOCK = 65536;
/** Most channels. */
const MAX_CHANNELS = 8;
/** Byte address of the LPC coefficients (32 × i32), then the channels' wasted bits (8 × i32). */
const COEF_AT = 0;
const WASTED_AT = 128;
/** The older LPC taps' coefficients as doubles (32 × f64; see `lpc`). */
const COEFD_AT = 256;
/** The CRC-16 tables (8 × 256 × u16, see crcTables). */
const CRC_AT = 512;
/** Each channel's integers, MAX_BLOCK apart. */
const INTS_AT = CRC_AT + 8 * 512;
/** Floats per channel the kernel's output holds (a push's output, at most its maxFrames plus one frame). */
export const FLOAT_CAPACITY = 1 << 18;
/** The LPC loop's samples again as doubles, after 32 slots it never writes (zeros). */
const WIDE_AT = INTS_AT + MAX_CHANNELS * MAX_BLOCK * 4 + 32 * 8;
const FLOATS_AT = WIDE_AT + MAX_BLOCK * 8;
/** The input buffer. */
const PENDING_AT = FLOATS_AT + MAX_CHANNELS * FLOAT_CAPACITY * 4;
/** Bytes after the input buffer: the bit reader loads 8 bytes from where a 4-byte read may start. */
const SLACK = 64;
/** The largest input buffer: bit positions stay below 2^31. */
export const MAX_PENDING = 128 << 20;

/** One decoder's kernel instance: its memory's views and the per-frame call. */
export class FlacSubframeKernel {
  /** The input buffer (`capacity` bytes) and a DataView of it. */
  readonly pending: Uint8Array<ArrayBuffer>;
  readonly view: DataView<ArrayBuffer>;
  /** Per channel, FLOAT_CAPACITY floats: the kernel writes a frame's floats at `into` when asked to. */
  readonly floats: Float32Array[];
  readonly memory: ArrayBuffer;
  private readonly fn: (...args: number[]) => number;

  private constructor(compiled: CompiledKernel, channels: number, capacity: number) {
    const inst = compiled.instantiate();
    this.fn = inst.run;
    this.memory = inst.memory;
    this.pending = new Uint8Array(inst.memory, PENDING_AT, capacity);
    this.view = new DataView(inst.memory, PENDING_AT, capacity);
    this.floats = Array.from(
      { length: channels },
      (_, c) => new Float32Array(inst.memory, FLOATS_AT + c * FLOAT_CAPACITY * 4, FLOAT_CAPACITY),
    );
  }

  /**
   * An instance whose input buffer holds at least `bytes` bytes (rounded up to a power of two, at least 1 MiB),
   * or null without WebAssembly (or its SIMD), above MAX_PENDING, or without memory for another instance.
   */
  static create(channels: number, bytes: number): FlacSubframeKernel | null {
    if (!(bytes <= MAX_PENDING)) return null;
    let capacity = 1 << 20;
    while (capacity < bytes) capacity *= 2;
    const compiled = compileKernelOnce(`flac;${capacity}`, () => generate(capacity));
    if (!compiled) return null;
    try {
      return new FlacSubframeKernel(compiled, channels, capacity);
    } catch {
      return null;
    }
  }

  /**
   * Decodes a frame's subframes (into `floats`) and checks its CRC-16.
   * @param at where the frame starts in `pending` (its CRC-16 covers the bytes from there).
   * @param bitPos where the subframes start, in bits from the start of `pending`.
   * @param end bytes of `pending` that hold data.
   * @param n samples per channel.
   * @param chCode the frame's channel assignment code (0 … 10).
   * @param bps the stream's bits per sample.
   * @param scale the float of integer 1.
   * @param into write the floats to `floats[c][into …]`; −1: to `floats[c][0 …]`, for the caller to copy.
   * @returns the offset in `pending` after the frame (its CRC-16 checked), or KERNEL_NEED_MORE /
   *   KERNEL_UNSUPPORTED.
   */
  run(
    at: number,
    bitPos: number,
    end: number,
    n: number,
    chCode: number,
    bps: number,
    scale: number,
    into: number,
  ): number {
    const r = this.fn(
      PENDING_AT + at,
      PENDING_AT * 8 + bitPos,
      PENDING_AT + end,
      n,
      chCode,
      bps,
      scale,
      FLOATS_AT + Math.max(into, 0) * 4,
    );
    return r < 0 ? r : r - PENDING_AT;
  }
}

// Parameters.
const FRAME = 0; // byte address of the frame
const POS = 1; // bit position
const END = 2; // byte address where the data ends
const N = 3;
const CH = 4; // channel assignment code
const BPS = 5;
const SCALE = 6; // f64
const FOUT = 7; // byte address of channel 0's first output float
// i32 locals.
let next = 8;
const C = next++; // channel
const NCH = next++;
const B = next++; // the subframe's bits per sample
const HEAD = next++;
const WASTED = next++;
const ORDER = next++;
const I = next++;
const A = next++; // an address
const X = next++; // the channel's integers
const K = next++; // Rice parameter
const PB = next++; // Rice parameter bits
const ESC = next++;
const PER = next++;
const STOP = next++;
const P = next++; // bit position of the Rice window
const CONS = next++; // bits of the window consumed
const LIMIT = next++; // the window's usable bits (0 near the end of the data)
const Z = next++;
const U = next++;
const T = next++;
const Q = next++;
const MASK = next++;
const NB = next++; // a read's bit count
const V = next++;
const H1 = next++; // fixed predictors' history
const H2 = next++;
const H3 = next++;
const H4 = next++;
const ENDBITS = next++;
const SHIFT = next++;
const BAD = next++;
const OUT = next++;
const B0 = next++; // the LPC loop's base in WIDE_AT
const AEND = next++; // the Rice loop's end
const I32_LOCALS = next - C;
// i64 locals.
const W = next++; // the Rice window, left-aligned at P
const MAGIC64 = next++; // the bits of MAGIC
const VW = next++;
const SHIFT64 = next++;
const LIM64 = next++; // 2^(bps−1)
const LIM2 = next++; // 2^bps
/** LPC taps summed in i64 (the newest), the others in doubles: see `lpc` in generate. */
const INT_TAPS = 3;
const CO = next; // CO + j: LPC coefficient j < INT_TAPS
next = CO + 4;
const HI = next; // HI + j: x[i − 1 − j], j < INT_TAPS
next = HI + 4;
const I64_LOCALS = next - W;
// f64, v128.
const CF = next - 1; // CF + j: LPC coefficient j ≥ 1 (those past INT_TAPS)
next += 31;
const VEC = next++;
const VA = next++;
const VB = next++;
const FSV = next++; // the float scale in both lanes
const CV = next; // CV + q: LPC coefficients of the q-th pair of older taps
next += 15;

/**
 * The LPC loops made: an order between two runs in the loop of the next one up (orders up to 8 are common; 12
 * is `flac -8`'s and ffmpeg's largest by default). Fewer loops, less code to generate and compile per thread.
 */
const LPC_LOOPS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32];

/** The exported function's parameters. */
const MAIN_PARAMS = [I32, I32, I32, I32, I32, I32, F64, I32];
/**
 * Helpers (the Rice decoder, the LPC loops: each compiled and register-allocated on its own) take the exported
 * function's parameters and i32 locals as their parameters and declare its other locals: every local index
 * means the same in all of them, so the same emitters write them.
 */
const HELPER_PARAMS = [...MAIN_PARAMS, ...new Array<number>(I32_LOCALS).fill(I32)];
const HELPER_LOCALS: [number, number][] = [
  [I64_LOCALS, I64],
  [31, F64],
  [19, V128],
];
/** Function indices of the helpers. */
const RICE = 1;
const LPC = 2;

/** 1.5·2^52: the bits of x + MAGIC are those of MAGIC plus x, for an integer |x| < 2^51. */
const MAGIC = 6755399441055744;

/**
 * CRC-16 (polynomial 0x8005) tables for slicing by eight, little-endian u16: table k holds the CRC of byte v
 * followed by k zero bytes.
 */
function crcTables(): Uint8Array {
  const t = new Uint16Array(8 * 256);
  for (let v = 0; v < 256; v++) {
    let d = v << 8;
    for (let k = 0; k < 8; k++) d = d & 0x8000 ? ((d << 1) ^ 0x8005) & 0xffff : (d << 1) & 0xffff;
    t[v] = d;
  }
  for (let k = 1; k < 8; k++) {
    for (let v = 0; v < 256; v++) {
      const p = t[256 * (k - 1) + v];
      t[256 * k + v] = ((p << 8) & 0xffff) ^ t[p >> 8];
    }
  }
  const bytes = new Uint8Array(t.length * 2);
  for (let i = 0; i < t.length; i++) {
    bytes[2 * i] = t[i] & 0xff;
    bytes[2 * i + 1] = t[i] >> 8;
  }
  return bytes;
}

/** The bit reader's byte order: 8 bytes loaded little-endian, reversed into a big-endian i64. */
const REVERSE = [7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * run(frame, pos, end, n, chCode, bps, scale, fout) → the byte address after the frame, −1 (the data ends
 * inside it) or −2 (something the decoder leaves to libFLAC: a bad CRC-16 among them). Every check is the
 * TypeScript path's, in its order: see FlacFrameDecoder.frame / subframe / readResidual / readRice / riceSlow
 * and the Bits reader.
 */
function generate(capacity: number): Uint8Array {
  // The emitters below write to `b`: the exported function's body, or a helper's while one is made.
  let b = new Code();
  const needMore = () => b.i32Const(KERNEL_NEED_MORE).return();
  const unsupported = () => b.i32Const(KERNEL_UNSUPPORTED).return();
  /** Calls helper `index` with every parameter and i32 local (see HELPER_PARAMS); it leaves an i32. */
  const callHelper = (index: number) => {
    for (let i = 0; i < HELPER_PARAMS.length; i++) b.localGet(i);
    b.call(index);
  };
  /** Pushes the 64 bits from bit position `pos` on, left-aligned (at least 57 of them from the buffer). */
  const peek = (pos: number) => {
    b.localGet(pos).i32Const(3).i32ShrU().v128Load64Zero(0, 0).localTee(VEC).localGet(VEC);
    b.i8x16Shuffle(REVERSE).i64x2ExtractLane(0);
    b.localGet(pos).i32Const(7).i32And().i64ExtendI32U().i64Shl();
  };
  /**
   * Reads `n` (a constant 1 … 32, or a local holding 0 … 32 when `nLocal`) bits at POS, as Bits.readLong /
   * readSigned: bits past the data mean it ends inside this frame; 0 bits read nothing. Leaves an i32.
   */
  const read = (n: number, signed: boolean, nLocal = false) => {
    const get = () => (nLocal ? b.localGet(n) : b.i32Const(n));
    if (nLocal) {
      // 0 bits: 0, nothing read (a zero shift count would not give it).
      b.i32Const(0).localSet(V).localGet(n).if();
    }
    // Bits past the data: it ends inside this frame.
    b.localGet(POS);
    get();
    b.i32Add().localGet(ENDBITS).i32GtU().if();
    needMore();
    b.end();
    peek(POS);
    b.i64Const(64);
    get();
    b.i64ExtendI32U().i64Sub();
    if (signed) b.i64ShrS();
    else b.i64ShrU();
    b.i32WrapI64();
    b.localGet(POS);
    get();
    b.i32Add().localSet(POS);
    if (nLocal) b.localSet(V).end().localGet(V);
  };
  /** Zeros up to the next one bit at `pos` (consumed), into Q, as Bits.unary / riceSlow. */
  const unary = (pos: number) => {
    b.i32Const(0).localSet(Q);
    b.block().loop();
    // The byte at pos past the data: it ends inside this code.
    b.localGet(pos).i32Const(3).i32ShrU().localGet(END).i32GeU().if();
    needMore();
    b.end();
    peek(pos);
    b.i64Const(32).i64ShrU().i32WrapI64().i32Clz().localTee(Z).i32Const(32).i32LtU().if();
    // The one bit: in the data, or the data ends before it.
    b.localGet(pos).localGet(Z).i32Add().localGet(ENDBITS).i32GeU().if();
    needMore();
    b.end();
    b.localGet(Q).localGet(Z).i32Add().localSet(Q);
    b.localGet(pos).localGet(Z).i32Add().i32Const(1).i32Add().localSet(pos);
    b.br(2);
    b.end();
    b.localGet(Q).i32Const(32).i32Add().localSet(Q);
    b.localGet(pos).i32Const(32).i32Add().localSet(pos);
    b.br(0);
    b.end().end();
  };
  /** W ← the window at P; LIMIT ← 57 when all of its 8 bytes hold data, else 0 (the slow path decides). */
  const reload = () => {
    peek(P);
    b.localSet(W);
    b.i32Const(57).i32Const(0).localGet(P).i32Const(3).i32ShrU().i32Const(8).i32Add().localGet(END).i32LeU();
    b.select().localSet(LIMIT);
  };
  /**
   * x[I … count) ← readSigned(width) (verbatim samples, warm-up, escaped residuals); `count` and `width` are
   * locals (width B, the subframe's bits per sample, unless given).
   */
  const samples = (count: number, width = B) => {
    b.block().localGet(I).localGet(count).i32GeU().brIf(0).loop();
    b.localGet(X).localGet(I).i32Const(2).i32Shl().i32Add();
    read(width, true, true);
    b.i32Store(0);
    b.localGet(I).i32Const(1).i32Add().localTee(I).localGet(count).i32LtU().brIf(0);
    b.end().end();
  };

  /** The residual of N samples after ORDER warm-up ones into x[ORDER …], as readResidual. */
  const residual = () => {
    // method: 0 (4-bit parameters) or 1 (5-bit)
    read(2, false);
    b.localTee(T).i32Const(1).i32GtU().if();
    unsupported();
    b.end();
    b.i32Const(5).i32Const(4).localGet(T).select().localSet(PB);
    b.i32Const(31).i32Const(15).localGet(T).select().localSet(ESC);
    read(4, false);
    b.localSet(T); // partition order
    b.localGet(N).i32Const(1).localGet(T).i32Shl().i32Const(1).i32Sub().i32And().if();
    unsupported();
    b.end();
    b.localGet(N).localGet(T).i32ShrU().localTee(PER).localGet(ORDER).i32LtU().if();
    unsupported();
    b.end();
    b.localGet(ORDER).localSet(I).localGet(PER).localSet(STOP);
    b.loop(); // partitions
    read(PB, false, true);
    b.localTee(K).localGet(ESC).i32Eq().if();
    // Escape code: 5 bits of width, then plain signed samples.
    read(5, false);
    b.localSet(NB);
    samples(STOP, NB);
    b.else();
    callHelper(RICE);
    b.localTee(POS).i32Const(0).i32LtS().if();
    needMore();
    b.end();
    b.localGet(STOP).localSet(I);
    b.end();
    b.localGet(POS).localGet(ENDBITS).i32GtU().if();
    needMore();
    b.end();
    b.localGet(STOP).localGet(PER).i32Add().localTee(STOP).localGet(N).i32LeU().brIf(0);
    b.end();
  };

  /**
   * x[I … STOP) ← Rice codes with parameter K. Codes are taken from a 64-bit window W at P (CONS bits of it
   * used) while the quotient, the stop bit and the K bits lie in its first 57 bits and its bytes all hold data;
   * otherwise the window moves up, and a code that still does not fit (a long quotient, the end of the data)
   * is read as riceSlow reads it. Both ways give the same value; only the slow one can find the data ending.
   * The fast codes have a loop of their own, so that what only the slow path needs is not live in it (in one
   * loop, V8 kept half the values on the stack). Sets POS to the bit after the last code.
   */
  const rice = () => {
    b.i32Const(1).localGet(K).i32Shl().i32Const(1).i32Sub().localSet(MASK);
    b.localGet(POS).localSet(P).i32Const(0).localSet(CONS);
    reload();
    b.localGet(X).localGet(I).i32Const(2).i32Shl().i32Add().localSet(A);
    b.localGet(X).localGet(STOP).i32Const(2).i32Shl().i32Add().localSet(AEND);
    /** x[i] ← the zigzag of U (in 32 bits, as libFLAC), A to the next. */
    const put = () => {
      b.localGet(A)
        .localGet(U)
        .i32Const(1)
        .i32ShrU()
        .i32Const(0)
        .localGet(U)
        .i32Const(1)
        .i32And()
        .i32Sub()
        .i32Xor();
      b.i32Store(0);
      b.localGet(A).i32Const(4).i32Add().localSet(A);
    };
    b.block().localGet(A).localGet(AEND).i32GeU().brIf(0); // done
    b.loop(); // outer
    b.block(); // slow
    // The fast loop: codes from the window, nothing else live.
    b.loop();
    b.localGet(W).localGet(CONS).i64ExtendI32U().i64Shl().localTee(VW).i64Clz().i32WrapI64().localTee(Z);
    b.localGet(CONS).i32Add().localGet(K).i32Add().localTee(T).localGet(LIMIT).i32GeU().brIf(1);
    // u = z << k | the k bits after the stop bit
    b.localGet(Z).localGet(K).i32Shl();
    b.localGet(VW)
      .i64Const(63)
      .localGet(Z)
      .localGet(K)
      .i32Add()
      .i64ExtendI32U()
      .i64Sub()
      .i64ShrU()
      .i32WrapI64();
    b.localGet(MASK).i32And().i32Or().localSet(U);
    b.localGet(T).i32Const(1).i32Add().localSet(CONS);
    put();
    b.localGet(A).localGet(AEND).i32LtU().brIf(0);
    b.end();
    b.br(2); // all done
    b.end(); // slow:
    b.localGet(CONS).if();
    // Move the window up to the code and try again.
    b.localGet(P).localGet(CONS).i32Add().localSet(P).i32Const(0).localSet(CONS);
    reload();
    b.br(1); // outer
    b.end();
    unary(P);
    b.localGet(P).localGet(K).i32Add().localGet(ENDBITS).i32GtU().if();
    needMore();
    b.end();
    b.localGet(Q).localGet(K).i32Shl();
    // k bits (none for k = 0: the shift count would wrap)
    b.i32Const(0);
    peek(P);
    b.i64Const(64).localGet(K).i64ExtendI32U().i64Sub().i64ShrU().i32WrapI64();
    b.localGet(K).i32Eqz().select();
    b.i32Or().localSet(U);
    b.localGet(P).localGet(K).i32Add().localSet(P);
    reload();
    put();
    b.localGet(A).localGet(AEND).i32LtU().brIf(0);
    b.end().end();
    b.localGet(P).localGet(CONS).i32Add().localSet(POS);
  };

  /** Fixed predictor `order` (1 … 4) over x[order … N), in place, 32-bit wrap-around. */
  const fixed = (order: number) => {
    const h = [H1, H2, H3, H4];
    for (let j = 0; j < order; j++)
      b.localGet(X)
        .i32Load(4 * (order - 1 - j))
        .localSet(h[j]);
    b.localGet(X)
      .i32Const(4 * order)
      .i32Add()
      .localSet(A);
    b.localGet(X).localGet(N).i32Const(2).i32Shl().i32Add().localSet(T);
    b.block().localGet(A).localGet(T).i32GeU().brIf(0).loop();
    b.localGet(A).localGet(A).i32Load(0);
    if (order === 1) b.localGet(H1).i32Add();
    else if (order === 2) b.localGet(H1).i32Const(1).i32Shl().i32Add().localGet(H2).i32Sub();
    else if (order === 3)
      b.localGet(H1).localGet(H2).i32Sub().i32Const(3).i32Mul().i32Add().localGet(H3).i32Add();
    else {
      b.localGet(H1).localGet(H3).i32Add().i32Const(2).i32Shl().i32Add();
      b.localGet(H2).i32Const(6).i32Mul().i32Sub().localGet(H4).i32Sub();
    }
    b.localTee(V).i32Store(0);
    for (let j = order - 1; j > 0; j--) b.localGet(h[j - 1]).localSet(h[j]);
    b.localGet(V).localSet(H1);
    b.localGet(A).i32Const(4).i32Add().localTee(A).localGet(T).i32LtU().brIf(0);
    b.end().end();
  };

  /**
   * LPC over x[ORDER … N), in place, with a loop made for `order` ≥ ORDER taps (the coefficients past ORDER are
   * zero, and so are their products with the zeros before the samples' copy).
   *
   * The INT_TAPS newest taps are summed in i64 (coefficients and samples in locals), the older ones in double
   * precision from a copy of the samples as doubles, two taps a step in SIMD lanes (one vector load of two
   * adjacent samples, the coefficients in vector locals): with i64 alone, twelve coefficients and the loop's
   * other values did not fit in the registers, and every tap was two loads, a multiply and an add (the song1
   * stems decoded ~15 % slower). The result is still exact: up to the first sample that leaves ±2^(bps−1)
   * (BAD, the TypeScript path's peak check), every sample used lies within ±2^24 (24 bits, the side channel's
   * 25) and every coefficient within ±2^14, so each product is an integer below 2^38 and their sum below 2^43,
   * exact in a double in any order, and so is its conversion to i64 (by the bits of S + 1.5·2^52, which hold
   * S in their low bits for |S| < 2^51: shorter than a conversion, and it cannot trap); that first sample is
   * therefore exact too, and once BAD is set the subframe goes to libFLAC whatever the samples after it are.
   *
   * The chain from one sample to the next is one multiply, the adds and the shift; through the doubles it spans
   * INT_TAPS samples.
   */
  const lpc = (order: number) => {
    const ni = Math.min(order, INT_TAPS); // taps 0 … ni − 1 in i64, ni … order − 1 in doubles
    for (let j = 0; j < ni; j++) {
      b.i32Const(0)
        .i64Load32S(COEF_AT + 4 * j)
        .localSet(CO + j);
    }
    // The older taps' coefficients as doubles, laid out as the samples they multiply (c_j at the offset of
    // x[i − 1 − j] from B0), so that a pair of taps is one vector of each; pairs from the oldest, an odd one
    // (the newest of them) alone.
    const pairs = Math.floor((order - ni) / 2);
    for (let j = ni; j < order; j++) {
      b.i32Const(0)
        .i32Const(0)
        .i32Load(COEF_AT + 4 * j)
        .f64ConvertI32S()
        .localTee(CF + j)
        .f64Store(COEFD_AT + 8 * (order - 1 - j));
    }
    for (let q = 0; q < pairs; q++)
      b.i32Const(0)
        .v128Load(COEFD_AT + 16 * q)
        .localSet(CV + q);
    b.localGet(X).localGet(ORDER).i32Const(2).i32Shl().i32Add().localSet(A);
    // x[ORDER − 1 − j] (for j ≥ ORDER, whatever lies before x: its coefficient is zero)
    for (let j = 0; j < ni; j++)
      b.localGet(A)
        .i32Const(4 * (j + 1))
        .i32Sub()
        .i64Load32S(0)
        .localSet(HI + j);
    if (order > ni) {
      // The warm-up as doubles.
      b.i32Const(0).localSet(I).loop();
      b.localGet(I).i32Const(3).i32Shl().localGet(X).localGet(I).i32Const(2).i32Shl().i32Add().i32Load(0);
      b.f64ConvertI32S().f64Store(WIDE_AT);
      b.localGet(I).i32Const(1).i32Add().localTee(I).localGet(ORDER).i32LtU().brIf(0);
      b.end();
      // B0: the copy's x[i − order], so that x[i − 1 − j] is at offset 8(order − 1 − j), x[i] at 8·order.
      b.localGet(ORDER)
        .i32Const(3)
        .i32Shl()
        .i32Const(WIDE_AT - 8 * order)
        .i32Add()
        .localSet(B0);
    }
    b.localGet(X).localGet(N).i32Const(2).i32Shl().i32Add().localSet(T);
    b.block().localGet(A).localGet(T).i32GeU().brIf(0).loop();
    /** Σ over the pairs lo … hi − 1 (pair q: the samples at offsets 16q, 16q + 8), lane by lane. */
    const tree = (lo: number, hi: number): void => {
      if (hi - lo === 1) {
        b.localGet(CV + lo)
          .localGet(B0)
          .v128Load(16 * lo, 3)
          .f64x2Mul();
        return;
      }
      const mid = (lo + hi) >> 1;
      tree(lo, mid);
      tree(mid, hi);
      b.f64x2Add();
    };
    b.localGet(A);
    if (order > ni) {
      // To i64 by the bits of S + 1.5·2^52 (S an integer below 2^51: the low bits hold it), shorter than a
      // conversion; garbage, but no trap, after BAD.
      if (pairs > 0) {
        tree(0, pairs);
        b.localTee(VEC).f64x2ExtractLane(0).localGet(VEC).f64x2ExtractLane(1).f64Add();
      }
      if ((order - ni) % 2) {
        b.localGet(CF + ni)
          .localGet(B0)
          .f64Load(8 * (order - 1 - ni))
          .f64Mul();
        if (pairs > 0) b.f64Add();
      }
      b.f64Const(MAGIC).f64Add().i64ReinterpretF64().localGet(MAGIC64).i64Sub();
    }
    // The i64 taps, the newest last.
    for (let j = ni - 1; j >= 0; j--) {
      b.localGet(CO + j)
        .localGet(HI + j)
        .i64Mul();
      if (j < order - 1) b.i64Add();
    }
    b.localGet(SHIFT64).i64ShrS().localGet(A).i64Load32S(0).i64Add().localTee(VW).i64Store32(0);
    if (order > ni) {
      b.localGet(B0)
        .localGet(VW)
        .f64ConvertI64S()
        .f64Store(8 * order);
      b.localGet(B0).i32Const(8).i32Add().localSet(B0);
    }
    b.localGet(VW).localGet(LIM64).i64Add().localGet(LIM2).i64GtU().localGet(BAD).i32Or().localSet(BAD);
    for (let j = ni - 1; j > 0; j--) b.localGet(HI + j - 1).localSet(HI + j);
    b.localGet(VW).localSet(HI);
    b.localGet(A).i32Const(4).i32Add().localTee(A).localGet(T).i32LtU().brIf(0);
    b.end().end();
  };

  /**
   * `body(k)` for the index `index` pushes, k = `cases[index]` (0 for an index out of range): a br_table over
   * nested blocks, one per distinct k, in increasing order. The bodies must not branch out.
   */
  const dispatch = (cases: readonly number[], index: () => void, body: (k: number) => void) => {
    const ks = [...new Set([0, ...cases])].sort((x, y) => x - y);
    const count = ks.length;
    b.block(); // done
    for (let k = count - 1; k >= 0; k--) b.block();
    index();
    b.brTable(
      cases.map((k) => ks.indexOf(k)),
      0,
    );
    for (let k = 0; k < count; k++) {
      b.end();
      body(ks[k]);
      b.br(count - 1 - k);
    }
    b.end();
  };

  /**
   * Leaves the CRC-16 of the bytes FRAME … T: the odd bytes one at a time, then eight at a time as one
   * big-endian i64 through the slicing-by-8 tables (as crc16 in flac-decoder.ts). Uses A, U, V, Z, W.
   */
  const crc16 = () => {
    const table = (k: number, byte: () => void) => {
      byte();
      b.i32Const(1)
        .i32Shl()
        .i32Load16U(CRC_AT + 512 * k);
    };
    b.i32Const(0).localSet(U).localGet(FRAME).localSet(A);
    b.localGet(FRAME).localGet(T).localGet(FRAME).i32Sub().i32Const(7).i32And().i32Add().localSet(V);
    b.block().localGet(A).localGet(V).i32GeU().brIf(0).loop();
    // c = (c << 8) & 0xffff ^ T0[(c >> 8) ^ b]
    b.localGet(U).i32Const(8).i32Shl().i32Const(0xffff).i32And();
    table(0, () => b.localGet(U).i32Const(8).i32ShrU().localGet(A).i32Load8U(0).i32Xor());
    b.i32Xor().localSet(U);
    b.localGet(A).i32Const(1).i32Add().localTee(A).localGet(V).i32LtU().brIf(0);
    b.end().end();
    b.block().localGet(A).localGet(T).i32GeU().brIf(0).loop();
    b.localGet(A).v128Load64Zero(0, 0).localTee(VEC).localGet(VEC).i8x16Shuffle(REVERSE).i64x2ExtractLane(0);
    b.localSet(W);
    // hi = the first four bytes ^ c << 16, lo = the next four
    b.localGet(W).i64Const(32).i64ShrU().i32WrapI64().localGet(U).i32Const(16).i32Shl().i32Xor().localSet(V);
    b.localGet(W).i32WrapI64().localSet(Z);
    table(7, () => b.localGet(V).i32Const(24).i32ShrU());
    table(6, () => b.localGet(V).i32Const(16).i32ShrU().i32Const(0xff).i32And());
    b.i32Xor();
    table(5, () => b.localGet(V).i32Const(8).i32ShrU().i32Const(0xff).i32And());
    table(4, () => b.localGet(V).i32Const(0xff).i32And());
    b.i32Xor().i32Xor();
    table(3, () => b.localGet(Z).i32Const(24).i32ShrU());
    table(2, () => b.localGet(Z).i32Const(16).i32ShrU().i32Const(0xff).i32And());
    b.i32Xor();
    table(1, () => b.localGet(Z).i32Const(8).i32ShrU().i32Const(0xff).i32And());
    table(0, () => b.localGet(Z).i32Const(0xff).i32And());
    b.i32Xor().i32Xor().i32Xor().localSet(U);
    b.localGet(A).i32Const(8).i32Add().localTee(A).localGet(T).i32LtU().brIf(0);
    b.end().end();
    b.localGet(U);
  };

  // --- the frame ---
  b.localGet(END).i32Const(3).i32Shl().localSet(ENDBITS);
  b.localGet(CH).i32Const(1).i32Add().i32Const(2).localGet(CH).i32Const(8).i32LtU().select().localSet(NCH);
  b.i32Const(0).localSet(C);
  b.loop(); // channels
  b.i32Const(INTS_AT)
    .localGet(C)
    .i32Const(MAX_BLOCK * 4)
    .i32Mul()
    .i32Add()
    .localSet(X);
  // bps, one more for the side channel (chCode 8 and 10: channel 1; 9: channel 0)
  b.localGet(BPS);
  b.localGet(CH)
    .i32Const(8)
    .i32Eq()
    .localGet(CH)
    .i32Const(10)
    .i32Eq()
    .i32Or()
    .localGet(C)
    .i32Const(1)
    .i32Eq()
    .i32And();
  b.localGet(CH).i32Const(9).i32Eq().localGet(C).i32Eqz().i32And().i32Or();
  b.i32Add().localSet(B);
  read(8, false);
  b.localTee(HEAD).i32Const(0x80).i32And().if();
  unsupported();
  b.end();
  b.i32Const(0).localSet(WASTED);
  b.localGet(HEAD).i32Const(1).i32And().if();
  unary(POS);
  b.localGet(Q).i32Const(1).i32Add().localTee(WASTED).localGet(B).i32GeS().if();
  unsupported();
  b.end();
  b.localGet(B).localGet(WASTED).i32Sub().localSet(B);
  b.end();
  b.localGet(C).i32Const(2).i32Shl().localGet(WASTED).i32Store(WASTED_AT);
  b.localGet(HEAD).i32Const(1).i32ShrU().i32Const(0x3f).i32And().localSet(T); // type
  b.block(); // subframe done
  // constant
  b.localGet(T).i32Eqz().if();
  read(B, true, true);
  b.localSet(V);
  b.localGet(X).localSet(A);
  b.localGet(X).localGet(N).i32Const(2).i32Shl().i32Add().localSet(T);
  b.loop()
    .localGet(A)
    .localGet(V)
    .i32Store(0)
    .localGet(A)
    .i32Const(4)
    .i32Add()
    .localTee(A)
    .localGet(T)
    .i32LtU()
    .brIf(0);
  b.end();
  b.br(1);
  b.end();
  // verbatim
  b.localGet(T).i32Const(1).i32Eq().if();
  b.i32Const(0).localSet(I);
  samples(N);
  b.br(1);
  b.end();
  // fixed
  b.localGet(T).i32Const(8).i32Sub().i32Const(4).i32LeU().if();
  b.localGet(T).i32Const(8).i32Sub().localTee(ORDER).localGet(N).i32GtU().if();
  unsupported();
  b.end();
  b.i32Const(0).localSet(I);
  samples(ORDER);
  residual();
  dispatch(
    [0, 1, 2, 3, 4],
    () => b.localGet(ORDER),
    (k) => {
      if (k > 0) fixed(k);
    },
  );
  b.br(1);
  b.end();
  // LPC
  b.localGet(T).i32Const(32).i32GeU().if();
  b.localGet(T).i32Const(31).i32Sub().localTee(ORDER).localGet(N).i32GtU().if();
  unsupported();
  b.end();
  b.i32Const(0).localSet(I);
  samples(ORDER);
  read(4, false);
  b.i32Const(1).i32Add().localTee(NB).i32Const(16).i32Eq().if();
  unsupported();
  b.end();
  read(5, true);
  b.localTee(SHIFT).i32Const(0).i32LtS().if();
  unsupported();
  b.end();
  // Zeros past the order: the loop for the next order up reads them.
  for (let j = 0; j < 8; j++)
    b.i32Const(0)
      .i32x4Const(0)
      .v128Store(COEF_AT + 16 * j);
  b.i32Const(0).localSet(I);
  b.loop();
  b.localGet(I).i32Const(2).i32Shl();
  read(NB, true, true);
  b.i32Store(COEF_AT);
  b.localGet(I).i32Const(1).i32Add().localTee(I).localGet(ORDER).i32LtU().brIf(0);
  b.end();
  residual();
  b.i32Const(0).localSet(BAD);
  dispatch(
    Array.from({ length: 33 }, (_, k) => LPC_LOOPS.find((l) => l >= k) ?? 0),
    () => b.localGet(ORDER),
    (k) => {
      if (k > 0) callHelper(LPC + LPC_LOOPS.indexOf(k));
      if (k > 0) b.localSet(BAD);
    },
  );
  b.localGet(BAD).if();
  unsupported();
  b.end();
  b.br(1);
  b.end();
  unsupported();
  b.end(); // subframe done
  b.localGet(POS).localGet(ENDBITS).i32GtU().if();
  needMore();
  b.end();
  b.localGet(C).i32Const(1).i32Add().localTee(C).localGet(NCH).i32LtU().brIf(0);
  b.end();

  // --- the frame's end: byte alignment, then the CRC-16 of everything before it ---
  b.localGet(POS)
    .i32Const(7)
    .i32Add()
    .i32Const(3)
    .i32ShrU()
    .localTee(T)
    .i32Const(2)
    .i32Add()
    .localGet(END)
    .i32GtU();
  b.if();
  needMore();
  b.end();
  crc16();
  b.localGet(T).i32Load8U(0).i32Const(8).i32Shl().localGet(T).i32Load8U(1).i32Or().i32Ne().if();
  unsupported();
  b.end();
  b.localGet(T).i32Const(2).i32Add().localSet(POS);

  // --- floats ---
  // Two samples a step as SIMD lanes (the same conversions lane by lane: an exact double, times a power of
  // two, rounded to float32 to nearest even); an odd last sample stores one lane.
  const X0 = INTS_AT;
  const X1 = INTS_AT + MAX_BLOCK * 4;
  const F1 = FLOAT_CAPACITY * 4;
  /**
   * `body(store)` for each pair of samples, I the byte offset of integer i and OUT the address of float i;
   * `store(offset, value)` stores the two floats of the vector `value` pushes at OUT + offset (one for an odd
   * last sample).
   */
  const pairs = (body: (store: (offset: number, value: () => void) => void) => void) => {
    const step = (lanes: 1 | 2) =>
      body((offset, value) => {
        b.localGet(OUT);
        value();
        b.f64x2ConvertLowI32x4S().localGet(FSV).f64x2Mul().f32x4DemoteF64x2Zero();
        if (lanes === 2) b.v128Store64Lane(offset, 0);
        else b.v128Store32Lane(offset, 0);
      });
    b.i32Const(0).localSet(I).localGet(FOUT).localSet(OUT);
    b.localGet(N).i32Const(-2).i32And().i32Const(2).i32Shl().localSet(T);
    b.block().localGet(T).i32Eqz().brIf(0).loop();
    step(2);
    b.localGet(OUT).i32Const(8).i32Add().localSet(OUT);
    b.localGet(I).i32Const(8).i32Add().localTee(I).localGet(T).i32LtU().brIf(0);
    b.end().end();
    b.localGet(N).i32Const(1).i32And().if();
    step(1);
    b.end();
  };
  b.localGet(CH).i32Const(8).i32LtU().if();
  // Independent channels: v · scale · 2^wasted.
  b.i32Const(0).localSet(C);
  b.loop();
  b.i32Const(0).localGet(C).i32Const(2).i32Shl().i32Add().i32Load(WASTED_AT).localSet(WASTED);
  b.localGet(SCALE)
    .i32Const(1)
    .localGet(WASTED)
    .i32Shl()
    .f64ConvertI32S()
    .f64Mul()
    .f64x2Splat()
    .localSet(FSV);
  b.i32Const(INTS_AT)
    .localGet(C)
    .i32Const(MAX_BLOCK * 4)
    .i32Mul()
    .i32Add()
    .localSet(X);
  b.localGet(FOUT).localGet(C).i32Const(F1).i32Mul().i32Add().localSet(FOUT);
  pairs((store) => store(0, () => b.localGet(X).localGet(I).i32Add().v128Load64Zero(0)));
  b.localGet(FOUT).localGet(C).i32Const(F1).i32Mul().i32Sub().localSet(FOUT);
  b.localGet(C).i32Const(1).i32Add().localTee(C).localGet(NCH).i32LtU().brIf(0);
  b.end();
  b.else();
  // Stereo: as decorrelate() in flac-decoder.ts (wasted bits put back first, 32-bit wrap-around).
  b.localGet(SCALE).f64x2Splat().localSet(FSV);
  const ab = () => {
    b.localGet(I).v128Load64Zero(X0).i32Const(0).i32Load(WASTED_AT).i32x4Shl().localSet(VA);
    b.localGet(I)
      .v128Load64Zero(X1)
      .i32Const(0)
      .i32Load(WASTED_AT + 4)
      .i32x4Shl()
      .localSet(VB);
  };
  b.localGet(CH).i32Const(8).i32Eq().if();
  pairs((store) => {
    ab(); // left, side
    store(0, () => b.localGet(VA));
    store(F1, () => b.localGet(VA).localGet(VB).i32x4Sub());
  });
  b.else().localGet(CH).i32Const(9).i32Eq().if();
  pairs((store) => {
    ab(); // side, right
    store(0, () => b.localGet(VA).localGet(VB).i32x4Add());
    store(F1, () => b.localGet(VB));
  });
  b.else();
  pairs((store) => {
    ab(); // mid, side
    b.localGet(VA).i32Const(1).i32x4Shl().localGet(VB).i32x4Const(1).v128And().v128Or().localSet(VA);
    store(0, () => b.localGet(VA).localGet(VB).i32x4Add().i32Const(1).i32x4ShrS());
    store(F1, () => b.localGet(VA).localGet(VB).i32x4Sub().i32Const(1).i32x4ShrS());
  });
  b.end().end();
  b.end();
  b.localGet(POS);

  const pages = Math.ceil((PENDING_AT + capacity + SLACK) / 65536);
  const body = b.bytes;
  const helpers: KernelFunction[] = [];
  /** A helper whose body `emit` writes, returning the i32 it leaves. */
  const helper = (emit: () => void) => {
    b = new Code();
    emit();
    helpers.push({ params: HELPER_PARAMS, results: [I32], locals: HELPER_LOCALS, body: b.bytes });
  };
  helper(() => {
    rice();
    b.localGet(POS);
  });
  for (const order of LPC_LOOPS) {
    helper(() => {
      b.localGet(SHIFT).i64ExtendI32U().localSet(SHIFT64);
      b.i64Const(1).localGet(B).i32Const(1).i32Sub().i64ExtendI32U().i64Shl().localTee(LIM64);
      b.localGet(LIM64).i64Add().localSet(LIM2);
      b.f64Const(MAGIC).i64ReinterpretF64().localSet(MAGIC64);
      lpc(order);
      b.localGet(BAD);
    });
  }
  return buildKernelModule({
    params: MAIN_PARAMS,
    results: [I32],
    locals: [[I32_LOCALS, I32], ...HELPER_LOCALS],
    body,
    memoryPages: pages,
    data: { offset: CRC_AT, bytes: crcTables() },
    helpers,
  });
}
