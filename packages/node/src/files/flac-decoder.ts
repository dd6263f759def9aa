/**
 * A FLAC frame decoder in TypeScript, for the common case: streams of up to 24 bits whose frames are all
 * well formed. It is fed file bytes in any chunks (from the "fLaC" marker or from a frame header) and returns
 * the samples as float32 `integer / 2^(bits−1)`, exactly what the libFLAC WebAssembly decoder gives after
 * `recoverIntegers` (flac-reader.ts). It decodes about four times faster than that decoder.
 *
 * The subframes (the hot part) and the CRC-16 are done by a small generated WebAssembly kernel
 * (flac-subframe-kernel.ts) whose memory holds this decoder's input buffer and output floats; the frame header
 * stays here. Without WebAssembly, or with `{ wasm: false }`, the TypeScript path below does them, with the
 * same results and the same errors (the kernel's tests compare the two step by step).
 *
 * It stops, and hands back the bytes from the frame it stopped at, at anything it does not take: a frame
 * whose CRC-8 or CRC-16 does not match, reserved codes, a frame that disagrees with STREAMINFO (rate, channels,
 * bits), bytes that are not a frame header (tags after the audio, damage). The caller passes those bytes on
 * to libFLAC, so damaged files are reported and concealed as before.
 *
 * Prediction is exact: samples stay below 2^25 (24 bits plus the side channel's one), coefficients below 2^15
 * and orders at most 32, so each LPC sum stays below 2^45 and adds up in double precision without rounding
 * (the kernel's three newest taps add up in 64-bit integers).
 *
 * Speed of the TypeScript path: the restore loops write each sample's float (wasted bits and scale folded into
 * one power-of-two factor) as they make it, so there is no separate int → float pass; the bit reader and the
 * CRC-16 read 32 bits at a time through a DataView; fields keep one type from the constructor on, so the
 * optimised code stays.
 */

import { FlacSubframeKernel, KERNEL_NEED_MORE, KERNEL_UNSUPPORTED } from "./flac-subframe-kernel.ts";

/** What the decoder needs from STREAMINFO. */
export interface FlacStreamShape {
  sampleRate: number;
  channels: number;
  /** Bits per sample, 4 … 24. */
  bitDepth: number;
}

/** One `push`'s result. */
export interface FlacDecoded {
  /** Planar samples of the whole frames decoded, possibly empty: views valid until the next push or end. */
  channels: Float32Array[];
  /**
   * The bytes from the first frame this decoder does not take onwards (all the caller's later bytes belong
   * after them), or null when it took everything so far.
   */
  rest: Uint8Array | null;
  /**
   * True when whole frames were held back because the push reached its `maxFrames`: push again (with no new
   * bytes, or more) to decode them. Never set by `end`, which decodes everything.
   */
  more: boolean;
}

/** Thrown inside a frame when the bytes so far end before it does. */
const NEED_MORE = 1 as const;
/** Zero bytes kept after the data (a frame header is at most 16 bytes; the bit reader looks 5 ahead). */
const PAD = 32;
/** A subframe this decoder leaves to libFLAC. */
const UNSUPPORTED = 2 as const;
/** `frame` results other than the next frame's byte offset. */
const FRAME_NEED_MORE = -1;
const FRAME_UNSUPPORTED = -2;

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  CRC8[i] = c;
  let d = i << 8;
  for (let k = 0; k < 8; k++) d = d & 0x8000 ? ((d << 1) ^ 0x8005) & 0xffff : (d << 1) & 0xffff;
  CRC16[i] = d;
}

/** `CRC16` advanced over `k` more zero bytes: the CRC-16 (from 0) of byte v followed by k zeros. */
function crc16Shifted(t: Uint16Array): Uint16Array {
  const o = new Uint16Array(256);
  for (let v = 0; v < 256; v++) o[v] = ((t[v] << 8) & 0xffff) ^ CRC16[t[v] >> 8];
  return o;
}
// Slicing by eight: the CRC is linear, so eight bytes' contributions are looked up independently and XORed
// (one chain of lookups per 8 bytes instead of per byte). Separate constants, so each is a fixed address.
const CRC16_1 = crc16Shifted(CRC16);
const CRC16_2 = crc16Shifted(CRC16_1);
const CRC16_3 = crc16Shifted(CRC16_2);
const CRC16_4 = crc16Shifted(CRC16_3);
const CRC16_5 = crc16Shifted(CRC16_4);
const CRC16_6 = crc16Shifted(CRC16_5);
const CRC16_7 = crc16Shifted(CRC16_6);

