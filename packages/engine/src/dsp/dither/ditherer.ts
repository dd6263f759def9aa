import type { PackKernel } from "./pack-kernel.ts";
import { SeededRandom } from "./random.ts";

/** How word length is reduced. */
export type DitherKind = "tpdf" | "shaped" | "none";

export const DITHER_KINDS: readonly DitherKind[] = ["tpdf", "shaped", "none"];

/** Options for a {@link Ditherer}. */
export interface DithererOptions {
  /** Target word length in bits (8 … 32). Full scale ±1.0 maps to ±2^(bits−1) codes. */
  bits: number;
  /**
   * `tpdf`: triangular dither of ±1 LSB peak, which makes the error's mean and variance independent of the
   * signal (total error power 3·LSB²/12 = LSB²/4). `shaped`: the same dither with error feedback that moves
   * the noise out of the ear's most sensitive band (1–5 kHz) towards the top of the spectrum; meant for
   * 44.1/48 kHz material. `none`: plain rounding (truncation distortion on quiet signals).
   */
  kind: DitherKind;
  /** Seed of the noise generator: the same seed gives identical output. Default 1. */
  seed?: number;
}

/**
 * Error-feedback filter for `shaped`: Wannamaker's 9-tap F-weighted noise shaper (J. AES 1992, "Psychoacoustically
 * optimal noise shaping"), the published coefficients for 44.1 kHz. Noise transfer 1 − Σ hₖz⁻ᵏ: about −12 dB
 * at low frequencies, −24 dB around 3–4 kHz, rising to +22 dB near 20 kHz.
 */
const SHAPER_9TAP = [2.412, -3.37, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847];

/**
 * Reduces one channel of float samples to integer codes of `bits` bits, with dither. Keeps state between
 * calls (the noise sequence and, for `shaped`, the error history), so a signal cut into blocks gives the
 * same codes as the whole. Use one Ditherer per channel.
 */
export class Ditherer {
  readonly bits: number;
  readonly kind: DitherKind;
  private readonly scale: number;
  private readonly maxCode: number;
  private readonly minCode: number;
  private random: SeededRandom;
  /** State of the fast TPDF generator (never zero). */
  private fast: number;
  private readonly seed: number;
  /** Past quantisation errors for the shaper, newest first, in LSB. */
  private readonly history = new Float64Array(SHAPER_9TAP.length);

  constructor(options: DithererOptions) {
    const { bits, kind } = options;
    if (!(Number.isInteger(bits) && bits >= 8 && bits <= 32)) {
      throw new RangeError(`dither bits must be an integer between 8 and 32, got ${bits}`);
    }
    if (!DITHER_KINDS.includes(kind)) {
      throw new RangeError(`dither kind must be one of ${DITHER_KINDS.join(", ")}, got ${String(kind)}`);
    }
    this.bits = bits;
    this.kind = kind;
    this.scale = 2 ** (bits - 1);
    this.maxCode = this.scale - 1;
    this.minCode = -this.scale;
    this.seed = options.seed ?? 1;
    this.random = new SeededRandom(this.seed);
    this.fast = this.random.nextUint32() | 1;
  }

  /**
   * Quantises `frames` samples of `input` (full scale ±1.0) into `out` as integer codes in
   * [−2^(bits−1), 2^(bits−1)−1]; values beyond full scale clip. Rounds half up with `Math.floor(v + 0.5)`
   * (the same result as `Math.round`, which V8 runs several times slower in this loop).
   * @param input float samples, full scale ±1.0.
   * @param out receives the codes; `out` must hold at least `frames` values.
   * @param frames how many samples (default: all of `input`).
   */
  quantize(input: Float32Array, out: Int32Array | Float64Array, frames = input.length): void {
    const s = this.scale;
    const hi = this.maxCode;
    const lo = this.minCode;
    const rnd = this.random;
    if (this.kind === "none") {
      for (let i = 0; i < frames; i++) {
        out[i] = clamp(Math.floor(input[i] * s + 0.5), lo, hi);
      }
      return;
    }
    if (this.kind === "tpdf") {
      // The writer dithers every sample it reduces, so this loop is hot: the noise comes from an inline
      // xorshift32 (seeded from the main generator), one step per sample.
      let x = this.fast;
      for (let i = 0; i < frames; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const q = Math.floor(input[i] * s + tpdf(x >>> 0) + 0.5);
        out[i] = q > hi ? hi : q < lo ? lo : q;
      }
      this.fast = x;
      return;
    }
    const h = SHAPER_9TAP;
    const e = this.history;
    const taps = h.length;
    for (let i = 0; i < frames; i++) {
      let fb = 0;
      for (let k = 0; k < taps; k++) fb += h[k] * e[k];
      const v = input[i] * s - fb;
      const q = clamp(Math.floor(v + tpdf(rnd.nextUint32()) + 0.5), lo, hi);
      // Clipping would feed a huge error back and make the loop ring; bound the fed-back error.
      let err = q - v;
      if (err > 4) err = 4;
      else if (err < -4) err = -4;
      for (let k = taps - 1; k > 0; k--) e[k] = e[k - 1];
      e[0] = err;
      out[i] = q;
    }
  }

