import { buildKernelModule, Code, type CompiledKernel, compileKernel, F64, I32 } from "../../core/wasm.ts";

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
 * are never copied out. All channels go through one loop, frame by frame: their noise generators are
 * independent chains the processor overlaps (one channel at a time, each sample waits on the previous
 * one's xorshift steps). Use it through `Ditherer.quantizeFramesWith`, which keeps the noise states, skips
 * silence and handles NaN as `quantizeBytes` does. Each instance has its own memory (one per writer).
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
   * A kernel, or null when the host has no WebAssembly (the caller then packs with `quantizeBytes`).
   * Compiled once per set of arguments (each thread compiles its own).
   * @param bytes 2 (16-bit) or 3 (24-bit).
   * @param channels channels per frame.
   * @param capacity most frames per call.
   */
  static create(bytes: 2 | 3, channels: number, capacity: number): PackKernel | null {
    if (!(Number.isInteger(channels) && channels >= 1 && Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`pack kernel needs channels and capacity ≥ 1, got ${channels}, ${capacity}`);
    }
    const key = `${bytes};${channels};${capacity}`;
    let kernel = compiled.get(key);
    if (kernel === undefined) {
      kernel = compileKernel(generate(bytes, channels, capacity));
      compiled.set(key, kernel);
    }
    return kernel ? new PackKernel(kernel, bytes, channels, capacity) : null;
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

const compiled = new Map<string, CompiledKernel | null>();

/** Where the inputs and output lie in the kernel's memory, and how many pages it has. */
function layoutOf(bytes: number, channels: number, capacity: number) {
  const inputAt = Math.ceil((STATES_AT + channels * 4) / 16) * 16;
  const outputAt = inputAt + Math.ceil((channels * capacity * 4) / 16) * 16;
  const pages = Math.ceil((outputAt + capacity * channels * bytes) / 65536);
  return { inputAt, outputAt, pages };
}

/**
 * run(frames, gridLo) → 1, or 0 at a sample that is not finite. Per frame, per channel, in the order and
 * precision of `pack24`: three xorshift steps on i32, t = f64(v)·scale, d = floor((t + tpdf) + 0.5); out of
 * [lo, hi] a sample that is not finite stops the loop, else d clips; the code is trunc(t) when t is whole
 * and in [gridLo, scale) (`select`, no branch, as the TypeScript does with a mask), else d. The low two
 * bytes go out in one 16-bit store, the third in a byte store. The states live in locals during the loop.
 */
function generate(bytes: 2 | 3, channels: number, capacity: number): Uint8Array {
  const { inputAt, outputAt, pages } = layoutOf(bytes, channels, capacity);
  const scale = bytes === 3 ? 2 ** 23 : 2 ** 15;
  const hi = scale - 1;
  const lo = -scale;
  const C = channels;
  // Parameters, then locals.
  const N = 0;
  const G = 1;
  const INP = 2; // byte address of channel 0's current input
  const OUT = 3; // byte address of the current output frame
  const I = 4;
  const CODE = 5;
  const X = 6; // X + c: channel c's noise state
  const V = X + C;
  const T = V + 1;
  const D = T + 1;
  const b = new Code();
  for (let c = 0; c < C; c++)
    b.i32Const(STATES_AT + 4 * c)
      .i32Load(0)
      .localSet(X + c);
  b.i32Const(inputAt).localSet(INP).i32Const(outputAt).localSet(OUT);
  b.block().localGet(N).i32Eqz().brIf(0);
  b.loop();
  for (let c = 0; c < C; c++) {
    const x = X + c;
    // x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    b.localGet(x).localGet(x).i32Const(13).i32Shl().i32Xor().localSet(x);
    b.localGet(x).localGet(x).i32Const(17).i32ShrU().i32Xor().localSet(x);
    b.localGet(x).localGet(x).i32Const(5).i32Shl().i32Xor().localSet(x);
    // t = v · scale; d = floor((t + ((x & 0xffff) − (x >>> 16)) / 65536) + 0.5)
    b.localGet(INP)
      .f32Load(c * capacity * 4)
      .f64PromoteF32()
      .localTee(V)
      .f64Const(scale)
      .f64Mul()
      .localTee(T);
    b.localGet(x).i32Const(0xffff).i32And().localGet(x).i32Const(16).i32ShrU().i32Sub().f64ConvertI32S();
    b.f64Const(1 / 65536)
      .f64Mul()
      .f64Add()
      .f64Const(0.5)
      .f64Add()
      .f64Floor()
      .localTee(D);
    // if (!(d <= hi && d >= lo)) { if (v − v ≠ 0) stop; d = d > hi ? hi : lo }
    b.f64Const(hi).f64Le().localGet(D).f64Const(lo).f64Ge().i32And().i32Eqz().if();
    b.localGet(V).localGet(V).f64Sub().f64Const(0).f64Ne().if();
    b.i32Const(0).return();
    b.end();
    b.f64Const(hi).f64Const(lo).localGet(D).f64Const(hi).f64Gt().select().localSet(D);
    b.end();
    // code = keep ? trunc(t) : trunc(d)
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
    .i32Const(C * bytes)
    .i32Add()
    .localSet(OUT);
  b.localGet(INP).i32Const(4).i32Add().localSet(INP);
  b.localGet(I).i32Const(1).i32Add().localTee(I).localGet(N).i32LtU().brIf(0);
  b.end();
  b.end();
  for (let c = 0; c < C; c++)
    b.i32Const(STATES_AT + 4 * c)
      .localGet(X + c)
      .i32Store(0);
  b.i32Const(1);
  return buildKernelModule({
    params: [I32, F64],
    results: [I32],
    locals: [
      [4 + C, I32],
      [3, F64],
    ],
    body: b.bytes,
    memoryPages: pages,
  });
}