/** Sample rate codes 1 … 11 (0 and 12 … 14 are worked out in `frame`; 15 is invalid). */
const SAMPLE_RATES = new Int32Array([
  0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000, 0, 0, 0, 0,
]);
/** Block size codes 1 … 5 and 8 … 15 (6 and 7 are worked out in `frame`; 0 is reserved). */
const BLOCK_SIZES = new Int32Array(16);
for (let c = 1; c < 16; c++)
  BLOCK_SIZES[c] = c === 1 ? 192 : c <= 5 ? 576 << (c - 2) : c >= 8 ? 256 << (c - 8) : 0;
/** Bytes after the first of a UTF-8-style coded frame/sample number, by the first byte; -1: invalid. */
const UTF8_EXTRA = new Int8Array(256).fill(-1);
UTF8_EXTRA.fill(0, 0x00, 0x80);
UTF8_EXTRA.fill(1, 0xc0, 0xe0);
UTF8_EXTRA.fill(2, 0xe0, 0xf0);
UTF8_EXTRA.fill(3, 0xf0, 0xf8);
UTF8_EXTRA.fill(4, 0xf8, 0xfc);
UTF8_EXTRA.fill(5, 0xfc, 0xfe);
UTF8_EXTRA[0xfe] = 6;
const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];
/** By channel assignment code, the channel holding the side signal (one bit wider), or -1. */
const SIDE_CHANNEL = new Int8Array([-1, -1, -1, -1, -1, -1, -1, -1, 1, 0, 1, -1, -1, -1, -1, -1]);

/**
 * Bit reader over one buffer (`view` sees the same bytes, from byte 0). Reads a big-endian 32-bit word at a
 * time. A read of bits past `end` throws NEED_MORE ("the data ends inside this frame"), so what lies after the
 * data (zeros, or stale bytes of an earlier push) never decides anything; the unary readers stop at `end`.
 */
class Bits {
  buf: Uint8Array = new Uint8Array(PAD);
  view: DataView = new DataView(this.buf.buffer);
  /** Bytes of `buf` that hold data. */
  end = 0;
  /** Position in bits. */
  pos = 0;

  /** `n` ≤ 24 bits, unsigned. */
  read(n: number): number {
    if (n === 0) return 0;
    const p = this.pos;
    if (p + n > this.end * 8) throw NEED_MORE;
    const w = this.view.getInt32(p >>> 3) << (p & 7);
    this.pos = p + n;
    return w >>> (32 - n);
  }

  /** `n` ≤ 32 bits, unsigned. */
  readLong(n: number): number {
    if (n <= 24) return this.read(n);
    const hi = this.read(n - 16);
    return hi * 65536 + this.read(16);
  }

  /** `n` ≤ 32 bits, two's complement. */
  readSigned(n: number): number {
    if (n === 0) return 0;
    // Shifting the top bit up to bit 31 and back sign-extends (n = 32 shifts by 0: ToInt32 does it).
    return (this.readLong(n) << (32 - n)) >> (32 - n);
  }

  /** Zeros up to the next one bit (which is consumed). */
  unary(): number {
    const b = this.buf;
    let p = this.pos;
    const start = p;
    for (;;) {
      const i = p >>> 3;
      if (i >= this.end) throw NEED_MORE;
      const v = (b[i] << (p & 7)) & 0xff;
      if (v !== 0) {
        p += Math.clz32(v) - 24;
        this.pos = p + 1;
        return p - start;
      }
      p = (i + 1) << 3;
    }
  }
}

/** Options of a FlacFrameDecoder. */
export interface FlacDecoderOptions {
  /**
   * Decode the subframes in WebAssembly (flac-subframe-kernel.ts) when the host runs it: true by default;
   * false takes the TypeScript path, which gives the same results (the tests compare the two).
   */
  wasm?: boolean;
}

