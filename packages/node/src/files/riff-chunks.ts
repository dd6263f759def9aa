import type { FileSource } from "./file-source.ts";
import { AudioFileError, type BextMetadata } from "./types.ts";

/** Sample encodings a WAV data chunk can hold that we decode. */
export type PcmEncoding = "u8" | "s16" | "s24" | "s32" | "f32" | "f64";

/** What the chunks of a RIFF/RF64 WAVE file say. */
export interface WavLayout {
  format: "wav" | "rf64";
  encoding: PcmEncoding;
  sampleRate: number;
  channels: number;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Stored bits per sample (the container size). */
  bitDepth: number;
  channelMask?: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Whole frames available in the data chunk. */
  frames: number;
  /** Whether the header states the length (false: streamed file read to its end). */
  framesKnown: boolean;
  bext?: BextMetadata;
  ixml?: string;
  tags?: Record<string, string>;
  warnings: string[];
}

/** Sizes a RIFF chunk cannot express: "the real size is elsewhere" (RF64) or "unknown, streamed". */
const SIZE_UNKNOWN = 0xffffffff;
/** Metadata chunks larger than this are skipped rather than read into memory. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Tail shared by every KSDATAFORMAT_SUBTYPE GUID after the 16-bit format code. */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const CODEC_NAMES: Record<number, string> = {
  2: "Microsoft ADPCM",
  6: "A-law",
  7: "µ-law",
  17: "IMA ADPCM",
  49: "GSM 6.10",
  80: "MPEG audio",
  85: "MP3",
  353: "WMA",
  8192: "AC-3",
};

/** LIST/INFO ids and the tag names we give them (lower case, like Vorbis comments). */
const INFO_TAGS: Record<string, string> = {
  INAM: "title",
  IART: "artist",
  IPRD: "album",
  ICMT: "comment",
  ICRD: "date",
  IGNR: "genre",
  ITRK: "tracknumber",
  IPRT: "tracknumber",
  ICOP: "copyright",
  ISFT: "encoder",
  IENG: "engineer",
};

/**
 * Walks the chunks of a WAVE file: validates `fmt `, finds `data`, keeps `bext`, `iXML` and LIST/INFO,
 * skips everything else (honouring the pad byte after odd-sized chunks). RF64/BW64 sizes come from `ds64`.
 */
