import {
  buildKernelModule,
  Code,
  type CompiledKernel,
  compileKernelOnce,
  F64,
  I32,
  V128,
} from "../../core/wasm.ts";

/** Byte address of the noise states, one i32 per channel. */
const STATES_AT = 16;

/**
 * TPDF dither and packing of every channel of a block into interleaved 16- or 24-bit little-endian PCM, as
 * generated WebAssembly: per sample the same arithmetic as the TypeScript `pack16` / `pack24` in
 * ditherer.ts, so the same bytes to the last bit (xorshift32 noise, floor(v·scale + tpdf + 0.5) in double
 * precision, clipping, samples on the grid stored unchanged).
 *
 * Its memory holds the input floats (`inputs`, one array per channel, copied in per block), the channels'
 * noise states and the packed output (`output`). A writer hands `output` to the file as is, so the bytes
 * are never copied out. All channels go through one loop, frame by frame, two channels at a time as the
 * lanes of SIMD vectors: the noise generators of a pair step together (one channel at a time, each sample
 * waits on the previous one's xorshift steps, and the vector work per sample halves). Use it through
 * `Ditherer.quantizeFramesWith`, which keeps the noise states, skips silence and handles NaN as
 * `quantizeBytes` does. Each instance has its own memory, one per writer: 256 KiB for a stereo 24-bit
 * writer's 16 384-frame blocks (input floats 128 KiB, output 96 KiB).
 */
export class PackKernel {
  /** Bytes per sample: 2 (16-bit) or 3 (24-bit). */
  readonly bytes: 2 | 3;
  /** Input floats, one array of `capacity` per channel. */
  readonly inputs: readonly Float32Array[];
  /** The packed frames, interleaved: channels × bytes per frame, `capacity` frames. */
  readonly output: Uint8Array;
  /** Noise state of each channel, in and out of `pack`. */
  readonly states: Int32Array;
  private readonly run: (frames: number, gridLo: number) => number;

  private constructor(compiled: CompiledKernel, bytes: 2 | 3, channels: number, capacity: number) {
    const inst = compiled.instantiate();
    const layout = layoutOf(bytes, channels, capacity);
    this.bytes = bytes;
    this.run = inst.run;
    this.inputs = Array.from(
      { length: channels },
      (_, c) => new Float32Array(inst.memory, layout.inputAt + c * capacity * 4, capacity),
    );
    this.output = new Uint8Array(inst.memory, layout.outputAt, capacity * channels * bytes);
    this.states = new Int32Array(inst.memory, STATES_AT, channels);
  }

  /**
   * A kernel, or null when the host has no WebAssembly SIMD or no memory for another instance (the caller
   * then packs with `quantizeBytes`). Compiled once per set of arguments (each thread compiles its own).
   * @param bytes 2 (16-bit) or 3 (24-bit).
   * @param channels channels per frame.
   * @param capacity most frames per call.
   */
  static create(bytes: 2 | 3, channels: number, capacity: number): PackKernel | null {
    if (!(Number.isInteger(channels) && channels >= 1 && Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`pack kernel needs channels and capacity ≥ 1, got ${channels}, ${capacity}`);
    }
    const kernel = compileKernelOnce(`pack;${bytes};${channels};${capacity}`, () =>
      generate(bytes, channels, capacity),
    );
    if (!kernel) return null;
    try {
      return new PackKernel(kernel, bytes, channels, capacity);
    } catch {
      // No memory for another instance (address space for its reservation): the TypeScript path works.
      return null;
    }
  }

  /**
   * Packs frames 0 … frames − 1 of `inputs` into `output` with the noise states in `states`.
   * @param gridLo samples whose v·scale is whole and in [gridLo, scale) are stored unchanged; +Infinity: none.
   * @returns true; false when a sample is NaN or infinite (then `output` and `states` are unspecified).
   */
  pack(frames: number, gridLo: number): boolean {
    if (!(Number.isInteger(frames) && frames >= 0 && frames <= this.inputs[0].length)) {
      throw new RangeError(`pack kernel: ${frames} frames do not fit its ${this.inputs[0].length}`);
    }
    return this.run(frames, gridLo) !== 0;
  }
}

