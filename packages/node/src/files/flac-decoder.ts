/**
 * A FLAC frame decoder in TypeScript, for the common case: streams of up to 24 bits whose frames are all
 * well formed. It is fed file bytes in any chunks (from the "fLaC" marker or from a frame header) and returns
 * the samples as float32 `integer / 2^(bits−1)`, exactly what the libFLAC WebAssembly decoder gives after
 * `recoverIntegers` (flac-reader.ts). It decodes about four times faster than that decoder and needs no
 * WebAssembly compile in each thread that opens a FLAC file — a cold render's sources are decoded on two threads.
 *
 * It stops, and hands back the bytes from the frame it stopped at, at anything it does not take: a frame
 * whose CRC-8 or CRC-16 does not match, reserved codes, a frame that disagrees with STREAMINFO (rate, channels,
 * bits), bytes that are not a frame header (tags after the audio, damage). The caller passes those bytes on
 * to libFLAC, so damaged files are reported and concealed as before.
 *
 * Prediction is exact: samples stay below 2^25 (24 bits plus the side channel's one), coefficients below 2^15
 * and orders at most 32, so each LPC sum stays below 2^45 and adds up in double precision without rounding.
 */

/** What the decoder needs from STREAMINFO. */
export interface FlacStreamShape {
  sampleRate: number;
  channels: number;
  /** Bits per sample, 4 … 24. */
  bitDepth: number;
}

/** One `push`'s result. */
export interface FlacDecoded {
  /** Planar samples of the whole frames decoded (fresh arrays), possibly empty. */
  channels: Float32Array[];
  /**
   * The bytes from the first frame this decoder does not take onwards (all the caller's later bytes belong
   * after them), or null when it took everything so far.
   */
  rest: Uint8Array | null;
}

/** Raised inside a frame when the bytes so far end before it does. */
const NEED_MORE = 1 as const;
/** Zero bytes kept after the data (a frame header is at most 16 bytes; the bit reader looks 4 ahead). */
const PAD = 32;
/** Raised inside a frame for anything this decoder leaves to libFLAC. */
const UNSUPPORTED = 2 as const;

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

const SAMPLE_RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];

/**
 * Bit reader over one buffer. Reading past `end` yields zeros (typed arrays read `undefined` as 0 in bit
 * operations); callers check `pos` against the end once per subframe, and the unary reader stops at it.
 */
class Bits {
  buf: Uint8Array = new Uint8Array(0);
  /** Bytes of `buf` that hold data. */
  end = 0;
  /** Position in bits. */
  pos = 0;

  /** `n` ≤ 24 bits, unsigned. */
  read(n: number): number {
    if (n === 0) return 0;
    const p = this.pos;
    const i = p >>> 3;
    const b = this.buf;
    const w = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) << (p & 7);
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
    const u = this.readLong(n);
    return u >= 2 ** (n - 1) ? u - 2 ** n : u;
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

/** Streams FLAC frames into float32 samples; see the file's comment. */
export class FlacFrameDecoder {
  private readonly shape: FlacStreamShape;
  private readonly scale: number;
  /** Bytes kept from earlier pushes (an unfinished frame, or metadata being skipped). */
  private pending = new Uint8Array(0);
  private pendingLength = 0;
  /** 0: not started; 1: inside the metadata blocks; 2: at frames. */
  private phase = 0;
  /** Metadata bytes still to skip. */
  private skip = 0;
  private lastBlock = false;
  private gaveUp = false;
  private readonly bits = new Bits();
  /** Per channel, the integers decoded in this push (reused by later pushes, grown as needed). */
  private decoded: Int32Array[] = [];
  private residual = new Int32Array(0);
  private readonly coefs = new Float64Array(32);

  constructor(shape: FlacStreamShape) {
    if (!(shape.bitDepth >= 4 && shape.bitDepth <= 24))
      throw new RangeError("FlacFrameDecoder: 4-24 bits only");
    this.shape = shape;
    this.scale = 1 / 2 ** (shape.bitDepth - 1);
  }

  /**
   * Decodes the whole frames `bytes` completes (with what earlier pushes left). After a non-null `rest` the
   * decoder is done: further pushes return their bytes as `rest`.
   */
  push(bytes: Uint8Array): FlacDecoded {
    if (this.gaveUp) return { channels: [], rest: bytes };
    this.append(bytes);
    return this.run(false);
  }

  /**
   * The end of the file: decodes what is left. An unfinished frame (a truncated file) comes back as `rest`,
   * for libFLAC to report on.
   */
  end(): FlacDecoded {
    if (this.gaveUp) return { channels: [], rest: null };
    const r = this.run(true);
    this.gaveUp = true;
    if (r.rest === null && this.pendingLength > 0) r.rest = this.pending.slice(0, this.pendingLength);
    this.pendingLength = 0;
    return r;
  }