/** Streams FLAC frames into float32 samples; see the file's comment. */
export class FlacFrameDecoder {
  private readonly shape: FlacStreamShape;
  private readonly scale: number;
  /**
   * The WebAssembly subframe decoder, whose memory holds `pending` and, while they fit, `floats`; null: the
   * TypeScript path.
   */
  private kernel: FlacSubframeKernel | null = null;
  /** Bytes kept from earlier pushes (an unfinished frame, or metadata being skipped); `view` sees them too. */
  private pending = new Uint8Array(PAD);
  private view = new DataView(this.pending.buffer);
  private pendingLength = 0;
  /** 0: not started; 1: inside the metadata blocks; 2: at frames. */
  private phase = 0;
  /** Metadata bytes still to skip. */
  private skip = 0;
  private lastBlock = false;
  private gaveUp = false;
  private readonly bits = new Bits();
  /** Per channel, the current frame's integers (the stereo modes need both channels' before the floats). */
  private ints: Int32Array[];
  /** Per channel, the current frame's wasted bits. */
  private readonly wasted = new Int32Array(8);
  /** Per channel, the floats decoded in this push (reused by later pushes, grown as needed). */
  private floats: Float32Array[];
  private residual = new Int32Array(0);
  private readonly coefs = new Float64Array(32);
  /** Samples per channel of the frame `frame` decoded last. */
  private blockSize = 0;

  constructor(shape: FlacStreamShape, options: FlacDecoderOptions = {}) {
    if (!(shape.bitDepth >= 4 && shape.bitDepth <= 24))
      throw new RangeError("FlacFrameDecoder: 4-24 bits only");
    if (!(Number.isInteger(shape.channels) && shape.channels >= 1 && shape.channels <= 8))
      throw new RangeError("FlacFrameDecoder: 1-8 channels only");
    this.shape = { sampleRate: shape.sampleRate, channels: shape.channels, bitDepth: shape.bitDepth };
    this.scale = 1 / 2 ** (shape.bitDepth - 1);
    this.ints = Array.from({ length: shape.channels }, () => new Int32Array(0));
    this.floats = Array.from({ length: shape.channels }, () => new Float32Array(0));
    if (options.wasm !== false) this.useKernel(FlacSubframeKernel.create(shape.channels, 0));
  }

  /** Moves `pending` (and the floats, which hold nothing between pushes) into `k`'s memory, or out: null. */
  private useKernel(k: FlacSubframeKernel | null): void {
    const old = this.pending;
    if (k) {
      k.pending.set(old.subarray(0, this.pendingLength));
      this.pending = k.pending;
      this.view = k.view;
      this.floats = k.floats.slice();
    } else if (this.kernel) {
      this.pending = old.slice(0, Math.max(this.pendingLength * 2, PAD) + PAD);
      this.view = new DataView(this.pending.buffer);
      this.floats = this.floats.map(() => new Float32Array(0));
    }
    this.kernel = k;
  }

  /**
   * Decodes the whole frames `bytes` completes (with what earlier pushes left). After a non-null `rest` the
   * decoder is done: further pushes return their bytes as `rest`.
   * @param maxFrames stop starting new frames once this many samples per channel are decoded (the output is
   *   then at most this plus one frame, and `more` is true): a few bytes of FLAC can stand for a minute of
   *   silence, and the output buffers, grown to the largest push, stay that size.
   */
  push(bytes: Uint8Array, maxFrames = Number.POSITIVE_INFINITY): FlacDecoded {
    if (this.gaveUp) return { channels: [], rest: bytes, more: false };
    this.append(bytes);
    return this.run(false, maxFrames);
  }

  /**
   * The end of the file: decodes what is left. An unfinished frame (a truncated file) comes back as `rest`,
   * for libFLAC to report on.
   */
  end(): FlacDecoded {
    if (this.gaveUp) return { channels: [], rest: null, more: false };
    const r = this.run(true, Number.POSITIVE_INFINITY);
    this.gaveUp = true;
    if (r.rest === null && this.pendingLength > 0) r.rest = this.pending.slice(0, this.pendingLength);
    this.pendingLength = 0;
    return r;
  }

  /** Decodes the frames in `pending` (up to `maxFrames`, see push); `final`: no more bytes will come. */
  private run(final: boolean, maxFrames: number): FlacDecoded {
    const buf = this.pending;
    const end = this.pendingLength;
    let at = this.skipMetadata(buf, end);
    let total = 0;
    let rest: Uint8Array | null = null;
    let more = false;
    while (this.phase === 2 && at < end) {
      if (total >= maxFrames) {
        more = true;
        break;
      }
      const next = this.frame(buf, at, end, final, total);
      if (next === FRAME_NEED_MORE) break;
      if (next === FRAME_UNSUPPORTED) {
        rest = buf.slice(at, end);
        this.gaveUp = true;
        at = end;
        break;
      }
      total += this.blockSize;
      at = next;
    }
    // Keep the unfinished frame for the next push.
    buf.copyWithin(0, at, end);
    this.pendingLength = end - at;
    if (total === 0) return { channels: [], rest, more };
    const out: Float32Array[] = [];
    // Views of the decoder's own buffers (the reader copies them into its queue): no allocation per step.
    for (const f of this.floats) out.push(f.subarray(0, total));
    return { channels: out, rest, more };
  }