export async function parseWavLayout(src: FileSource, container: "wav" | "rf64"): Promise<WavLayout> {
  const path = src.path;
  const fail = (msg: string): never => {
    throw new AudioFileError(path, msg);
  };
  const warnings: string[] = [];
  if (src.size < 12) fail("truncated header (file ends inside the RIFF header)");
  let pos = 12;
  let ds64: { data: number; table: Map<string, number> } | null = null;
  let fmt: Omit<WavLayout, "dataOffset" | "frames" | "framesKnown" | "warnings" | "format"> | null = null;
  let data: { offset: number; bytes: number; known: boolean } | null = null;
  let bext: BextMetadata | undefined;
  let ixml: string | undefined;
  let tags: Record<string, string> | undefined;

  while (pos + 8 <= src.size) {
    const hdr = await src.readAt(pos, 8);
    const id = String.fromCharCode(...hdr.subarray(0, 4));
    let size = new DataView(hdr.buffer, hdr.byteOffset, 8).getUint32(4, true);
    const body = pos + 8;
    if (!/^[\x20-\x7e]{4}$/.test(id)) {
      // Garbage where a chunk header should be: most often junk after the last chunk.
      if (data) {
        warnings.push(`unreadable bytes after offset ${pos} ignored`);
        break;
      }
      fail(`corrupt chunk header at byte ${pos} (not a chunk id)`);
    }
    if (container === "rf64" && size === SIZE_UNKNOWN) {
      if (!ds64) fail(`chunk "${id}" needs its 64-bit size from ds64, but there is no ds64 chunk`);
      size =
        id === "data"
          ? ds64!.data
          : (ds64!.table.get(id) ?? fail(`no 64-bit size for chunk "${id}" in ds64`));
    }
    if (id === "ds64") {
      if (container !== "rf64") warnings.push("ds64 chunk in a plain RIFF file ignored");
      else {
        if (size < 24) fail(`ds64 chunk too short (${size} bytes, need 24)`);
        const b = await src.readAt(body, Math.min(size, 28 + 12 * 64));
        if (b.length < 24) fail("truncated header (file ends inside the ds64 chunk)");
        const v = new DataView(b.buffer, b.byteOffset, b.length);
        const table = new Map<string, number>();
        const count = b.length >= 28 ? v.getUint32(24, true) : 0;
        for (let i = 0; i < count && 28 + 12 * i + 12 <= b.length; i++) {
          const o = 28 + 12 * i;
          table.set(String.fromCharCode(...b.subarray(o, o + 4)), u64(v, o + 4));
        }
        ds64 = { data: u64(v, 8), table };
      }
    } else if (id === "fmt ") {
      if (size < 16) fail(`fmt chunk too short (${size} bytes, need at least 16)`);
      const b = await src.readAt(body, Math.min(size, 64));
      if (b.length < 16) fail("truncated header (file ends inside the fmt chunk)");
      fmt = parseFmt(path, b, warnings);
    } else if (id === "data") {
      const avail = src.size - body;
      if (container === "wav" && size === SIZE_UNKNOWN) {
        warnings.push("data size is 0xFFFFFFFF (a streamed WAV); read to the end of the file");
        data = { offset: body, bytes: avail, known: false };
      } else if (size === 0 && avail > 0 && !(await looksLikeChunkAt(src, body))) {
        warnings.push("data size is 0 (header never finished); read to the end of the file");
        data = { offset: body, bytes: avail, known: false };
      } else if (size > avail) {
        warnings.push(
          `data chunk says ${size} bytes but the file ends after ${avail} (truncated); read what is there`,
        );
        data = { offset: body, bytes: avail, known: false };
      } else {
        data = { offset: body, bytes: size, known: true };
      }
      if (!data.known) break; // nothing can follow data that runs to the end of the file
    } else if (id === "bext" && size <= MAX_METADATA_BYTES) {
      const b = await src.readAt(body, size);
      if (b.length < Math.min(size, 356)) warnings.push("bext chunk truncated");
      bext = parseBext(b);
    } else if (id === "iXML" && size <= MAX_METADATA_BYTES) {
      ixml = new TextDecoder().decode(await src.readAt(body, size)).replace(/\0+$/, "");
    } else if (id === "LIST" && size >= 4 && size <= MAX_METADATA_BYTES) {
      const b = await src.readAt(body, size);
      if (String.fromCharCode(...b.subarray(0, 4)) === "INFO") tags = { ...tags, ...parseInfo(b) };
    }
    pos = body + size + (size & 1);
  }
  if (!fmt) fail(data ? "no fmt chunk before the end of the file" : "truncated header (no fmt chunk)");
  if (!data) fail("no data chunk (truncated file or not audio)");
  const f = fmt!;
  const d = data!;
  const frames = Math.floor(d.bytes / f.blockAlign);
  if (d.known && d.bytes % f.blockAlign !== 0) {
    warnings.push(
      `data size ${d.bytes} is not a whole number of ${f.blockAlign}-byte frames; the partial frame is ignored`,
    );
  }
  return {
    format: container,
    ...f,
    dataOffset: d.offset,
    frames,
    framesKnown: d.known,
    ...(bext ? { bext } : {}),
    ...(ixml !== undefined ? { ixml } : {}),
    ...(tags ? { tags } : {}),
    warnings,
  };
}

function u64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
}

async function looksLikeChunkAt(src: FileSource, at: number): Promise<boolean> {
  const b = await src.readAt(at, 8);
  return b.length === 8 && /^[A-Za-z0-9 _]{4}$/.test(String.fromCharCode(...b.subarray(0, 4)));
}

