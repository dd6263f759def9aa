/** Release metadata for deliverables: validated, with every problem naming its field. */
import { normaliseIsrc } from "@controlroom/engine/mastering/album.ts";

export interface ReleaseMetadata {
  title?: string;
  artist?: string;
  album?: string;
  /** Track number on the release, 1 … 999. */
  track?: number;
  /** Tracks on the release (for "3/12"). */
  trackTotal?: number;
  /** ISO 3901 ISRC, e.g. "GB-AAA-26-00001". */
  isrc?: string;
  /** UPC-A (12 digits) or EAN-13 (13 digits) of the release, with a valid GS1 check digit. */
  upc?: string;
  composer?: string;
  copyright?: string;
  /** Release date, yyyy-mm-dd or yyyy. */
  date?: string;
}

const TEXT_FIELDS = ["title", "artist", "album", "composer", "copyright", "date"] as const;

/** True when `code` (12 or 13 digits) carries a valid GS1 (UPC/EAN) check digit. */
export function validGs1(code: string): boolean {
  if (!/^\d{12,13}$/.test(code)) return false;
  const d = code.padStart(13, "0").split("").map(Number);
  let s = 0;
  for (let i = 0; i < 12; i++) s += d[i] * (i % 2 === 0 ? 1 : 3);
  return (10 - (s % 10)) % 10 === d[12];
}

/**
 * Checks and normalises metadata from JSON.
 * @throws Error naming the field (`metadata.isrc: …`) for the first problem.
 */
export function checkMetadata(raw: unknown, where = "metadata"): ReleaseMetadata {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`${where}: must be a JSON object`);
  const m = raw as Record<string, unknown>;
  const out: ReleaseMetadata = {};
  for (const f of TEXT_FIELDS) {
    const v = m[f];
    if (v === undefined) continue;
    if (typeof v !== "string") throw new Error(`${where}.${f}: must be text, got ${JSON.stringify(v)}`);
    out[f] = v;
  }
  for (const f of ["track", "trackTotal"] as const) {
    const v = m[f];
    if (v === undefined) continue;
    if (!(typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 999)) {
      throw new Error(`${where}.${f}: must be a whole number 1 … 999, got ${JSON.stringify(v)}`);
    }
    out[f] = v;
  }
  if (m.isrc !== undefined) {
    if (typeof m.isrc !== "string") throw new Error(`${where}.isrc: must be text`);
    try {
      out.isrc = normaliseIsrc(m.isrc, `${where}.isrc`);
    } catch (e) {
      throw new Error((e as Error).message);
    }
  }
  if (m.upc !== undefined) {
    const v = String(m.upc).replace(/[\s-]/g, "");
    if (!validGs1(v))
      throw new Error(`${where}.upc: "${m.upc}" is not a UPC-A/EAN-13 with a valid check digit`);
    out.upc = v;
  }
  return out;
}

/** Vorbis-comment / ID3 style tags (lower-case names) from metadata. */
export function tagsOf(m: ReleaseMetadata): Record<string, string> {
  const t: Record<string, string> = {};
  if (m.title) t.title = m.title;
  if (m.artist) t.artist = m.artist;
  if (m.album) t.album = m.album;
  if (m.track) t.tracknumber = m.trackTotal ? `${m.track}/${m.trackTotal}` : String(m.track);
  if (m.isrc) t.isrc = m.isrc;
  if (m.upc) t.upc = m.upc;
  if (m.composer) t.composer = m.composer;
  if (m.copyright) t.copyright = m.copyright;
  if (m.date) t.date = m.date;
  return t;
}

/** A file-name-safe lower-case slug. */
export function slug(s: string): string {
  return (
    s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "untitled"
  );
}