  /** Room for a frame of `n` samples whose floats go at `at … at + n` (keeping the floats before `at`). */
  private room(at: number, n: number): void {
    if (this.residual.length < n && !this.kernel) {
      this.residual = new Int32Array(n);
      for (let c = 0; c < this.ints.length; c++) this.ints[c] = new Int32Array(n);
    }
    if (this.floats[0].length < at + n) {
      // Grows by doubling; kept for later pushes.
      const size = Math.max(at + n, 2 * this.floats[0].length, 1 << 16);
      for (let c = 0; c < this.floats.length; c++) {
        const g = new Float32Array(size);
        if (at > 0) g.set(this.floats[c].subarray(0, at));
        this.floats[c] = g;
      }
    }
  }

  private append(bytes: Uint8Array): void {
    const need = this.pendingLength + bytes.length;
    if (need + PAD > this.pending.length && this.kernel) {
      // A larger instance (a new buffer, never a grown one), or the TypeScript path beyond the largest.
      this.useKernel(
        FlacSubframeKernel.create(this.shape.channels, Math.max(need, this.pending.length * 2) + PAD),
      );
    }
    if (need + PAD > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, this.pending.length * 2) + PAD);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
      this.view = new DataView(grown.buffer);
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = need;
    // Zeros after the data: the bit reader's 5-byte window may look past the end.
    this.pending.fill(0, need, need + PAD);
  }

  /** Skips "fLaC" and the metadata blocks when the stream starts with them; returns where frames begin. */
  private skipMetadata(buf: Uint8Array, end: number): number {
    let at = 0;
    if (this.phase === 0) {
      if (end < 4) return 0; // wait for four bytes
      const marker = buf[0] === 0x66 && buf[1] === 0x4c && buf[2] === 0x61 && buf[3] === 0x43;
      this.phase = marker ? 1 : 2;
      if (marker) at = 4;
    }
    while (this.phase === 1) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, end - at);
        this.skip -= k;
        at += k;
        if (this.skip > 0) return at;
        if (this.lastBlock) this.phase = 2;
        continue;
      }
      if (end - at < 4) return at;
      this.lastBlock = (buf[at] & 0x80) !== 0;
      this.skip = (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
      at += 4;
      if (this.skip === 0 && this.lastBlock) this.phase = 2;
    }
    return at;
  }

  /**
   * Decodes the frame at byte `at` into the floats from sample `into` on (its length goes to `blockSize`);
   * returns the next frame's byte offset, or FRAME_NEED_MORE / FRAME_UNSUPPORTED.
   */
  private frame(buf: Uint8Array, at: number, end: number, final: boolean, into: number): number {
    const shape = this.shape;
    // A header takes at most 16 bytes; at the end of the file the zeros after the data stand in for missing ones.
    if (end - at < 16 && !final) return FRAME_NEED_MORE;
    // Header.
    if (buf[at] !== 0xff || (buf[at + 1] & 0xfe) !== 0xf8) return FRAME_UNSUPPORTED;
    const bsCode = buf[at + 2] >> 4;
    const srCode = buf[at + 2] & 0x0f;
    const chCode = buf[at + 3] >> 4;
    const ssCode = (buf[at + 3] >> 1) & 7;
    if (bsCode === 0 || srCode === 15 || chCode > 10 || ssCode === 3 || (buf[at + 3] & 1) !== 0)
      return FRAME_UNSUPPORTED;
    // The rarer codes (frame numbers from 128 on, the last frame's explicit block size, odd rates) first turn
    // up after `frame` has been optimised: taken as branches they deoptimised it. So every field's candidates
    // are computed on every frame (all within the 16 bytes) and picked by table or by selects between values
    // already computed (an operation inside a select is skipped like a branch, and deoptimised the same way).
    let p = at + 4;
    const extra = UTF8_EXTRA[buf[p++]];
    if (extra < 0) return FRAME_UNSUPPORTED;
    let cont = 0;
    for (let i = 0; i < 6; i++) cont |= ((buf[p + i] & 0xc0) ^ 0x80) & (i < extra ? 0xff : 0);
    if (cont !== 0) return FRAME_UNSUPPORTED;
    p += extra;
    const b8 = buf[p];
    const b16 = (b8 << 8) | buf[p + 1];
    const bs6 = b8 + 1;
    const bs7 = b16 + 1;
    const blockSize = bsCode === 6 ? bs6 : bsCode === 7 ? bs7 : BLOCK_SIZES[bsCode];
    p += bsCode === 6 ? 1 : bsCode === 7 ? 2 : 0;
    const r8 = buf[p];
    const r16 = (r8 << 8) | buf[p + 1];
    const rate12 = r8 * 1000;
    const rate14 = r16 * 10;
    const rate =
      srCode === 0
        ? shape.sampleRate
        : srCode === 12
          ? rate12
          : srCode === 13
            ? r16
            : srCode === 14
              ? rate14
              : SAMPLE_RATES[srCode];
    p += srCode === 12 ? 1 : srCode === 13 || srCode === 14 ? 2 : 0;
    let crc = 0;
    for (let i = at; i < p; i++) crc = CRC8[crc ^ buf[i]];
    if (crc !== buf[p]) return FRAME_UNSUPPORTED;
    p++;
    const bps = ssCode === 0 ? shape.bitDepth : SAMPLE_SIZES[ssCode];
    const channels = chCode < 8 ? chCode + 1 : 2;
    if (rate !== shape.sampleRate || bps !== shape.bitDepth || channels !== shape.channels)
      return FRAME_UNSUPPORTED;
    // Subframes.
    this.room(into, blockSize);
    const k = this.kernel;
    if (k) return this.kernelFrame(k, at, p, end, into, blockSize, chCode, bps);
    const bits = this.bits;
    bits.buf = buf;
    bits.view = this.view;
    bits.end = end;
    bits.pos = p * 8;
    try {
      for (let c = 0; c < channels; c++) {
        const side = c === SIDE_CHANNEL[chCode] ? 1 : 0;
        const r = this.subframe(c, this.floats[c], into, blockSize, bps + side);
        if (r !== 0) return FRAME_UNSUPPORTED;
        if (bits.pos > end * 8) return FRAME_NEED_MORE;
      }
    } catch (e) {
      // A word read past the buffer (RangeError) also means the data ends inside this frame.
      if (e === NEED_MORE || e instanceof RangeError) return FRAME_NEED_MORE;
      throw e;
    }
    // Byte alignment, then CRC-16 of everything before it.
    const crcAt = (bits.pos + 7) >>> 3;
    if (crcAt + 2 > end) return FRAME_NEED_MORE;
    if (crc16(this.view, buf, at, crcAt) !== ((buf[crcAt] << 8) | buf[crcAt + 1])) return FRAME_UNSUPPORTED;
    if (chCode >= 8) decorrelate(this.ints, this.wasted, this.floats, into, chCode, blockSize, this.scale);
    this.blockSize = blockSize;
    return crcAt + 2;
  }

  /**
   * `frame`'s subframes on, and its CRC-16: in WebAssembly, into the kernel's floats (copied when `floats` are
   * elsewhere).
   */
  private kernelFrame(
    k: FlacSubframeKernel,
    at: number,
    p: number,
    end: number,
    into: number,
    blockSize: number,
    chCode: number,
    bps: number,
  ): number {
    const direct = this.floats[0].buffer === k.memory;
    const next = k.run(at, p * 8, end, blockSize, chCode, bps, this.scale, direct ? into : -1);
    if (next === KERNEL_NEED_MORE) return FRAME_NEED_MORE;
    if (next === KERNEL_UNSUPPORTED) return FRAME_UNSUPPORTED;
    if (!direct) {
      for (let c = 0; c < this.floats.length; c++)
        this.floats[c].set(k.floats[c].subarray(0, blockSize), into);
    }
    this.blockSize = blockSize;
    return next;
  }

  /**
   * Decodes channel `c`'s subframe of `n` samples, `bps` bits, into floats (scaled) in `f` from `fo` on;
   * its integers (wasted bits still removed) go to `ints[c]`, the count of wasted bits to `wasted[c]`.
   * 0, or UNSUPPORTED.
   */
  private subframe(c: number, f: Float32Array, fo: number, n: number, bps: number): 0 | typeof UNSUPPORTED {
    const x = this.ints[c];
    const bits = this.bits;
    const head = bits.read(8);
    if (head & 0x80) return UNSUPPORTED;
    const type = (head >> 1) & 0x3f;
    let wasted = 0;
    if (head & 1) {
      wasted = bits.unary() + 1;
      if (wasted >= bps) return UNSUPPORTED;
      bps -= wasted;
    }
    // The wasted bits' shift folded into the scale: a power of two, so the products stay exact.
    const fs = this.scale * 2 ** wasted;
    if (type === 0) {
      const v = bits.readSigned(bps);
      x.fill(v, 0, n);
      f.fill(v * fs, fo, fo + n);
    } else if (type === 1) {
      for (let i = 0; i < n; i++) {
        const v = bits.readSigned(bps);
        x[i] = v;
        f[fo + i] = v * fs;
      }
    } else if (type >= 8 && type <= 12) {
      const order = type - 8;
      if (order > n) return UNSUPPORTED;
      for (let i = 0; i < order; i++) x[i] = bits.readSigned(bps);
      if (this.readResidual(n, order) !== 0) return UNSUPPORTED;
      restoreFixed(x, this.residual, n, order, f, fo, fs);
    } else if (type >= 32) {
      const order = type - 31;
      if (order > n) return UNSUPPORTED;
      for (let i = 0; i < order; i++) x[i] = bits.readSigned(bps);
      const precision = bits.read(4) + 1;
      if (precision === 16) return UNSUPPORTED;
      const shift = bits.readSigned(5);
      if (shift < 0) return UNSUPPORTED;
      // Coefficients pre-scaled by 2^−shift (exact): one multiply less on each sample's dependency chain.
      const unit = 2 ** -shift;
      const coefs = this.coefs;
      for (let i = 0; i < order; i++) coefs[i] = bits.readSigned(precision) * unit;
      // Zeros up to the shared loop's order (see lpcRestorer).
      for (let i = order; i < SHARED_ORDER; i++) coefs[i] = 0;
      if (this.readResidual(n, order) !== 0) return UNSUPPORTED;
      // Floor by rounding (see lpcRestorer): S + d rounds to ⌊S⌋ for any multiple S of 2^−shift.
      const d = -0.5 + 2 ** -(shift + 1);
      const peak = lpcRestorer(order)(order, x, this.residual, n, coefs, d, f, fo, fs);
      // Samples outside `bps` bits: not a valid stream (and prediction from them would not be exact).
      if (!(peak <= 2 ** (bps - 1))) return UNSUPPORTED;
    } else return UNSUPPORTED;
    this.wasted[c] = wasted;
    return 0;
  }

  /** Reads the residual of a block of `n` samples after `order` warm-up samples into `this.residual`. */
  private readResidual(n: number, order: number): 0 | typeof UNSUPPORTED {
    const bits = this.bits;
    const method = bits.read(2);
    if (method > 1) return UNSUPPORTED;
    const paramBits = method === 0 ? 4 : 5;
    const escaped = method === 0 ? 15 : 31;
    const partitionOrder = bits.read(4);
    const partitions = 1 << partitionOrder;
    if (n % partitions !== 0) return UNSUPPORTED;
    const per = n >>> partitionOrder;
    if (per < order) return UNSUPPORTED;
    const res = this.residual;
    let i = order;
    for (let part = 0; part < partitions; part++) {
      const stop = (part + 1) * per;
      const k = bits.read(paramBits);
      if (k === escaped) {
        const w = bits.read(5);
        for (; i < stop; i++) res[i] = bits.readSigned(w);
      } else {
        i = readRice(bits, res, i, stop, k);
      }
      if (bits.pos > bits.end * 8) throw NEED_MORE;
    }
    return 0;
  }
}

