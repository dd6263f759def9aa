/**
 * MP3 encoding through `@breezystack/lamejs` (a maintained TypeScript/ESM port of LAME), with our own
 * word-length reduction (TPDF dither to 16 bits, which the encoder takes) and an ID3v2.3 tag for the
 * release metadata. MP3 carries 32, 44.1 or 48 kHz; other rates are resampled to 44.1 kHz first.
 */
import { Mp3Encoder } from "@breezystack/lamejs";
import { Ditherer } from "@controlroom/engine/dsp/dither/ditherer.ts";
import { resampleChannels } from "@controlroom/engine/dsp/resample/index.ts";
import { AtomicFile } from "../files/atomic-file.ts";

/** Rates MPEG-1 Layer III carries, Hz. */
const MP3_RATES = [32000, 44100, 48000];
const BLOCK = 1152 * 16;

/** The rate a programme is encoded at: its own when MP3 carries it, else 44.1 kHz. */
export function mp3Rate(sampleRate: number): number {
  return MP3_RATES.includes(sampleRate) ? sampleRate : 44100;
}

/**
 * Encodes planar float audio (mono or stereo; more channels are refused) to an MP3 byte stream.
 * @param kbps constant bit rate, 32 … 320 (default 320).
 */
export function encodeMp3(channels: readonly Float32Array[], sampleRate: number, kbps = 320): Uint8Array {
  if (channels.length < 1 || channels.length > 2) {
    throw new RangeError(`MP3 carries mono or stereo, got ${channels.length} channels`);
  }
  let x = channels;
  let rate = sampleRate;
  if (mp3Rate(rate) !== rate) {
    x = resampleChannels(x, rate, 44100, "high");
    rate = 44100;
  }
  const enc = new Mp3Encoder(x.length, rate, kbps);
  const dith = x.map((_, c) => new Ditherer({ bits: 16, kind: "tpdf", seed: 7 + c }));
  const codes = new Int32Array(BLOCK);
  const pcm = x.map(() => new Int16Array(BLOCK));
  const parts: Uint8Array[] = [];
  for (let pos = 0; pos < x[0].length; pos += BLOCK) {
    const n = Math.min(BLOCK, x[0].length - pos);
    for (let c = 0; c < x.length; c++) {
      dith[c].quantize(x[c].subarray(pos, pos + n), codes, n);
      const p = pcm[c];
      for (let i = 0; i < n; i++) p[i] = codes[i];
    }
    const out =
      x.length === 2
        ? enc.encodeBuffer(pcm[0].subarray(0, n), pcm[1].subarray(0, n))
        : enc.encodeBuffer(pcm[0].subarray(0, n));
    if (out.length) parts.push(out.slice());
  }
  parts.push(enc.flush().slice());
  const total = parts.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** Our tag names → ID3v2.3 text frames. */
const ID3_FRAMES: Record<string, string> = {
  title: "TIT2",
  artist: "TPE1",
  album: "TALB",
  albumartist: "TPE2",
  tracknumber: "TRCK",
  composer: "TCOM",
  copyright: "TCOP",
  isrc: "TSRC",
  date: "TYER",
  genre: "TCON",
};

/** An ID3v2.3 tag: known names as their frames, anything else (e.g. `upc`) as a TXXX frame. UTF-16 text. */
export function id3v2Tag(tags: Record<string, string>): Uint8Array {
  const frames: Uint8Array[] = [];
  const utf16 = (s: string) => {
    const b = new Uint8Array(2 + s.length * 2);
    b[0] = 0xff;
    b[1] = 0xfe;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      b[2 + i * 2] = c & 0xff;
      b[3 + i * 2] = c >> 8;
    }
    return b;
  };
  const frame = (id: string, body: Uint8Array) => {
    const f = new Uint8Array(10 + body.length);
    for (let i = 0; i < 4; i++) f[i] = id.charCodeAt(i);
    new DataView(f.buffer).setUint32(4, body.length);
    f.set(body, 10);
    frames.push(f);
  };
  for (const [k, v] of Object.entries(tags)) {
    if (!v) continue;
    const id = ID3_FRAMES[k.toLowerCase()];
    if (id) frame(id, concat([Uint8Array.of(1), utf16(v)]));
    else frame("TXXX", concat([Uint8Array.of(1), utf16(k.toUpperCase()), Uint8Array.of(0, 0), utf16(v)]));
  }
  const body = concat(frames);
  const head = new Uint8Array(10);
  head.set([0x49, 0x44, 0x33, 3, 0, 0]);
  const n = body.length;
  head[6] = (n >> 21) & 0x7f;
  head[7] = (n >> 14) & 0x7f;
  head[8] = (n >> 7) & 0x7f;
  head[9] = n & 0x7f;
  return concat([head, body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes an MP3 file atomically (temporary file renamed into place when complete). */
export async function writeMp3(
  path: string,
  channels: readonly Float32Array[],
  sampleRate: number,
  opts: { kbps?: number; tags?: Record<string, string> } = {},
): Promise<void> {
  const audio = encodeMp3(channels, sampleRate, opts.kbps ?? 320);
  const f = await AtomicFile.create(path);
  try {
    const tag = opts.tags && Object.keys(opts.tags).length ? id3v2Tag(opts.tags) : new Uint8Array(0);
    await f.writeAt(tag, 0);
    await f.writeAt(audio, tag.length);
    await f.commit();
  } catch (e) {
    await f.abort();
    throw e;
  }
}
