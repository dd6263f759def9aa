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

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Scalar and control opcodes (with their immediates where they take one). */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32LtU: [0x49],
  f32Max: [0x97],
  f64Gt: [0x64],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Max: [0xa5],
  f64PromoteF32: [0xbb],
  f64Const: (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return [0x44, ...b];
  },
  /** `loop` with no result; `brIf(0)` inside it jumps back to its start. */
  loop: [0x03, 0x40],
  /** `if` with no result, taking an i32 condition. */
  if: [0x04, 0x40],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: [0x0b],
};

const simd = (code: number) => [0xfd, ...uleb(code)];

/** SIMD opcodes (fixed-width 128-bit). `align` is log2 of the byte alignment the address is known to have. */
export const simdOp = {
  /** 16 bytes at address + offset. */
  load: (offset: number, align = 2) => [...simd(0x00), align, ...uleb(offset)],
  /** Two f32 at address + offset into the low half, high half zero. */
  load64Zero: (offset: number, align = 2) => [...simd(0x5d), align, ...uleb(offset)],
  /** Two doubles, both `v`. */
  f64x2Const: (v: number) => {
    const b = new Uint8Array(16);
    const d = new DataView(b.buffer);
    d.setFloat64(0, v, true);
    d.setFloat64(8, v, true);
    return [...simd(0x0c), ...b];
  },
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number) => [...simd(0x21), lane],
  f32x4ExtractLane: (lane: number) => [...simd(0x1f), lane],
  f32x4Abs: simd(0xe0),
  /** Lane-wise `a < b ? b : a` (NaN in b ignored). */
  f32x4Pmax: simd(0xeb),
  f64x2PromoteLowF32x4: simd(0x5f),
  /** Lane-wise a > b as all-ones / all-zeros (false for NaN). */
  f64x2Gt: simd(0x4a),
  v128Or: simd(0x50),
  /** i32 1 when any bit is set. */
  v128AnyTrue: simd(0x53),
  f64x2Abs: simd(0xec),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  /** Lane-wise `a < b ? b : a`: a NaN in b never replaces a (as `if (b > a) a = b` in TypeScript). */
  f64x2Pmax: simd(0xf7),
};

/** One exported function and one exported memory. */
export interface KernelSpec {
  params: number[];
  results: number[];
  /** Extra locals as [count, type] runs, after the parameters. */
  locals: [number, number][];
  /** The function body without its final `end`. */
  body: number[];
  /** Linear memory, 64 KiB pages. */
  memoryPages: number;
}

/** The binary module for `spec`: function export "run", memory export "memory". */
export function buildKernelModule(spec: KernelSpec): Uint8Array {
  const fn = [...vec(spec.locals.map(([n, t]) => [...uleb(n), t])), ...spec.body, ...op.end];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(spec.params.map((t) => [t])), ...vec(spec.results.map((t) => [t]))]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(spec.memoryPages)]])),
    ...section(
      7,
      vec([
        [...name("run"), 0x00, 0],
        [...name("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(fn.length), ...fn]])),
  ]);
}

/** A compiled module, instantiated as often as needed (each instance has its own memory). */
export interface CompiledKernel {
  instantiate(): { run: (...args: number[]) => number; memory: ArrayBuffer };
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
      instantiate() {
        const { exports } = new wasmApi.Instance(module, {});
        return {
          run: exports.run as (...args: number[]) => number,
          memory: (exports.memory as { buffer: ArrayBuffer }).buffer,
        };
      },
    };
  } catch {
    return null;
  }
}