/**
 * CRC-16 (polynomial 0x8005) of `b[from … to)` (`v` sees the same bytes): the odd bytes first, one at a time,
 * then eight at a time from two big-endian words.
 */
function crc16(v: DataView, b: Uint8Array, from: number, to: number): number {
  let c = 0;
  let i = from;
  // The byte loop comes first so that its type feedback exists before the word loop gets optimised on the
  // stack (code compiled mid-loop without it kept deoptimising at the old trailing byte step).
  const head = from + ((to - from) & 7);
  for (; i < head; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ b[i]];
  for (; i < to; i += 8) {
    const hi = v.getInt32(i) ^ (c << 16);
    const lo = v.getInt32(i + 4);
    c =
      CRC16_7[hi >>> 24] ^
      CRC16_6[(hi >>> 16) & 0xff] ^
      CRC16_5[(hi >>> 8) & 0xff] ^
      CRC16_4[hi & 0xff] ^
      CRC16_3[lo >>> 24] ^
      CRC16_2[(lo >>> 16) & 0xff] ^
      CRC16_1[(lo >>> 8) & 0xff] ^
      CRC16[lo & 0xff];
  }
  return c;
}

/** Rice-coded residuals `res[i … stop)` with parameter `k`; returns `stop`. */
function readRice(bits: Bits, res: Int32Array, i: number, stop: number, k: number): number {
  const b = bits.buf;
  const v = bits.view;
  const end = bits.end;
  const mask = (1 << k) - 1;
  let p = bits.pos;
  for (; i < stop; i++) {
    // The next 32 bits, left-aligned: a word and the byte after it.
    const j = p >>> 3;
    const s = p & 7;
    const w = (v.getInt32(j) << s) | (b[j + 4] >>> (8 - s));
    const z = Math.clz32(w);
    let u: number;
    if (z + k < 32 && j + 5 <= end) {
      // Quotient z, the stop bit, then k bits: all inside w.
      u = (z << k) | ((w >>> (31 - z - k)) & mask);
      p += z + 1 + k;
    } else {
      bits.pos = p;
      u = riceSlow(bits, k);
      p = bits.pos;
    }
    // Zigzag, as libFLAC's 32-bit unsigned arithmetic does it.
    res[i] = (u >>> 1) ^ -(u & 1);
  }
  bits.pos = p;
  return stop;
}

