import { AtomicFile } from "./atomic-file.ts";
import { concatBytes } from "./bytes.ts";
import { AudioFileError, type AudioWriter, type AudioWriterOptions, type BextMetadata } from "./types.ts";
import { checkFinite, checkWriteArgs, checkWriterOptions, Quantizer } from "./writer-options.ts";

/** Internal knobs, for tests. */
export interface WavWriterInternals {
  /**
   * RIFF size (file bytes − 8) above which the file becomes RF64, in bytes. Default 0xFFFFFFFF, the largest a
   * RIFF header can state; a test sets it small to exercise RF64 with a small file.
   */
  rf64ThresholdBytes?: number;
}

/** ds64 body: RIFF size, data size, sample count (64-bit each), table length (0). */
const DS64_BYTES = 28;

/** Default speaker masks (WAVE_FORMAT_EXTENSIBLE), used for more than two channels. */
const CHANNEL_MASKS: Record<number, number> = { 3: 0x7, 4: 0x33, 5: 0x37, 6: 0x3f, 7: 0x13f, 8: 0x63f };

/**
 * Creates a WAV writer: 16/24-bit PCM (dithered when reducing word length) or 32-bit float; `bext` and `iXML`
 * when given. A JUNK chunk reserves room for `ds64`, so a file that passes 4 GiB is turned into RF64 at close.
 * Written to a temporary file beside `path` and renamed into place by `close()`.
 */
export async function createWavWriter(
  path: string,
  opts: AudioWriterOptions,
  internals: WavWriterInternals = {},
): Promise<AudioWriter> {
  checkWriterOptions(path, opts, 32);
  let header: Header;
  try {
    header = buildHeader(opts);
  } catch (e) {
    throw new AudioFileError(path, (e as Error).message);
  }
  const file = await AtomicFile.create(path);
  try {
    await file.writeAt(header.bytes, 0);
  } catch (e) {
    await file.abort();
    throw e;
  }
  return new WavWriter(path, opts, file, header, internals.rf64ThresholdBytes ?? 0xffffffff);
}

interface Header {
  bytes: Uint8Array;
  /** Offset of the JUNK chunk that becomes ds64. */
  junkAt: number;
  /** Offset of the data chunk's size field. */
  dataSizeAt: number;
}

class WavWriter implements AudioWriter {
  private dataBytes = 0;
  private frames = 0;
  private readonly quantizer: Quantizer | null;
  private readonly bytesPerSample: number;
  private buf = new Uint8Array(0);
  private finished = false;

  constructor(
    private readonly path: string,
    private readonly opts: AudioWriterOptions,
    private readonly file: AtomicFile,
    private readonly header: Header,
    private readonly rf64Threshold: number,
  ) {
    this.bytesPerSample = opts.bitDepth / 8;
    this.quantizer =
      opts.bitDepth === 32
        ? null
        : new Quantizer(opts.channels, opts.bitDepth, opts.dither ?? "tpdf", opts.ditherSeed ?? 1);
  }

  async write(channels: readonly Float32Array[], frames?: number): Promise<void> {
    if (this.finished) throw new AudioFileError(this.path, "write after close or abort");
    const n = checkWriteArgs(this.path, this.opts.channels, channels, frames);
    const ch = this.opts.channels;
    const bps = this.bytesPerSample;
    const block = 16384;
    // 16/24-bit tpdf: all channels of a block are packed by a WebAssembly kernel into its own memory, and
    // that memory goes to the file (no copy out).
    const kernel = this.quantizer?.frameKernel(block) ?? null;
    for (let at = 0; at < n; at += block) {
      const k = Math.min(block, n - at);
      const nb = k * ch * bps;
      if (kernel && this.quantizer) {
        const inputs = channels.map((x) => x.subarray(at, at + k));
        const bad = this.quantizer.packFrames(kernel, inputs, k);
        if (bad >= 0) {
          checkFinite(this.path, bad, inputs[bad], k, this.frames + at);
          throw new AudioFileError(this.path, `write: channel ${bad} has a sample that is not finite`);
        }
        await this.file.writeAt(kernel.output.subarray(0, nb), this.header.bytes.length + this.dataBytes);
        this.dataBytes += nb;
        continue;
      }
      if (this.buf.length < nb) this.buf = new Uint8Array(nb);
      const out = this.buf;
      const view = new DataView(out.buffer, 0, nb);
      for (let c = 0; c < ch; c++) {
        const x = channels[c].subarray(at, at + k);
        const stride = ch * bps;
        const p = c * bps;
        if (!this.quantizer) {
          checkFinite(this.path, c, x, k, this.frames + at);
          for (let i = 0, o = p; i < k; i++, o += stride) view.setFloat32(o, x[i], true);
        } else {
          const bad = this.quantizer.pack(c, x, k, out, p, stride, bps as 2 | 3);
          if (bad >= 0) checkFinite(this.path, c, x.subarray(bad), k - bad, this.frames + at + bad);
        }
      }
      await this.file.writeAt(out.subarray(0, nb), this.header.bytes.length + this.dataBytes);
      this.dataBytes += nb;
    }
    this.frames += n;
  }

  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      const end = this.header.bytes.length + this.dataBytes;
      const pad = this.dataBytes & 1;
      if (pad) await this.file.writeAt(new Uint8Array(1), end);
      const riffSize = end + pad - 8;
      const rf64 = riffSize > this.rf64Threshold;
      const u32 = (n: number) => {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setUint32(0, n, true);
        return b;
      };
      if (rf64) {
        const ds = new Uint8Array(8 + DS64_BYTES);
        const v = new DataView(ds.buffer);
        ds.set(ascii("ds64"), 0);
        v.setUint32(4, DS64_BYTES, true);
        setU64(v, 8, riffSize);
        setU64(v, 16, this.dataBytes);
        setU64(v, 24, this.frames);
        v.setUint32(32, 0, true);
        await this.file.writeAt(ds, this.header.junkAt);
        await this.file.writeAt(ascii("RF64"), 0);
        await this.file.writeAt(u32(0xffffffff), 4);
        await this.file.writeAt(u32(0xffffffff), this.header.dataSizeAt);
      } else {
        await this.file.writeAt(u32(riffSize), 4);
        await this.file.writeAt(u32(this.dataBytes), this.header.dataSizeAt);
      }
      await this.file.commit();
    } catch (e) {
      await this.file.abort();
      throw e;
    }
  }

  async abort(): Promise<void> {
    this.finished = true;
    await this.file.abort();
  }
}

