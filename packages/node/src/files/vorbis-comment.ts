/** Vorbis comments (used by FLAC and Ogg Vorbis): `KEY=value` pairs after a vendor string. */
import { concatBytes } from "./bytes.ts";

/**
 * Parses a Vorbis comment block into lower-case tags (repeated keys are joined with "; ").
 * Returns null when the bytes are not a well-formed block.
 */
export function parseVorbisComment(b: Uint8Array): Record<string, string> | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const dec = new TextDecoder();
  if (b.length < 8) return null;
  const vendorLen = v.getUint32(0, true);
  let p = 4 + vendorLen;
  if (p + 4 > b.length) return null;
  const count = v.getUint32(p, true);
  p += 4;
  const tags: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    if (p + 4 > b.length) return tags;
    const n = v.getUint32(p, true);
    p += 4;
    if (p + n > b.length) return tags;
    const s = dec.decode(b.subarray(p, p + n));
    p += n;
    const eq = s.indexOf("=");
    if (eq <= 0) continue;
    const key = s.slice(0, eq).toLowerCase();
    const value = s.slice(eq + 1);
    if (key === "metadata_block_picture") continue; // cover art, not a text tag
    tags[key] = key in tags ? `${tags[key]}; ${value}` : value;
  }
  return tags;
}

/** Encodes tags as a Vorbis comment block (keys upper-cased as is conventional). */
export function buildVorbisComment(vendor: string, tags: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  const vb = enc.encode(vendor);
  parts.push(u32(vb.length), vb);
  const entries = Object.entries(tags);
  parts.push(u32(entries.length));
  for (const [k, val] of entries) {
    if (!/^[\x20-\x3c\x3e-\x7d]+$/.test(k)) {
      throw new RangeError(`tag name "${k}" must be printable ASCII without "="`);
    }
    const e = enc.encode(`${k.toUpperCase()}=${val}`);
    parts.push(u32(e.length), e);
  }
  return concatBytes(parts);
}