/**
 * One Rice code with parameter `k` (≤ 30) at `bits.pos`, byte by byte: for long quotients and the end of the
 * data. Returns the folded (unsigned) value.
 */
function riceSlow(bits: Bits, k: number): number {
  const b = bits.buf;
  const end = bits.end;
  let p = bits.pos;
  let q = 0;
  // Every operation runs on every step (a zero byte and the byte with the one bit differ only in a select),
  // so the first long quotient after the caller is optimised does not meet code without type feedback.
  for (;;) {
    const j = p >>> 3;
    if (j >= end) throw NEED_MORE;
    const x = (b[j] << (p & 7)) & 0xff;
    const z = Math.clz32(x) - 24; // 8 for a zero byte
    const left = 8 - (p & 7);
    const found = z < left;
    const step = found ? z : left;
    q += step;
    p += step;
    if (found) break;
  }
  bits.pos = p + 1;
  return (q << k) | (bits.readLong(k) | 0);
}

/**
 * Fixed predictors of order 0 … 4 (x holds the warm-up samples); each sample also goes to `f[fo + i]` times
 * `fs`.
 */
function restoreFixed(
  x: Int32Array,
  res: Int32Array,
  n: number,
  order: number,
  f: Float32Array,
  fo: number,
  fs: number,
): void {
  for (let i = 0; i < order; i++) f[fo + i] = x[i] * fs;
  switch (order) {
    case 0:
      for (let i = 0; i < n; i++) {
        const v = res[i];
        x[i] = v;
        f[fo + i] = v * fs;
      }
      break;
    case 1:
      for (let i = 1; i < n; i++) {
        const v = (res[i] + x[i - 1]) | 0;
        x[i] = v;
        f[fo + i] = v * fs;
      }
      break;
    case 2:
      for (let i = 2; i < n; i++) {
        const v = (res[i] + 2 * x[i - 1] - x[i - 2]) | 0;
        x[i] = v;
        f[fo + i] = v * fs;
      }
      break;
    case 3:
      for (let i = 3; i < n; i++) {
        const v = (res[i] + 3 * (x[i - 1] - x[i - 2]) + x[i - 3]) | 0;
        x[i] = v;
        f[fo + i] = v * fs;
      }
      break;
    default:
      for (let i = 4; i < n; i++) {
        const v = (res[i] + 4 * (x[i - 1] + x[i - 3]) - 6 * x[i - 2] - x[i - 4]) | 0;
        x[i] = v;
        f[fo + i] = v * fs;
      }
  }
}