  /** Decodes the frames in `pending`; `final`: no more bytes will come. */
  private run(final: boolean): FlacDecoded {
    const buf = this.pending;
    const end = this.pendingLength;
    let at = this.skipMetadata(buf, end);
    let total = 0;
    let rest: Uint8Array | null = null;
    while (this.phase === 2 && at < end) {
      const r = this.frame(buf, at, end, final, total);
      if (r === NEED_MORE) break;
      if (r === UNSUPPORTED) {
        rest = buf.slice(at, end);
        this.gaveUp = true;
        at = end;
        break;
      }
      total += r.blockSize;
      at = r.next;
    }
    // Keep the unfinished frame for the next push.
    buf.copyWithin(0, at, end);
    this.pendingLength = end - at;
    if (total === 0) return { channels: [], rest };
    const out: Float32Array[] = [];
    for (const x of this.decoded) {
      const o = new Float32Array(total);
      scaleInto(o, 0, x, total, this.scale);
      out.push(o);
    }
    return { channels: out, rest };
  }

  /** Per channel, room in `decoded` for samples `at … at + n`; returns views of it for the frame to fill. */
  private room(at: number, n: number): Int32Array[] {
    const chans = this.shape.channels;
    if (this.decoded.length === 0 || this.decoded[0].length < at + n) {
      // Grows by doubling, keeping what this push decoded so far; kept for later pushes.
      const size = Math.max(at + n, 2 * (this.decoded[0]?.length ?? 0), 1 << 16);
      this.decoded = Array.from({ length: chans }, (_, c) => {
        const g = new Int32Array(size);
        if (at > 0) g.set(this.decoded[c].subarray(0, at));
        return g;
      });
    }
    return this.decoded.map((d) => d.subarray(at, at + n));
  }

  private append(bytes: Uint8Array): void {
    const need = this.pendingLength + bytes.length;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, this.pending.length * 2) + PAD);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = need;
    // Zeros after the data: the bit reader's 4-byte window may look past the end.
    this.pending.fill(0, need, Math.min(this.pending.length, need + PAD));
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
   * Decodes the frame at byte `at` into `this.decoded` from sample `into` on; NEED_MORE or UNSUPPORTED when it
   * cannot.
   */
  private frame(
    buf: Uint8Array,
    at: number,
    end: number,
    final: boolean,
    into: number,
  ): { blockSize: number; next: number } | 1 | 2 {
    const shape = this.shape;
    // A header takes at most 16 bytes; at the end of the file the zeros after the data stand in for missing ones.
    if (end - at < 16 && !final) return NEED_MORE;
    // Header.
    if (buf[at] !== 0xff || (buf[at + 1] & 0xfe) !== 0xf8) return UNSUPPORTED;
    const bsCode = buf[at + 2] >> 4;
    const srCode = buf[at + 2] & 0x0f;
    const chCode = buf[at + 3] >> 4;
    const ssCode = (buf[at + 3] >> 1) & 7;
    if (bsCode === 0 || srCode === 15 || chCode > 10 || ssCode === 3 || (buf[at + 3] & 1) !== 0)
      return UNSUPPORTED;
    let p = at + 4;
    const first = buf[p++];
    let extra = 0;
    if (first < 0x80) extra = 0;
    else if ((first & 0xe0) === 0xc0) extra = 1;
    else if ((first & 0xf0) === 0xe0) extra = 2;
    else if ((first & 0xf8) === 0xf0) extra = 3;
    else if ((first & 0xfc) === 0xf8) extra = 4;
    else if ((first & 0xfe) === 0xfc) extra = 5;
    else if (first === 0xfe) extra = 6;
    else return UNSUPPORTED;
    for (let i = 0; i < extra; i++) if ((buf[p++] & 0xc0) !== 0x80) return UNSUPPORTED;
    let blockSize: number;
    if (bsCode === 1) blockSize = 192;
    else if (bsCode <= 5) blockSize = 576 << (bsCode - 2);
    else if (bsCode === 6) blockSize = buf[p++] + 1;
    else if (bsCode === 7) {
      blockSize = ((buf[p] << 8) | buf[p + 1]) + 1;
      p += 2;
    } else blockSize = 256 << (bsCode - 8);
    let rate = srCode === 0 ? shape.sampleRate : (SAMPLE_RATES[srCode] ?? 0);
    if (srCode === 12) rate = buf[p++] * 1000;
    else if (srCode === 13) {
      rate = (buf[p] << 8) | buf[p + 1];
      p += 2;
    } else if (srCode === 14) {
      rate = ((buf[p] << 8) | buf[p + 1]) * 10;
      p += 2;
    }
    let crc = 0;
    for (let i = at; i < p; i++) crc = CRC8[crc ^ buf[i]];
    if (crc !== buf[p]) return UNSUPPORTED;
    p++;
    const bps = ssCode === 0 ? shape.bitDepth : SAMPLE_SIZES[ssCode];
    const channels = chCode < 8 ? chCode + 1 : 2;
    if (rate !== shape.sampleRate || bps !== shape.bitDepth || channels !== shape.channels)
      return UNSUPPORTED;
    // Subframes.
    if (this.residual.length < blockSize) this.residual = new Int32Array(blockSize);
    const work = this.room(into, blockSize);
    const bits = this.bits;
    bits.buf = buf;
    bits.end = end;
    bits.pos = p * 8;
    try {
      for (let c = 0; c < channels; c++) {
        const side = (chCode === 8 && c === 1) || (chCode === 9 && c === 0) || (chCode === 10 && c === 1);
        const r = this.subframe(work[c], blockSize, bps + (side ? 1 : 0));
        if (r !== 0) return r;
        if (bits.pos > end * 8) return NEED_MORE;
      }
    } catch (e) {
      if (e === NEED_MORE) return NEED_MORE;
      throw e;
    }
    // Byte alignment, then CRC-16 of everything before it.
    const crcAt = (bits.pos + 7) >>> 3;
    if (crcAt + 2 > end) return NEED_MORE;
    if (crc16(buf, at, crcAt) !== ((buf[crcAt] << 8) | buf[crcAt + 1])) return UNSUPPORTED;
    decorrelate(work, chCode, blockSize);
    return { blockSize, next: crcAt + 2 };
  }

