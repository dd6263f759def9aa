/**
 * Recognises a file's format from its first bytes (never its name): the audio containers Control Room
 * reads, and common non-audio files so the error can say what the file looks like.
 */

/** An audio container we can read. */
export type SniffedAudio = "wav" | "rf64" | "flac" | "ogg" | "mp3";

export type SniffResult = { audio: SniffedAudio } | { notAudio: string };

/** How many leading bytes `sniff` wants (it copes with fewer). */
export const SNIFF_BYTES = 4096;

const ascii = (b: Uint8Array, at: number, n: number): string =>
  String.fromCharCode(...b.subarray(at, at + n));

/**
 * Classifies the head of a file.
 * @param head the first bytes of the file (ideally {@link SNIFF_BYTES}).
 * @returns the audio container, or a description such as "looks like PNG image" / "unsupported audio: AIFF".
 */
export function sniff(head: Uint8Array): SniffResult {
  if (head.length === 0) return { notAudio: "empty file (0 bytes)" };
  const id4 = ascii(head, 0, 4);
  if (id4 === "RIFF" || id4 === "RF64" || id4 === "BW64") {
    if (head.length < 12) return { notAudio: "truncated header (file ends inside the RIFF header)" };
    const form = ascii(head, 8, 4);
    if (form === "WAVE") return { audio: id4 === "RIFF" ? "wav" : "rf64" };
    if (form === "AVI ") return { notAudio: "not an audio file (looks like AVI video)" };
    if (form === "WEBP") return { notAudio: "not an audio file (looks like WebP image)" };
    return { notAudio: `not an audio file (RIFF form type "${printable(form)}", not WAVE)` };
  }
  if (id4 === "fLaC") return { audio: "flac" };
  if (id4 === "OggS") {
    const body = ascii(head, 0, Math.min(head.length, 200));
    if (body.includes("\x01vorbis")) return { audio: "ogg" };
    if (body.includes("OpusHead"))
      return { notAudio: "unsupported codec: Ogg Opus (only Ogg Vorbis is read)" };
    if (body.includes("\x7fFLAC"))
      return { notAudio: "unsupported codec: Ogg FLAC (only Ogg Vorbis is read)" };
    if (head.length < 40) return { notAudio: "truncated header (file ends inside the first Ogg page)" };
    return { notAudio: "unsupported codec: Ogg stream that is not Vorbis" };
  }
  if (ascii(head, 0, 3) === "ID3") return { audio: "mp3" };
  if (id4 === "FORM" && head.length >= 12 && /^AIF[FC]$/.test(ascii(head, 8, 4))) {
    return { notAudio: "unsupported format: AIFF (convert to WAV or FLAC)" };
  }
  if (isMpegAudio(head)) return { audio: "mp3" };

  const known: [number[], string][] = [
    [[0x89, 0x50, 0x4e, 0x47], "PNG image"],
    [[0xff, 0xd8, 0xff], "JPEG image"],
    [[0x47, 0x49, 0x46, 0x38], "GIF image"],
    [[0x50, 0x4b, 0x03, 0x04], "ZIP archive"],
    [[0x50, 0x4b, 0x05, 0x06], "ZIP archive"],
    [[0x25, 0x50, 0x44, 0x46], "PDF document"],
    [[0x1f, 0x8b], "gzip archive"],
    [[0x7f, 0x45, 0x4c, 0x46], "ELF program"],
    [[0x1a, 0x45, 0xdf, 0xa3], "Matroska/WebM video"],
    [[0x4d, 0x54, 0x68, 0x64], "MIDI file"],
  ];
  for (const [magic, name] of known) {
    if (magic.every((v, i) => head[i] === v)) return { notAudio: `not an audio file (looks like ${name})` };
  }
  if (head.length >= 12 && ascii(head, 4, 4) === "ftyp") {
    return { notAudio: "unsupported format: MP4/M4A container (convert to WAV or FLAC)" };
  }
  if (looksLikeText(head)) return { notAudio: "not an audio file (looks like text)" };
  return { notAudio: "not an audio file (unrecognised content)" };
}

/** Two consecutive valid MPEG-1/2 Layer III frame headers at the start (one header alone is too easily random). */
function isMpegAudio(b: Uint8Array): boolean {
  const h = parseMpegHeader(b, 0);
  if (!h) return false;
  if (h.frameBytes + 4 > b.length) return b.length < SNIFF_BYTES; // short file holding one frame
  return parseMpegHeader(b, h.frameBytes) !== null;
}

/** A decoded MPEG audio frame header. */
export interface MpegHeader {
  sampleRate: number;
  channels: number;
  frameBytes: number;
  samplesPerFrame: number;
}

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/** Parses a Layer III frame header at `at`, or null when the bytes are not one. */
export function parseMpegHeader(b: Uint8Array, at: number): MpegHeader | null {
  if (at + 4 > b.length) return null;
  if (b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return null;
  const version = (b[at + 1] >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layer = (b[at + 1] >> 1) & 3; // 1: III
  if (version === 1 || layer !== 1) return null;
  const brIdx = b[at + 2] >> 4;
  const srIdx = (b[at + 2] >> 2) & 3;
  if (brIdx === 0 || brIdx === 15 || srIdx === 3) return null;
  const padding = (b[at + 2] >> 1) & 1;
  const base = [44100, 48000, 32000][srIdx];
  const sampleRate = version === 3 ? base : version === 2 ? base / 2 : base / 4;
  const kbps = (version === 3 ? BITRATES_V1_L3 : BITRATES_V2_L3)[brIdx];
  const samplesPerFrame = version === 3 ? 1152 : 576;
  const frameBytes = Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + padding;
  const channels = b[at + 3] >> 6 === 3 ? 1 : 2;
  return { sampleRate, channels, frameBytes, samplesPerFrame };
}

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 1024);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) bad++;
  }
  return bad === 0;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}