/**
 * LPC restoration: x[i] = res[i] + ⌊Σ coefs[j]·x[i−1−j]⌋ (`coefs` already scaled by 2^−shift, `d` =
 * −1/2 + 2^−(shift+1)), x holding the warm-up; each sample also goes to `f[fo + i]` times `fs`. Returns the
 * largest |x[i]| made (NaN if a sum overflowed).
 */
type LpcRestore = (
  order: number,
  x: Int32Array,
  res: Int32Array,
  n: number,
  coefs: Float64Array,
  d: number,
  f: Float32Array,
  fo: number,
  fs: number,
) => number;

const lpcRestorers: LpcRestore[] = [];
/** Orders up to this share one restoration loop (see lpcRestorer). */
const SHARED_ORDER = 12;

/**
 * The restoration loop for one predictor order, made once per order: the sum unrolled with the coefficients
 * and the last `order` samples in local variables (a loop over the order ran at a third of the speed).
 *
 * Exact in double precision: with |x| < 2^25 (checked by the caller through the returned peak) each sum S is
 * a multiple of 2^−shift below 2^45·2^−shift, so S + d is exact and lies strictly within ½ of ⌊S⌋; adding
 * 1.5·2^52 + res[i] (exact, an integer) rounds it to the integer res[i] + ⌊S⌋ + 1.5·2^52, and subtracting
 * 1.5·2^52 is exact. That is three adds after the newest product on each sample's dependency chain, shorter
 * than Math.floor and an add (the loop is bound by that chain).
 */
