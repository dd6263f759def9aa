/**
 * The few pieces of the WebAssembly binary format the engine's generated kernels need: LEB128 numbers,
 * sections, a one-function module with its own memory, and the opcodes used. Kernels are generated at run
 * time with their coefficients as constants (no build step, no binary in the repository); a host without
 * WebAssembly or its SIMD instructions gets `null` from `instantiateKernel` and runs the TypeScript path,
 * which computes the same numbers.
 */

/** The slice of the WebAssembly JS API used here (the engine compiles against ES2022 only, no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * A function body under construction: each method appends one instruction with its immediates. Bytes go
 * straight into one array (no temporary arrays), so generating a kernel is quick even while the
 * generator's own code is still cold.
 */
export class Code {
  readonly bytes: number[] = [];

  /** Unsigned LEB128. */
  uleb(n: number): this {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      this.bytes.push(b);
    } while (n);
    return this;
  }

  /** Signed LEB128 (32-bit). */
  sleb(n: number): this {
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
        this.bytes.push(b);
        return this;
      }
      this.bytes.push(b | 0x80);
    }
  }

  private op(code: number): this {
    this.bytes.push(code);
    return this;
  }

  private simd(code: number): this {
    this.bytes.push(0xfd);
    return this.uleb(code);
  }

  private f64(v: number): this {
    F64_VIEW.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.bytes.push(F64_VIEW.getUint8(i));
    return this;
  }

  localGet(i: number): this {
    return this.op(0x20).uleb(i);
  }
  localSet(i: number): this {
    return this.op(0x21).uleb(i);
  }
  localTee(i: number): this {
    return this.op(0x22).uleb(i);
  }
  i32Const(v: number): this {
    return this.op(0x41).sleb(v);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32Xor(): this {
    return this.op(0x73);
  }
  i32ShrS(): this {
    return this.op(0x75);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  /** Stores the low byte of an i32 at address + offset (address, then value, on the stack). */
  i32Store8(offset: number, align = 0): this {
    return this.op(0x3a).op(align).uleb(offset);
  }
  /** Stores the low two bytes of an i32, little-endian, at address + offset. */
  i32Store16(offset: number, align = 0): this {
    return this.op(0x3b).op(align).uleb(offset);
  }
  i32Store(offset: number, align = 2): this {
    return this.op(0x36).op(align).uleb(offset);
  }
  /** Truncates toward zero; traps when the value is NaN or outside the i32 range. */
  i32TruncF64S(): this {
    return this.op(0xaa);
  }
  /** Truncates toward zero, saturating at the i32 range (NaN → 0); never traps. */
  i32TruncSatF64S(): this {
    return this.op(0xfc).uleb(0x02);
  }
  f64ConvertI32S(): this {
    return this.op(0xb7);
  }
  f64Floor(): this {
    return this.op(0x9c);
  }
  f64Eq(): this {
    return this.op(0x61);
  }
  f64Ne(): this {
    return this.op(0x62);
  }
  f64Le(): this {
    return this.op(0x65);
  }
  f64Ge(): this {
    return this.op(0x66);
  }
  /** `block` with no result; `br(0)` / `brIf(0)` inside it jumps to its end. */
  block(): this {
    return this.op(0x02).op(0x40);
  }
  br(depth: number): this {
    return this.op(0x0c).uleb(depth);
  }
  /** Returns from the function with the value(s) on the stack. */
  return(): this {
    return this.op(0x0f);
  }
  /** i32 at address + offset. */
  i32Load(offset: number, align = 2): this {
    return this.op(0x28).op(align).uleb(offset);
  }
  /** f32 at address + offset. */
  f32Load(offset: number, align = 2): this {
    return this.op(0x2a).op(align).uleb(offset);
  }
  /** f64 at address + offset. */
  f64Load(offset: number, align = 3): this {
    return this.op(0x2b).op(align).uleb(offset);
  }
  f32Store(offset: number, align = 2): this {
    return this.op(0x38).op(align).uleb(offset);
  }
  f64Store(offset: number, align = 3): this {
    return this.op(0x39).op(align).uleb(offset);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Abs(): this {
    return this.op(0x99);
  }
  f64Lt(): this {
    return this.op(0x63);
  }
  /** Rounds to float32 (to nearest, ties to even: what a Float32Array store does). */
  f32DemoteF64(): this {
    return this.op(0xb6);
  }
  /** `c ? a : b` for operands a, b, c (i32) on the stack. */
  select(): this {
    return this.op(0x1b);
  }
  f32Max(): this {
    return this.op(0x97);
  }
  f64Const(v: number): this {
    return this.op(0x44).f64(v);
  }
  f64Gt(): this {
    return this.op(0x64);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  f64Max(): this {
    return this.op(0xa5);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  /** `loop` with no result; `brIf(0)` inside it jumps back to its start. */
  loop(): this {
    return this.op(0x03).op(0x40);
  }
  /** `if` with no result, taking an i32 condition. */
  if(): this {
    return this.op(0x04).op(0x40);
  }
  brIf(depth: number): this {
    return this.op(0x0d).uleb(depth);
  }
  end(): this {
    return this.op(0x0b);
  }

  /** 16 bytes at address + offset; `align` is log2 of the byte alignment the address is known to have. */
  v128Load(offset: number, align = 2): this {
    return this.simd(0x00).op(align).uleb(offset);
  }
  /** Stores 16 bytes at address + offset (address, then value, on the stack). */
  v128Store(offset: number, align = 2): this {
    return this.simd(0x0b).op(align).uleb(offset);
  }
  /** Two 32-bit values (f32 or i32) at address + offset into the low half, high half zero. */
  v128Load64Zero(offset: number, align = 2): this {
    return this.simd(0x5d).op(align).uleb(offset);
  }
  /** One 32-bit value at address + offset into lane 0, the other lanes zero. */
  v128Load32Zero(offset: number, align = 2): this {
    return this.simd(0x5c).op(align).uleb(offset);
  }
  /** Replaces 32-bit lane `lane` of a vector with the value at address + offset (address, then vector). */
  v128Load32Lane(offset: number, lane: number, align = 2): this {
    return this.simd(0x56).op(align).uleb(offset).op(lane);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  i32x4ExtractLane(lane: number): this {
    return this.simd(0x1b).op(lane);
  }
  /** Lane-wise shift left by an i32 count (vector, then count). */
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4ShrU(): this {
    return this.simd(0xad);
  }
  i32x4Sub(): this {
    return this.simd(0xb1);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  v128Xor(): this {
    return this.simd(0x51);
  }
  /** Bits of a where the mask c is set, else of b (a, b, c on the stack). */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  /** i32 1 when every 64-bit lane is non-zero. */
  i64x2AllTrue(): this {
    return this.simd(0xc3);
  }
  /** The two low i32 lanes as doubles. */
  f64x2ConvertLowI32x4S(): this {
    return this.simd(0xfe);
  }
  /** Lane-wise truncation to i32 (saturating, NaN → 0) into lanes 0 and 1; lanes 2 and 3 zero. */
  i32x4TruncSatF64x2SZero(): this {
    return this.simd(0xfc);
  }
  f64x2Floor(): this {
    return this.simd(0x75);
  }
  f64x2Eq(): this {
    return this.simd(0x47);
  }
  f64x2Ne(): this {
    return this.simd(0x48);
  }
  f64x2Lt(): this {
    return this.simd(0x49);
  }
  f64x2Le(): this {
    return this.simd(0x4b);
  }
  f64x2Ge(): this {
    return this.simd(0x4c);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  /** Lane-wise `b < a ? b : a`. */
  f64x2Pmin(): this {
    return this.simd(0xf6);
  }
  /** Two doubles, both `v`. */
  f64x2Const(v: number): this {
    return this.simd(0x0c).f64(v).f64(v);
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2ExtractLane(lane: number): this {
    return this.simd(0x21).op(lane);
  }
  /** Four floats, all the f32 on the stack. */
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f).op(lane);
  }
  f32x4Abs(): this {
    return this.simd(0xe0);
  }
  /** Lane-wise `a < b ? b : a`: a NaN in b never replaces a (as `if (b > a) a = b` in TypeScript). */
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  /** Lane-wise a > b as all-ones / all-zeros (false for NaN). */
  f64x2Gt(): this {
    return this.simd(0x4a);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  /** i32 1 when any bit is set. */
  v128AnyTrue(): this {
    return this.simd(0x53);
  }
  f64x2Abs(): this {
    return this.simd(0xec);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** Lane-wise `a < b ? b : a` (NaN in b ignored). */
  f64x2Pmax(): this {
    return this.simd(0xf7);
  }

  // Used by the compressor kernel (dsp/dynamics/compressor-kernel.ts).
  /** Starts the `else` part of an `if`. */
  else(): this {
    return this.op(0x05);
  }
  i32RemU(): this {
    return this.op(0x70);
  }
  i32x4GtS(): this {
    return this.simd(0x3b);
  }
  i32x4ShrS(): this {
    return this.simd(0xac);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4MinS(): this {
    return this.simd(0xb6);
  }
  i32x4MaxS(): this {
    return this.simd(0xb8);
  }
  /** i32 lanes 0 and 1 sign-extended to the two i64 lanes (a 32-bit lane mask → a 64-bit lane mask). */
  i64x2ExtendLowI32x4S(): this {
    return this.simd(0xc7);
  }
  /** Byte shuffle of two vectors: `lanes[i]` < 16 picks from the first, ≥ 16 from the second. */
  i8x16Shuffle(lanes: readonly number[]): this {
    this.simd(0x0d);
    for (const l of lanes) this.bytes.push(l);
    return this;
  }
  /** 8 bytes at address + offset into lane `lane` of the vector (address, then vector, on the stack). */
  v128Load64Lane(offset: number, lane: number, align = 3): this {
    return this.simd(0x57).op(align).uleb(offset).op(lane);
  }
  /** Stores lane `lane` (8 bytes) at address + offset (address, then vector, on the stack). */
  v128Store64Lane(offset: number, lane: number, align = 2): this {
    return this.simd(0x5b).op(align).uleb(offset).op(lane);
  }
  /** Stores lane `lane` (4 bytes) at address + offset. */
  v128Store32Lane(offset: number, lane: number, align = 2): this {
    return this.simd(0x5a).op(align).uleb(offset).op(lane);
  }
  /** Four i32 lanes, all `v`. */
  i32x4Const(v: number): this {
    this.simd(0x0c);
    for (let k = 0; k < 4; k++) for (let b = 0; b < 4; b++) this.bytes.push((v >>> (8 * b)) & 0xff);
    return this;
  }
  /** Doubles (rounded to float32, to nearest even) into lanes 0 and 1, lanes 2 and 3 zero. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }

  // Used by the FLAC subframe kernel (packages/node/src/files/flac-subframe-kernel.ts).
  /** Calls function `index` of the module (its parameters on the stack; its results left there). */
  call(index: number): this {
    return this.op(0x10).uleb(index);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32GtU(): this {
    return this.op(0x4b);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32LeU(): this {
    return this.op(0x4d);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  /** The byte at address + offset, zero-extended. */
  i32Load8U(offset: number): this {
    return this.op(0x2d).op(0).uleb(offset);
  }
  /** The 16-bit value at address + offset, zero-extended. */
  i32Load16U(offset: number, align = 1): this {
    return this.op(0x2f).op(align).uleb(offset);
  }
  /** Count of leading zero bits (32 for 0). */
  i32Clz(): this {
    return this.op(0x67);
  }
  /** Jumps to `depths[i]` for an i32 i on the stack, to `fallback` when i is out of range. */
  brTable(depths: readonly number[], fallback: number): this {
    this.op(0x0e).uleb(depths.length);
    for (const d of depths) this.uleb(d);
    return this.uleb(fallback);
  }
  /** An i64 constant; `v` must be an integer in the i32 range (its LEB128 is then the same). */
  i64Const(v: number): this {
    if (!(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) throw new RangeError(`i64Const(${v})`);
    return this.op(0x42).sleb(v);
  }
  /** Sign-extends the 32-bit value at address + offset to an i64. */
  i64Load32S(offset: number, align = 2): this {
    return this.op(0x34).op(align).uleb(offset);
  }
  /** Stores the low 32 bits of an i64 at address + offset. */
  i64Store32(offset: number, align = 2): this {
    return this.op(0x3e).op(align).uleb(offset);
  }
  i64Add(): this {
    return this.op(0x7c);
  }
  i64Sub(): this {
    return this.op(0x7d);
  }
  i64Mul(): this {
    return this.op(0x7e);
  }
  /** Shifts take their count modulo 64. */
  i64Shl(): this {
    return this.op(0x86);
  }
  i64ShrS(): this {
    return this.op(0x87);
  }
  i64ShrU(): this {
    return this.op(0x88);
  }
  /** Count of leading zero bits (64 for 0). */
  i64Clz(): this {
    return this.op(0x79);
  }
  i64GtU(): this {
    return this.op(0x56);
  }
  i64ExtendI32U(): this {
    return this.op(0xad);
  }
  f64ConvertI64S(): this {
    return this.op(0xb9);
  }
  /** The bits of an f64 as an i64. */
  i64ReinterpretF64(): this {
    return this.op(0xbd);
  }
  /** The low 32 bits of an i64. */
  i32WrapI64(): this {
    return this.op(0xa7);
  }
  i64x2ExtractLane(lane: number): this {
    return this.simd(0x1d).op(lane);
  }
}

const F64_VIEW = new DataView(new ArrayBuffer(8));

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** A function of a kernel module. */
export interface KernelFunction {
  params: number[];
  results: number[];
  /** Extra locals as [count, type] runs, after the parameters. */
  locals: [number, number][];
  /** The function body without its final `end`. */
  body: readonly number[];
}

/** One exported function and one exported memory. */
export interface KernelSpec extends KernelFunction {
  /** Linear memory, 64 KiB pages. */
  memoryPages: number;
  /** Bytes the memory starts with at a byte offset (constant tables), else all zero. */
  data?: { offset: number; bytes: Uint8Array };
  /**
   * Functions the exported one calls (`Code.call(1 + i)` for `helpers[i]`): each is compiled, and its
   * registers allocated, on its own, which a hot loop inside a large function did not get.
   */
  helpers?: KernelFunction[];
  /** Names under which the helpers are exported too, in order (a kernel with several entry points). */
  helperExports?: string[];
}

/** The binary module for `spec`: function export "run" (function 0), memory export "memory". */
export function buildKernelModule(spec: KernelSpec): Uint8Array {
  const fns = [spec, ...(spec.helpers ?? [])];
  const out = new Code();
  out.bytes.push(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const section = (id: number, body: Code) => {
    out.bytes.push(id);
    out.uleb(body.bytes.length);
    for (const b of body.bytes) out.bytes.push(b);
  };
  const name = (c: Code, s: string) => {
    c.uleb(s.length);
    for (let i = 0; i < s.length; i++) c.bytes.push(s.charCodeAt(i));
    return c;
  };
  // One type per function, in order.
  const type = new Code().uleb(fns.length);
  for (const f of fns) {
    type.bytes.push(0x60);
    type.uleb(f.params.length).bytes.push(...f.params);
    type.uleb(f.results.length).bytes.push(...f.results);
  }
  section(1, type);
  const funcs = new Code().uleb(fns.length);
  for (let i = 0; i < fns.length; i++) funcs.uleb(i);
  section(3, funcs);
  section(5, new Code().uleb(1).uleb(0).uleb(spec.memoryPages));
  const helperNames = spec.helperExports ?? [];
  const exports = new Code().uleb(2 + helperNames.length);
  name(exports, "run").uleb(0).uleb(0);
  name(exports, "memory").uleb(2).uleb(0);
  for (const [i, n] of helperNames.entries())
    name(exports, n)
      .uleb(0)
      .uleb(1 + i);
  section(7, exports);
  const code = new Code().uleb(fns.length);
  for (const f of fns) {
    const fn = new Code().uleb(f.locals.length);
    for (const [n, t] of f.locals) fn.uleb(n).bytes.push(t);
    for (const b of f.body) fn.bytes.push(b);
    fn.end();
    code.uleb(fn.bytes.length);
    for (const b of fn.bytes) code.bytes.push(b);
  }
  section(10, code);
  if (!spec.data) return new Uint8Array(out.bytes);
  // One active segment in memory 0: flags 0, offset expression `i32.const offset; end`, the bytes. The bytes
  // (a table can be hundreds of KB, as the FFT's) are copied in as a block, not pushed one by one.
  const table = spec.data.bytes;
  const head = new Code().uleb(1).uleb(0).i32Const(spec.data.offset).end().uleb(table.length);
  out.bytes.push(11);
  out.uleb(head.bytes.length + table.length);
  for (const b of head.bytes) out.bytes.push(b);
  const module = new Uint8Array(out.bytes.length + table.length);
  module.set(out.bytes);
  module.set(table, out.bytes.length);
  return module;
}

/** A compiled module, instantiated as often as needed (each instance has its own memory). */
export interface CompiledKernel {
  /**
   * A new instance with its own memory.
   * @param pages grow the memory to at least this many 64 KiB pages first (views made afterwards stay
   *   valid: nothing grows it again).
   */
  instantiate(pages?: number): {
    run: (...args: number[]) => number;
    memory: ArrayBuffer;
    /** Every exported function by name ("run" and the helpers exported). */
    fns: Record<string, (...args: number[]) => number>;
  };
}

/**
 * Compiles a module, or returns null when the host has no WebAssembly, lacks an instruction it uses, or
 * refuses to compile it (a browser's main thread refuses large synchronous compiles).
 */
export function compileKernel(bytes: Uint8Array): CompiledKernel | null {
  if (!wasmApi) return null;
  try {
    if (!wasmApi.validate(bytes)) return null;
    const module = new wasmApi.Module(bytes);
    return {
      instantiate(pages = 0) {
        const { exports } = new wasmApi.Instance(module, {});
        const memory = exports.memory as { buffer: ArrayBuffer; grow(delta: number): number };
        const have = memory.buffer.byteLength / 65536;
        if (pages > have) memory.grow(pages - have);
        const fns: Record<string, (...args: number[]) => number> = {};
        for (const [k, v] of Object.entries(exports)) if (typeof v === "function") fns[k] = v as never;
        return { run: exports.run as (...args: number[]) => number, memory: memory.buffer, fns };
      },
    };
  } catch {
    return null;
  }
}

/** Modules compiled so far in this thread, by `compileKernelOnce` key. */
const compiledByKey = new Map<string, CompiledKernel | null>();

/**
 * `compileKernel(generate())` once per `key` in this thread (each thread compiles its own): kernels whose
 * generator arguments give the same key are the same module, so later calls reuse it — or the null of a host
 * without WebAssembly. Keys start with the kernel's name ("pack;…", "fdn;…").
 */
export function compileKernelOnce(key: string, generate: () => Uint8Array): CompiledKernel | null {
  let kernel = compiledByKey.get(key);
  if (kernel === undefined) {
    kernel = compileKernel(generate());
    compiledByKey.set(key, kernel);
  }
  return kernel;
}
