/**
 * Damaging valid audio files the ways real files get damaged (and attackers damage them): flipped bits,
 * truncation, header size fields that lie, inserted garbage, deleted or repeated stretches. Deterministic: the
 * same file and case seed always give the same bytes, so any case can be regenerated from its number.
 */
import { mulberry32 } from "@controlroom/engine/generate/example-song.ts";

/** A header field holding a size or count: byte offset, width in bytes, byte order. */
export interface SizeField {
  at: number;
  width: 1 | 2 | 3 | 4;
  littleEndian: boolean;
}

/** One damaged file and what was done to it (one short phrase per step, for the report). */
export interface Mutation {
  bytes: Uint8Array;
  steps: string[];
}

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const printable = (s: string) => /^[\x20-\x7e]{4}$/.test(s);

/**
 * The size and count fields of the containers we read, found by walking the file's structure: RIFF/RF64 and
 * AIFF chunk sizes (and the ds64 sizes), FLAC metadata block lengths, Ogg page segment tables, the ID3 tag size.
 */
export function sizeFields(b: Uint8Array): SizeField[] {
  const out: SizeField[] = [];
  const id = ascii(b, 0, 4);
  if (id === "RIFF" || id === "RF64" || id === "BW64" || id === "FORM") {
    const le = id !== "FORM";
    out.push({ at: 4, width: 4, littleEndian: le });
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let p = 12;
    for (let k = 0; k < 64 && p + 8 <= b.length && printable(ascii(b, p, 4)); k++) {
      out.push({ at: p + 4, width: 4, littleEndian: le });
      if (ascii(b, p, 4) === "ds64")
        for (const o of [8, 16, 24, 28]) out.push({ at: p + o, width: 4, littleEndian: true });
      const size = v.getUint32(p + 4, le);
      p += 8 + size + (size & 1);
    }
  } else if (id === "fLaC") {
    let p = 4;
    for (let k = 0; k < 32 && p + 4 <= b.length; k++) {
      out.push({ at: p + 1, width: 3, littleEndian: false });
      if ((b[p] & 0x7f) === 0) {
        for (const o of [4, 6, 8, 11]) out.push({ at: p + o, width: 2, littleEndian: false });
        out.push({ at: p + 18, width: 4, littleEndian: false }); // total samples (low 32 bits)
      }
      if (b[p] & 0x80) break;
      p += 4 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    }
  } else if (id === "OggS") {
    let p = 0;
    for (let k = 0; k < 16 && p + 27 <= b.length && ascii(b, p, 4) === "OggS"; k++) {
      const nseg = b[p + 26];
      out.push({ at: p + 26, width: 1, littleEndian: true });
      out.push({ at: p + 6, width: 4, littleEndian: true }); // granule position
      let body = p + 27 + nseg;
      for (let i = 0; i < nseg && p + 27 + i < b.length; i++) {
        out.push({ at: p + 27 + i, width: 1, littleEndian: true });
        body += b[p + 27 + i];
      }
      p = body;
    }
  } else if (ascii(b, 0, 3) === "ID3" && b.length >= 10) {
    out.push({ at: 6, width: 4, littleEndian: false });
    out.push({ at: 5, width: 1, littleEndian: false }); // flags (footer, extended header)
  }
  return out.filter((f) => f.at + f.width <= b.length);
}

const INTERESTING = [
  0, 1, 2, 3, 4, 7, 8, 15, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
];

/** Damages `seed` with 1–3 random steps chosen by `caseSeed`. */
export function mutate(seed: Uint8Array, caseSeed: number): Mutation {
  const rnd = mulberry32(caseSeed);
  const int = (n: number) => Math.floor(rnd() * n);
  /** Mostly in the header (first 1 KB), where the parsing happens; sometimes anywhere. */
  const spot = (len: number) => (rnd() < 0.6 ? int(Math.min(len, 1024)) : int(len));
  let b: Uint8Array = Uint8Array.from(seed);
  const steps: string[] = [];
  const count = 1 + int(3);
  for (let s = 0; s < count && b.length > 0; s++) {
    const op = int(7);
    if (op === 0) {
      const k = 1 + int(8);
      for (let i = 0; i < k; i++) {
        const at = spot(b.length);
        b[at] ^= 1 << int(8);
      }
      steps.push(`flip ${k} bits`);
    } else if (op === 1) {
      const at = spot(b.length);
      const v = rnd() < 0.5 ? [0, 1, 0x7f, 0x80, 0xff][int(5)] : int(256);
      b[at] = v;
      steps.push(`byte ${at} = ${v}`);
    } else if (op === 2) {
      const n = rnd() < 0.5 ? int(Math.min(b.length, 1024)) : int(b.length);
      b = b.slice(0, n);
      steps.push(`truncate to ${n} bytes`);
    } else if (op === 3) {
      const fields = sizeFields(b);
      if (fields.length === 0) {
        s--;
        continue;
      }
      const f = fields[int(fields.length)];
      const max = 2 ** (8 * f.width) - 1;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const old = readField(v, f);
      const choice = int(5);
      const value =
        choice === 0
          ? INTERESTING[int(INTERESTING.length)]
          : choice === 1
            ? old + (rnd() < 0.5 ? 1 : -1)
            : choice === 2
              ? old * 2 ** (1 + int(16)) // a length claim far beyond the file
              : choice === 3
                ? b.length - int(16)
                : int(max + 1);
      writeField(v, f, Math.max(0, Math.min(max, value)) >>> 0);
      steps.push(`size field at ${f.at} (${f.width} bytes): ${old} → ${readField(v, f)}`);
    } else if (op === 4) {
      const at = spot(b.length + 1);
      const n = 1 + int(64);
      const junk = Uint8Array.from({ length: n }, () => int(256));
      b = concat(b.subarray(0, at), junk, b.subarray(at));
      steps.push(`insert ${n} garbage bytes at ${at}`);
    } else if (op === 5) {
      const at = spot(b.length);
      const n = 1 + int(256);
      b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + n)));
      steps.push(`delete ${n} bytes at ${at}`);
    } else {
      const from = int(b.length);
      const n = 1 + int(Math.min(512, b.length - from));
      const at = spot(b.length + 1);
      b = concat(b.subarray(0, at), b.slice(from, from + n), b.subarray(at));
      steps.push(`repeat ${n} bytes from ${from} at ${at}`);
    }
  }
  return { bytes: b, steps };
}

function readField(v: DataView, f: SizeField): number {
  if (f.width === 1) return v.getUint8(f.at);
  if (f.width === 2) return v.getUint16(f.at, f.littleEndian);
  if (f.width === 4) return v.getUint32(f.at, f.littleEndian);
  const [a, b, c] = [v.getUint8(f.at), v.getUint8(f.at + 1), v.getUint8(f.at + 2)];
  return f.littleEndian ? a | (b << 8) | (c << 16) : (a << 16) | (b << 8) | c;
}

function writeField(v: DataView, f: SizeField, x: number): void {
  if (f.width === 1) v.setUint8(f.at, x & 0xff);
  else if (f.width === 2) v.setUint16(f.at, x & 0xffff, f.littleEndian);
  else if (f.width === 4) v.setUint32(f.at, x, f.littleEndian);
  else {
    const bytes = [(x >> 16) & 0xff, (x >> 8) & 0xff, x & 0xff];
    if (f.littleEndian) bytes.reverse();
    for (let i = 0; i < 3; i++) v.setUint8(f.at + i, bytes[i]);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The seed of case number `index` of a run seeded with `runSeed` (a 32-bit mix of both). */
export function caseSeed(runSeed: number, index: number): number {
  let h = (runSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}