function parseFmt(path: string, b: Uint8Array, warnings: string[]) {
  const fail = (msg: string): never => {
    throw new AudioFileError(path, msg);
  };
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  let tag = v.getUint16(0, true);
  const channels = v.getUint16(2, true);
  const sampleRate = v.getUint32(4, true);
  const byteRate = v.getUint32(8, true);
  const blockAlign = v.getUint16(12, true);
  const bits = v.getUint16(14, true);
  let channelMask: number | undefined;
  if (tag === FORMAT_EXTENSIBLE) {
    if (b.length < 40) fail(`fmt chunk of WAVE_FORMAT_EXTENSIBLE too short (${b.length} bytes, need 40)`);
    const valid = v.getUint16(18, true);
    channelMask = v.getUint32(20, true);
    tag = v.getUint16(24, true);
    if (!GUID_TAIL.every((x, i) => b[26 + i] === x))
      fail("fmt sub-format GUID is not a standard WAVE format");
    if (valid > bits) fail(`fmt valid bits per sample ${valid} exceeds the container's ${bits}`);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    const name = CODEC_NAMES[tag] ?? "unknown codec";
    fail(
      `unsupported codec: ${name} (WAV format tag 0x${tag.toString(16).padStart(4, "0")}); only PCM and IEEE float are read`,
    );
  }
  if (channels === 0) fail("fmt channels is 0");
  if (channels > 64) fail(`fmt channels is ${channels}; at most 64 are supported`);
  if (sampleRate === 0) fail("fmt sample rate is 0 Hz");
  let encoding: PcmEncoding;
  if (tag === FORMAT_PCM) {
    const e = ({ 8: "u8", 16: "s16", 24: "s24", 32: "s32" } as const)[bits as 8];
    if (!e) fail(`fmt bits per sample ${bits} unsupported for integer PCM (need 8, 16, 24 or 32)`);
    encoding = e;
  } else {
    const e = ({ 32: "f32", 64: "f64" } as const)[bits as 32];
    if (!e) fail(`fmt bits per sample ${bits} unsupported for IEEE float (need 32 or 64)`);
    encoding = e;
  }
  const expected = (channels * bits) / 8;
  if (blockAlign !== expected) {
    fail(`fmt block align is ${blockAlign}, expected ${expected} for ${channels} channels of ${bits} bits`);
  }
  if (byteRate !== blockAlign * sampleRate) {
    warnings.push(`fmt byte rate ${byteRate} should be ${blockAlign * sampleRate}; ignored`);
  }
  return {
    encoding: encoding!,
    sampleRate,
    channels,
    blockAlign,
    bitDepth: bits,
    ...(channelMask !== undefined ? { channelMask } : {}),
  };
}

/** Decodes an EBU Tech 3285 `bext` chunk. */
export function parseBext(b: Uint8Array): BextMetadata {
  const text = (at: number, n: number) => latin1(b.subarray(at, Math.min(b.length, at + n)));
  const out: BextMetadata = {
    description: text(0, 256),
    originator: text(256, 32),
    originatorReference: text(288, 32),
    originationDate: text(320, 10),
    originationTime: text(330, 8),
  };
  if (b.length >= 348) {
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    out.timeReference = u64(v, 338);
    out.version = v.getUint16(346, true);
  }
  if (b.length > 602) out.codingHistory = text(602, b.length - 602);
  return out;
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) {
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.trimEnd();
}

function parseInfo(b: Uint8Array): Record<string, string> {
  const tags: Record<string, string> = {};
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  let p = 4;
  while (p + 8 <= b.length) {
    const id = String.fromCharCode(...b.subarray(p, p + 4));
    const n = v.getUint32(p + 4, true);
    const value = new TextDecoder()
      .decode(b.subarray(p + 8, Math.min(b.length, p + 8 + n)))
      .replace(/\0+$/, "");
    const key = INFO_TAGS[id] ?? id.toLowerCase();
    if (value) tags[key] = value;
    p += 8 + n + (n & 1);
  }
  return tags;
}