  /**
   * TPDF dither straight into little-endian PCM bytes (the WAV writer's hot loop: one pass, no code array):
   * the same codes `quantize` gives with kind `tpdf`, from the same noise sequence. Only for kind `tpdf` and
   * 16 or 24 bits.
   * @param input float samples, full scale ±1.0.
   * @param frames how many samples.
   * @param out receives `bytes` bytes per sample, little-endian.
   * @param at byte offset of the first sample in `out`.
   * @param stride bytes from one sample to the next in `out` (channels × bytes for interleaved audio).
   * @param bytes 2 (16-bit) or 3 (24-bit).
   * @param passExact store samples already on the output grid unchanged instead of dithering them (the noise
   *   sequence still advances).
   * @returns the index of the first sample that is NaN or infinite (nothing from it on is written; the noise
   *   state is then undefined), or −1.
   */
  quantizeBytes(
    input: Float32Array,
    frames: number,
    out: Uint8Array,
    at: number,
    stride: number,
    bytes: 2 | 3,
    passExact: boolean,
  ): number {
    if (this.kind !== "tpdf" || (bytes === 2 ? this.bits !== 16 : this.bits !== 24)) {
      throw new RangeError(
        `quantizeBytes needs tpdf dither at 16 or 24 bits (this is ${this.kind}, ${this.bits})`,
      );
    }
    if (passExact && isSilent(input, frames)) {
      // Digital silence (a stem whose track rests, often half of it) is on the grid: zeros out, and the noise
      // sequence jumps ahead by `frames` steps as if each had been drawn.
      clearSamples(out, at, stride, frames, bytes);
      this.fast = xorshiftJump(this.fast, frames);
      return -1;
    }
    // The loops are free functions that take and return the noise state: with no property access in or
    // after them, the first (on-stack) compilation of a loop is also its last.
    NOT_FINITE[0] = -1;
    const gridLo = passExact ? this.minCode : Number.POSITIVE_INFINITY;
    const pack = bytes === 3 ? pack24 : pack16;
    this.fast = pack(input, frames, out, at, stride, this.fast, this.scale, gridLo);
    return NOT_FINITE[0];
  }