/** Where the inputs and output lie in the kernel's memory, and how many pages it has. */
function layoutOf(bytes: number, channels: number, capacity: number) {
  const inputAt = Math.ceil((STATES_AT + channels * 4) / 16) * 16;
  const outputAt = inputAt + Math.ceil((channels * capacity * 4) / 16) * 16;
  const pages = Math.ceil((outputAt + capacity * channels * bytes) / 65536);
  return { inputAt, outputAt, pages };
}

/**
 * run(frames, gridLo) → 1, or 0 at a sample that is not finite. Per frame, channels in pairs as the two
 * lanes of SIMD vectors (a last odd channel in scalar code), each lane in the order and precision of
 * `pack24`: three xorshift steps on i32, t = f64(v)·scale, d = floor((t + tpdf) + 0.5); when a lane is out
 * of [lo, hi], a sample that is not finite stops the loop, else d clips (min/max, which is what the
 * TypeScript's `d > hi ? hi : lo` does out of range); the code is trunc(t) where t is whole and in
 * [gridLo, scale) (a bit select, no branch, as the TypeScript does with a mask), else trunc(d). The low two
 * bytes of a code go out in one 16-bit store, the third in a byte store. The states live in locals.
 */
function generate(bytes: 2 | 3, channels: number, capacity: number): Uint8Array {
  const { inputAt, outputAt, pages } = layoutOf(bytes, channels, capacity);
  const scale = bytes === 3 ? 2 ** 23 : 2 ** 15;
  const hi = scale - 1;
  const lo = -scale;
  const pairs = channels >> 1;
  const odd = channels & 1;
  const plane = capacity * 4;
  // Parameters, then locals: i32, f64, v128.
  const N = 0;
  const G = 1;
  const INP = 2; // byte address of channel 0's current input
  const OUT = 3; // byte address of the current output frame
  const I = 4;
  const CODE = 5;
  const X = 6; // the odd channel's noise state
  const V = 7;
  const T = 8;
  const D = 9;
  const XS = 10; // XS + p: pair p's noise states (lanes 0, 1)
  const VV = XS + pairs;
  const VT = VV + 1;
  const VD = VT + 1;
  const VC = VD + 1;
  const MASK = VC + 1;
  const SCALE = MASK + 1;
  const INV = SCALE + 1;
  const HALF = INV + 1;
  const HI = HALF + 1;
  const LO = HI + 1;
  const VG = LO + 1;
  const b = new Code();
  // Constants in locals: written inline, V8 rebuilds a vector constant at every use.
  b.i32Const(0xffff).i32x4Splat().localSet(MASK);
  b.f64x2Const(scale)
    .localSet(SCALE)
    .f64x2Const(1 / 65536)
    .localSet(INV)
    .f64x2Const(0.5)
    .localSet(HALF);
  b.f64x2Const(hi).localSet(HI).f64x2Const(lo).localSet(LO).localGet(G).f64x2Splat().localSet(VG);
  for (let p = 0; p < pairs; p++)
    b.i32Const(0)
      .v128Load64Zero(STATES_AT + 8 * p)
      .localSet(XS + p);
  if (odd)
    b.i32Const(0)
      .i32Load(STATES_AT + 8 * pairs)
      .localSet(X);
  b.i32Const(inputAt).localSet(INP).i32Const(outputAt).localSet(OUT);
  b.block().localGet(N).i32Eqz().brIf(0);
  b.loop();
  for (let p = 0; p < pairs; p++) {
    const xs = XS + p;
    const c = 2 * p;
    // x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    b.localGet(xs).localGet(xs).i32Const(13).i32x4Shl().v128Xor().localSet(xs);
    b.localGet(xs).localGet(xs).i32Const(17).i32x4ShrU().v128Xor().localSet(xs);
    b.localGet(xs).localGet(xs).i32Const(5).i32x4Shl().v128Xor().localSet(xs);
    // t = v · scale (v: channel c in lane 0, c + 1 in lane 1)
    b.localGet(INP)
      .localGet(INP)
      .v128Load32Zero(c * plane)
      .v128Load32Lane((c + 1) * plane, 1);
    b.f64x2PromoteLowF32x4().localTee(VV).localGet(SCALE).f64x2Mul().localTee(VT);
    // d = floor((t + ((x & 0xffff) − (x >>> 16)) / 65536) + 0.5)
    b.localGet(xs).localGet(MASK).v128And().localGet(xs).i32Const(16).i32x4ShrU().i32x4Sub();
    b.f64x2ConvertLowI32x4S().localGet(INV).f64x2Mul().f64x2Add().localGet(HALF).f64x2Add().f64x2Floor();
    b.localTee(VD);
    // Out of range: stop at NaN or infinity (v − v ≠ 0), else clip.
    b.localGet(HI).f64x2Le().localGet(VD).localGet(LO).f64x2Ge().v128And().i64x2AllTrue().i32Eqz().if();
    b.localGet(VV).localGet(VV).f64x2Sub().f64x2Const(0).f64x2Ne().v128AnyTrue().if();
    b.i32Const(0).return();
    b.end();
    b.localGet(VD).localGet(LO).f64x2Pmax().localGet(HI).f64x2Pmin().localSet(VD);
    b.end();
    // code = keep ? t : d, truncated
    b.localGet(VT).localGet(VD);
    b.localGet(VT).f64x2Floor().localGet(VT).f64x2Eq();
    b.localGet(VT).localGet(VG).f64x2Ge().v128And();
    b.localGet(VT).localGet(SCALE).f64x2Lt().v128And();
    b.v128Bitselect().i32x4TruncSatF64x2SZero().localSet(VC);
    for (let lane = 0; lane < 2; lane++) {
      const at = (c + lane) * bytes;
      b.localGet(OUT).localGet(VC).i32x4ExtractLane(lane).localTee(CODE).i32Store16(at);
      if (bytes === 3)
        b.localGet(OUT)
          .localGet(CODE)
          .i32Const(16)
          .i32ShrS()
          .i32Store8(at + 2);
    }
  }
  if (odd) {
    const c = channels - 1;
    b.localGet(X).localGet(X).i32Const(13).i32Shl().i32Xor().localSet(X);
    b.localGet(X).localGet(X).i32Const(17).i32ShrU().i32Xor().localSet(X);
    b.localGet(X).localGet(X).i32Const(5).i32Shl().i32Xor().localSet(X);
    b.localGet(INP)
      .f32Load(c * plane)
      .f64PromoteF32()
      .localTee(V)
      .f64Const(scale)
      .f64Mul()
      .localTee(T);
    b.localGet(X).i32Const(0xffff).i32And().localGet(X).i32Const(16).i32ShrU().i32Sub().f64ConvertI32S();
    b.f64Const(1 / 65536)
      .f64Mul()
      .f64Add()
      .f64Const(0.5)
      .f64Add()
      .f64Floor()
      .localTee(D);
    b.f64Const(hi).f64Le().localGet(D).f64Const(lo).f64Ge().i32And().i32Eqz().if();
    b.localGet(V).localGet(V).f64Sub().f64Const(0).f64Ne().if();
    b.i32Const(0).return();
    b.end();
    b.f64Const(hi).f64Const(lo).localGet(D).f64Const(hi).f64Gt().select().localSet(D);
    b.end();
    b.localGet(OUT);
    b.localGet(T).i32TruncSatF64S();
    b.localGet(D).i32TruncF64S();
    b.localGet(T).f64Floor().localGet(T).f64Eq();
    b.localGet(T).localGet(G).f64Ge().i32And();
    b.localGet(T).f64Const(scale).f64Lt().i32And();
    b.select()
      .localTee(CODE)
      .i32Store16(c * bytes);
    if (bytes === 3)
      b.localGet(OUT)
        .localGet(CODE)
        .i32Const(16)
        .i32ShrS()
        .i32Store8(c * bytes + 2);
  }
  b.localGet(OUT)
    .i32Const(channels * bytes)
    .i32Add()
    .localSet(OUT);
  b.localGet(INP).i32Const(4).i32Add().localSet(INP);
  b.localGet(I).i32Const(1).i32Add().localTee(I).localGet(N).i32LtU().brIf(0);
  b.end();
  b.end();
  for (let p = 0; p < pairs; p++) {
    for (let lane = 0; lane < 2; lane++) {
      b.i32Const(0)
        .localGet(XS + p)
        .i32x4ExtractLane(lane)
        .i32Store(STATES_AT + 8 * p + 4 * lane);
    }
  }
  if (odd)
    b.i32Const(0)
      .localGet(X)
      .i32Store(STATES_AT + 8 * pairs);
  b.i32Const(1);
  return buildKernelModule({
    params: [I32, F64],
    results: [I32],
    locals: [
      [5, I32],
      [3, F64],
      [pairs + 11, V128],
    ],
    body: b.bytes,
    memoryPages: pages,
  });
}