function lpcRestorer(order: number): LpcRestore {
  // Orders up to 12 (all that `flac -8` uses) share one loop of order 12, the unused coefficients zero: the
  // loop is bound by its dependency chain, not by the number of products, so the padding costs little, and
  // one function warms up and compiles instead of twelve (a cold render decodes every song once).
  if (order <= SHARED_ORDER) order = SHARED_ORDER;
  let f = lpcRestorers[order];
  if (f) return f;
  const js = (k: (j: number) => string, sep: string) =>
    Array.from({ length: order }, (_, j) => k(j)).join(sep);
  // Older terms summed as a balanced tree, the newest added last: the sum is exact in any order, and the
  // chain from one sample to the next is then one multiply and the adds instead of `order` adds in a row.
  const tree = (a: number, b: number): string =>
    b - a <= 1 ? (b > a ? `c${a} * x${a}` : "0") : `(${tree(a, (a + b) >> 1)} + ${tree((a + b) >> 1, b)})`;
  // The history is read without a branch per slot (selects between values already read): slots past a lower
  // order are never read otherwise, and the first order-12 subframe then deoptimised the loop.
  const body = `
    ${js((j) => `const c${j} = coefs[${j}];`, " ")}
    ${js((j) => `const k${j} = order - ${1 + j}; const w${j} = x[k${j} < 0 ? 0 : k${j}];`, " ")}
    ${js((j) => `let x${j} = k${j} < 0 ? 0 : w${j};`, " ")}
    for (let i = 0; i < order; i++) f[fo + i] = x[i] * fs;
    let peak = 0;
    for (let i = order; i < n; i++) {
      const v = c0 * x0 + (${tree(1, order)} + d) + (6755399441055744 + res[i]) - 6755399441055744;
      x[i] = v;
      f[fo + i] = v * fs;
      peak = Math.max(peak, Math.abs(v));
      ${js((j) => (j === order - 1 ? "" : `x${order - 1 - j} = x${order - 2 - j};`), " ")}
      x0 = v;
    }
    return peak;`;
  f = new Function("order", "x", "res", "n", "coefs", "d", "f", "fo", "fs", body) as LpcRestore;
  lpcRestorers[order] = f;
  return f;
}

/**
 * Undoes left/side (8), side/right (9) and mid/side (10) stereo in `w` (with 32-bit wrap-around, as libFLAC),
 * first putting back each channel's `wasted` bits, and writes both channels' floats (times `scale`) from `fo`
 * on. (The shifts live here, not in `subframe`, which then has no code only stereo streams reach.)
 */
function decorrelate(
  w: Int32Array[],
  wasted: Int32Array,
  fl: Float32Array[],
  fo: number,
  chCode: number,
  n: number,
  scale: number,
): void {
  const a = w[0];
  const b = w[1];
  const wa = wasted[0];
  const wb = wasted[1];
  const fa = fl[0];
  const fb = fl[1];
  if (chCode === 8) {
    for (let i = 0; i < n; i++) {
      const l = a[i] << wa;
      fa[fo + i] = l * scale;
      fb[fo + i] = ((l - (b[i] << wb)) | 0) * scale;
    }
  } else if (chCode === 9) {
    for (let i = 0; i < n; i++) {
      const r = b[i] << wb;
      fa[fo + i] = (((a[i] << wa) + r) | 0) * scale;
      fb[fo + i] = r * scale;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const side = b[i] << wb;
      const mid = ((a[i] << wa) << 1) | (side & 1);
      fa[fo + i] = ((mid + side) >> 1) * scale;
      fb[fo + i] = ((mid - side) >> 1) * scale;
    }
  }
}