  /**
   * `quantizeBytes` for every channel of a block at once, through a WebAssembly {@link PackKernel}: the
   * inputs are copied into the kernel's memory and packed, interleaved, into `kernel.output` (which the
   * caller hands on as is). The same bytes and noise states as `quantizeBytes` channel after channel into
   * `kernel.output` (at c × bytes, stride channels × bytes); a block where every channel is silent is
   * skipped the same way, and a block with a NaN or infinity is packed again by `quantizeBytes`, which
   * finds it.
   * @param kernel made for these ditherers' width (2 bytes for 16 bits, 3 for 24) and their number.
   * @param ditherers one per channel, kind `tpdf`.
   * @param inputs one per channel, at least `frames` samples each.
   * @param frames at most the kernel's capacity.
   * @returns the first channel with a sample that is NaN or infinite (the file is then unusable), or −1.
   */
  static quantizeFramesWith(
    kernel: PackKernel,
    ditherers: readonly Ditherer[],
    inputs: readonly Float32Array[],
    frames: number,
    passExact: boolean,
  ): number {
    const bytes = kernel.bytes;
    const channels = ditherers.length;
    const stride = channels * bytes;
    if (kernel.inputs.length !== channels || inputs.length !== channels) {
      throw new RangeError(
        `quantizeFramesWith: ${channels} ditherers, ${inputs.length} inputs, kernel for ${kernel.inputs.length}`,
      );
    }
    for (const d of ditherers) {
      if (d.kind !== "tpdf" || d.bits !== bytes * 8) {
        throw new RangeError(
          `quantizeFramesWith needs tpdf dither at ${bytes * 8} bits (this is ${d.kind}, ${d.bits})`,
        );
      }
    }
    if (passExact && inputs.every((x) => isSilent(x, frames))) {
      // A silent block (a resting stem) costs no copy; a block where only some channels are silent goes
      // through the kernel whole: zeros are on the grid, so it stores zeros and steps their noise alike.
      kernel.output.fill(0, 0, frames * stride);
      for (const d of ditherers) d.fast = xorshiftJump(d.fast, frames);
      return -1;
    }
    for (let c = 0; c < channels; c++) {
      const x = inputs[c];
      kernel.inputs[c].set(frames === x.length ? x : x.subarray(0, frames));
      kernel.states[c] = ditherers[c].fast;
    }
    if (kernel.pack(frames, passExact ? -(2 ** (bytes * 8 - 1)) : Number.POSITIVE_INFINITY)) {
      for (let c = 0; c < channels; c++) ditherers[c].fast = kernel.states[c];
      return -1;
    }
    // Rare (the write fails): the TypeScript path, channel by channel from the states before, says where.
    for (let c = 0; c < channels; c++) {
      if (
        ditherers[c].quantizeBytes(inputs[c], frames, kernel.output, c * bytes, stride, bytes, passExact) >= 0
      ) {
        return c;
      }
    }
    return -1;
  }

  /** Restarts the noise sequence and clears the shaper's memory, as if newly made. */
  reset(): void {
    this.history.fill(0);
    this.random = new SeededRandom(this.seed);
    this.fast = this.random.nextUint32() | 1;
  }
}

/** True when the first `frames` samples are all zero (stops at the first that is not). */
function isSilent(x: Float32Array, frames: number): boolean {
  for (let i = 0; i < frames; i++) if (x[i] !== 0) return false;
  return true;
}

/**
 * Zeros `frames` samples of `bytes` bytes, `stride` bytes apart from `at`. Apart from `quantizeBytes`: a loop
 * there was compiled on the stack and thrown away at the property access after it, call after call.
 */
function clearSamples(out: Uint8Array, at: number, stride: number, frames: number, bytes: number): void {
  for (let i = 0, p = at; i < frames; i++, p += stride) {
    out[p] = 0;
    out[p + 1] = 0;
    if (bytes === 3) out[p + 2] = 0;
  }
}

/** Where `pack16` / `pack24` put the index of the first sample that is not finite (−1: none). */
const NOT_FINITE = new Int32Array(1);

/*
 * TPDF dither into 16- or 24-bit little-endian bytes, the hot loop of every WAV/AIFF write: one xorshift32
 * step per sample, codes as `quantize` makes them (floor(v·scale + tpdf + 0.5), clipped). A sample already on
 * the grid (a whole v·scale in [gridLo, scale)) is stored unchanged; gridLo = +Infinity turns that off. Returns
 * the noise state after the last sample; at a NaN or infinite sample it stops and sets NOT_FINITE[0] to its
 * index. The two differ only in the third byte (a width test per sample cost more than the copy). The WAV
 * writer runs their WebAssembly twin (pack-kernel.ts, `quantizeFramesWith`, 2.4–2.7 ns per sample): these
 * stay as the fallback and the reference it is tested against.
 *
 * Measured choices (ns per sample, 24-bit stereo, 10 → 4.9 with all of them): both codes are made and one
 * kept by a mask, without a branch, since at 24 bits whether a loud sample is on the grid is a coin toss
 * (−7 %); NaN and ±Infinity (never on the grid, v − v ≠ 0) are caught on the rare way out of range instead of
 * by a test per sample; the parameters are made numbers once (`| 0`, `+`) before the loop, not checked in
 * every iteration (−10 %).
 */