  /** Decodes one subframe of `bps` bits into `x`; 0, or UNSUPPORTED. */
  private subframe(x: Int32Array, n: number, bps: number): 0 | typeof UNSUPPORTED {
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
    if (type === 0) {
      x.fill(bits.readSigned(bps), 0, n);
    } else if (type === 1) {
      for (let i = 0; i < n; i++) x[i] = bits.readSigned(bps);
    } else if (type >= 8 && type <= 12) {
      const order = type - 8;
      if (order > n) return UNSUPPORTED;
      for (let i = 0; i < order; i++) x[i] = bits.readSigned(bps);
      if (this.readResidual(n, order) !== 0) return UNSUPPORTED;
      restoreFixed(x, this.residual, n, order);
    } else if (type >= 32) {
      const order = type - 31;
      if (order > n) return UNSUPPORTED;
      for (let i = 0; i < order; i++) x[i] = bits.readSigned(bps);
      const precision = bits.read(4) + 1;
      if (precision === 16) return UNSUPPORTED;
      const shift = bits.readSigned(5);
      if (shift < 0) return UNSUPPORTED;
      const coefs = this.coefs;
      for (let i = 0; i < order; i++) coefs[i] = bits.readSigned(precision);
      if (this.readResidual(n, order) !== 0) return UNSUPPORTED;
      lpcRestorer(order)(x, this.residual, n, coefs, 2 ** -shift);
    } else return UNSUPPORTED;
    if (wasted > 0) for (let i = 0; i < n; i++) x[i] <<= wasted;
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

/** o[at + i] = x[i] · scale for i < n. */
function scaleInto(o: Float32Array, at: number, x: Int32Array, n: number, scale: number): void {
  for (let i = 0; i < n; i++) o[at + i] = x[i] * scale;
}

/**
 * CRC-16 (polynomial 0x8005) of `b[from … to)`, two bytes a step: with a 16-bit CRC, the table of the 65536
 * two-byte values gives the next CRC directly from (CRC ^ next two bytes), halving the chain of lookups.
 */
function crc16(b: Uint8Array, from: number, to: number): number {
  const t = crc16Pairs();
  let c = 0;
  let i = from;
  for (; i + 1 < to; i += 2) c = t[c ^ ((b[i] << 8) | b[i + 1])];
  if (i < to) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ b[i]];
  return c;
}

let pairs: Uint16Array | null = null;

/** The two-byte CRC-16 table, made on first use from the one-byte table. */
function crc16Pairs(): Uint16Array {
  if (pairs) return pairs;
  const t = new Uint16Array(65536);
  for (let v = 0; v < 65536; v++) {
    const c = CRC16[v >> 8];
    t[v] = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ (v & 0xff)];
  }
  pairs = t;
  return t;
}