/** RIFF header, JUNK (future ds64), fmt, optional bext and iXML, and the data chunk header. */
function buildHeader(o: AudioWriterOptions): Header {
  const chunks: Uint8Array[] = [];
  chunks.push(concatBytes([ascii("RIFF"), new Uint8Array(4), ascii("WAVE")]));
  const junkAt = 12;
  chunks.push(chunk("JUNK", new Uint8Array(DS64_BYTES)));
  chunks.push(chunk("fmt ", fmtBody(o)));
  if (o.bext) chunks.push(chunk("bext", bextBody(o.bext)));
  if (o.ixml !== undefined) chunks.push(chunk("iXML", new TextEncoder().encode(o.ixml)));
  const before = chunks.reduce((s, c) => s + c.length, 0);
  chunks.push(concatBytes([ascii("data"), new Uint8Array(4)]));
  return { bytes: concatBytes(chunks), junkAt, dataSizeAt: before + 4 };
}

function fmtBody(o: AudioWriterOptions): Uint8Array {
  const float = o.bitDepth === 32;
  const tag = float ? 3 : 1;
  const extensible = o.channels > 2;
  const b = new Uint8Array(extensible ? 40 : float ? 18 : 16);
  const v = new DataView(b.buffer);
  const blockAlign = (o.channels * o.bitDepth) / 8;
  v.setUint16(0, extensible ? 0xfffe : tag, true);
  v.setUint16(2, o.channels, true);
  v.setUint32(4, o.sampleRate, true);
  v.setUint32(8, o.sampleRate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, o.bitDepth, true);
  if (b.length >= 18) v.setUint16(16, extensible ? 22 : 0, true);
  if (extensible) {
    v.setUint16(18, o.bitDepth, true);
    v.setUint32(20, CHANNEL_MASKS[o.channels] ?? 0, true);
    v.setUint16(24, tag, true);
    b.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return b;
}

/** EBU Tech 3285 v1 bext body: fixed 602 bytes plus the coding history. */
function bextBody(m: BextMetadata): Uint8Array {
  const history = m.codingHistory ? latin1(m.codingHistory) : new Uint8Array(0);
  const b = new Uint8Array(602 + history.length);
  const v = new DataView(b.buffer);
  const put = (s: string | undefined, at: number, n: number, field: string) => {
    if (s === undefined) return;
    const e = latin1(s);
    if (e.length > n) throw new RangeError(`bext.${field} is ${e.length} characters, at most ${n} allowed`);
    b.set(e, at);
  };
  put(m.description, 0, 256, "description");
  put(m.originator, 256, 32, "originator");
  put(m.originatorReference, 288, 32, "originatorReference");
  if (m.originationDate !== undefined && !/^\d{4}[-:. ]\d{2}[-:. ]\d{2}$/.test(m.originationDate)) {
    throw new RangeError(`bext.originationDate must be yyyy-mm-dd, got "${m.originationDate}"`);
  }
  if (m.originationTime !== undefined && !/^\d{2}[-:. ]\d{2}[-:. ]\d{2}$/.test(m.originationTime)) {
    throw new RangeError(`bext.originationTime must be hh:mm:ss, got "${m.originationTime}"`);
  }
  put(m.originationDate, 320, 10, "originationDate");
  put(m.originationTime, 330, 8, "originationTime");
  const tr = m.timeReference ?? 0;
  if (!(Number.isInteger(tr) && tr >= 0 && tr <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`bext.timeReference must be a whole number of samples ≥ 0, got ${tr}`);
  }
  setU64(v, 338, tr);
  v.setUint16(346, m.version ?? 1, true);
  b.set(history, 602);
  return b;
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(ascii(id), 0);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => {
    const c = ch.charCodeAt(0);
    return c < 256 ? c : 0x3f; // "?" for characters Latin-1 cannot hold
  });
}

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n % 2 ** 32, true);
  v.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
}