function pack24(
  input: Float32Array,
  frames: number,
  out: Uint8Array,
  at: number,
  stride: number,
  x: number,
  scale: number,
  gridLo: number,
): number {
  const n = frames | 0;
  const step = stride | 0;
  const s = +scale;
  const g = +gridLo;
  const hi = s - 1;
  const lo = -s;
  x |= 0;
  for (let i = 0, p = at | 0; i < n; i++, p += step) {
    const v = input[i];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const t = v * s;
    let d = Math.floor(t + ((x & 0xffff) - (x >>> 16)) * (1 / 65536) + 0.5);
    if (!(d <= hi && d >= lo)) {
      if (v - v !== 0) {
        NOT_FINITE[0] = i;
        return x;
      }
      d = d > hi ? hi : lo;
    }
    const exact = t | 0;
    const keep = -(+(exact === t) & +(t >= g) & +(t < s));
    const dithered = d | 0;
    const code = dithered ^ ((dithered ^ exact) & keep);
    out[p] = code;
    out[p + 1] = code >> 8;
    out[p + 2] = code >> 16;
  }
  return x;
}

/** `pack24` for 16-bit codes (two bytes per sample). */
function pack16(
  input: Float32Array,
  frames: number,
  out: Uint8Array,
  at: number,
  stride: number,
  x: number,
  scale: number,
  gridLo: number,
): number {
  const n = frames | 0;
  const step = stride | 0;
  const s = +scale;
  const g = +gridLo;
  const hi = s - 1;
  const lo = -s;
  x |= 0;
  for (let i = 0, p = at | 0; i < n; i++, p += step) {
    const v = input[i];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const t = v * s;
    let d = Math.floor(t + ((x & 0xffff) - (x >>> 16)) * (1 / 65536) + 0.5);
    if (!(d <= hi && d >= lo)) {
      if (v - v !== 0) {
        NOT_FINITE[0] = i;
        return x;
      }
      d = d > hi ? hi : lo;
    }
    const exact = t | 0;
    const keep = -(+(exact === t) & +(t >= g) & +(t < s));
    const dithered = d | 0;
    const code = dithered ^ ((dithered ^ exact) & keep);
    out[p] = code;
    out[p + 1] = code >> 8;
  }
  return x;
}

/**
 * The xorshift32 step of `quantize` (x ^= x << 13; x ^= x >>> 17; x ^= x << 5) is linear over GF(2): a 32×32
 * bit matrix, stored as the images of the 32 unit vectors. `XORSHIFT_POWERS[i]` is the matrix of 2^i steps
 * (filled on first use).
 */
const XORSHIFT_POWERS: Int32Array[] = [];

function xorshiftStep(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x;
}

function applyMatrix(m: Int32Array, x: number): number {
  let y = 0;
  for (let j = 0; j < 32; j++) if ((x >>> j) & 1) y ^= m[j];
  return y;
}

/** The xorshift32 state `n` steps after `x` (the same bits as stepping `n` times), in O(log n). */
export function xorshiftJump(x: number, n: number): number {
  if (XORSHIFT_POWERS.length === 0) {
    let m = Int32Array.from({ length: 32 }, (_, j) => xorshiftStep(1 << j));
    for (let i = 0; i < 53; i++) {
      XORSHIFT_POWERS.push(m);
      const prev = m;
      m = Int32Array.from(prev, (col) => applyMatrix(prev, col));
    }
  }
  for (let i = 0; n > 0; i++, n = Math.floor(n / 2)) if (n % 2 === 1) x = applyMatrix(XORSHIFT_POWERS[i], x);
  return x;
}

/**
 * Triangular dither from one 32-bit random word: the difference of its two 16-bit halves, each uniform in
 * [0, 1), spans ±1 LSB with a 1/65536-LSB grid — one generator step per sample instead of two, which matters
 * because the writer dithers every sample it reduces.
 */
function tpdf(r: number): number {
  return ((r & 0xffff) - (r >>> 16)) * (1 / 65536);
}

function clamp(v: number, lo: number, hi: number): number {
  if (v > hi) return hi;
  if (v < lo) return lo;
  return v;
}