/** Rice-coded residuals `res[i … stop)` with parameter `k`; returns `stop`. */
function readRice(bits: Bits, res: Int32Array, i: number, stop: number, k: number): number {
  const b = bits.buf;
  const end = bits.end;
  let p = bits.pos;
  for (; i < stop; i++) {
    // The next 25 bits or more, left-aligned: most codes (quotient, stop bit, k bits) fit in them.
    const j = p >>> 3;
    const w = ((b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3]) << (p & 7);
    const z = Math.clz32(w);
    let u: number;
    if (z + k < 25 && j + 4 <= end) {
      u = k === 0 ? z : (z << k) | ((w << (z + 1)) >>> (32 - k));
      p += z + 1 + k;
    } else {
      // Long quotient (or the end of the data): byte by byte.
      let q = 0;
      for (;;) {
        const jj = p >>> 3;
        if (jj >= end) throw NEED_MORE;
        const v = (b[jj] << (p & 7)) & 0xff;
        if (v !== 0) {
          const zz = Math.clz32(v) - 24;
          q += zz;
          p += zz + 1;
          break;
        }
        q += 8 - (p & 7);
        p = (jj + 1) << 3;
      }
      u = q;
      if (k > 0) {
        bits.pos = p;
        u = (q << k) | (bits.readLong(k) | 0);
        p += k;
      }
    }
    // Zigzag, as libFLAC's 32-bit unsigned arithmetic does it.
    res[i] = (u >>> 1) ^ -(u & 1);
  }
  bits.pos = p;
  return stop;
}

/** Fixed predictors of order 0 … 4 (x holds the warm-up samples). */
function restoreFixed(x: Int32Array, res: Int32Array, n: number, order: number): void {
  switch (order) {
    case 0:
      for (let i = 0; i < n; i++) x[i] = res[i];
      break;
    case 1:
      for (let i = 1; i < n; i++) x[i] = res[i] + x[i - 1];
      break;
    case 2:
      for (let i = 2; i < n; i++) x[i] = res[i] + 2 * x[i - 1] - x[i - 2];
      break;
    case 3:
      for (let i = 3; i < n; i++) x[i] = res[i] + 3 * (x[i - 1] - x[i - 2]) + x[i - 3];
      break;
    default:
      for (let i = 4; i < n; i++) x[i] = res[i] + 4 * (x[i - 1] + x[i - 3]) - 6 * x[i - 2] - x[i - 4];
  }
}

/** LPC restoration: x[i] = res[i] + ⌊Σ coefs[j]·x[i−1−j] / 2^shift⌋ (`unit` = 2^−shift); x holds the warm-up. */
type LpcRestore = (x: Int32Array, res: Int32Array, n: number, coefs: Float64Array, unit: number) => void;

const lpcRestorers: LpcRestore[] = [];

/**
 * The restoration loop for one predictor order, made once per order: the sum unrolled with the coefficients
 * and the last `order` samples in local variables (a loop over the order ran at a third of the speed). Exact in
 * double precision (see the file's comment).
 */
function lpcRestorer(order: number): LpcRestore {
  let f = lpcRestorers[order];
  if (f) return f;
  const js = (k: (j: number) => string, sep: string) =>
    Array.from({ length: order }, (_, j) => k(j)).join(sep);
  // Older terms summed as a balanced tree, the newest added last: the sum is exact in any order, and the
  // chain from one sample to the next is then one multiply and one add instead of `order` adds in a row.
  const tree = (a: number, b: number): string =>
    b - a <= 1 ? (b > a ? `c${a} * x${a}` : "0") : `(${tree(a, (a + b) >> 1)} + ${tree((a + b) >> 1, b)})`;
  const body = `
    ${js((j) => `const c${j} = coefs[${j}];`, " ")}
    ${js((j) => `let x${j} = x[${order - 1 - j}];`, " ")}
    for (let i = ${order}; i < n; i++) {
      const s = c0 * x0 + ${tree(1, order)};
      const v = res[i] + Math.floor(s * unit);
      x[i] = v;
      ${js((j) => (j === order - 1 ? "" : `x${order - 1 - j} = x${order - 2 - j};`), " ")}
      x0 = v;
    }`;
  f = new Function("x", "res", "n", "coefs", "unit", body) as LpcRestore;
  lpcRestorers[order] = f;
  return f;
}

/** Undoes left/side (8), side/right (9) and mid/side (10) stereo. */
function decorrelate(w: Int32Array[], chCode: number, n: number): void {
  if (chCode < 8) return;
  const a = w[0];
  const b = w[1];
  if (chCode === 8) for (let i = 0; i < n; i++) b[i] = a[i] - b[i];
  else if (chCode === 9) for (let i = 0; i < n; i++) a[i] += b[i];
  else {
    for (let i = 0; i < n; i++) {
      const side = b[i];
      const mid = (a[i] << 1) | (side & 1);
      a[i] = (mid + side) >> 1;
      b[i] = (mid - side) >> 1;
    }
  }
}
