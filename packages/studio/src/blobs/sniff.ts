/**
 * Recognises audio by its first bytes, whatever the file is called: WAV (RIFF/RF64/BW64 … WAVE), AIFF,
 * FLAC (fLaC), Ogg (OggS), MP3 (an ID3v2 tag or a valid MPEG audio frame header).
 */

/** Audio container formats the studio accepts. */
export type AudioFormat = "wav" | "aiff" | "flac" | "ogg" | "mp3";

/** Bytes needed to decide (the WAVE/AIFF form type sits at offset 8…11). */
export const SNIFF_BYTES = 12;

const ascii = (b: Uint8Array, at: number, s: string) => {
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

/** True when four bytes at `b[0…3]` are a plausible MPEG-1/2/2.5 Layer I–III frame header. */
function isMpegFrame(b: Uint8Array): boolean {
  if (b.length < 4 || b[0] !== 0xff || (b[1] & 0xe0) !== 0xe0) return false;
  const version = (b[1] >> 3) & 3; // 01 is reserved
  const layer = (b[1] >> 1) & 3; // 00 is reserved (ADTS AAC uses it)
  const bitrate = b[2] >> 4; // 1111 is invalid
  const rate = (b[2] >> 2) & 3; // 11 is reserved
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3;
}

/**
 * The audio format of a file from its first bytes, or null when it is not audio we accept.
 * @param head at least {@link SNIFF_BYTES} bytes (fewer only if the file is that short).
 */
export function sniffAudio(head: Uint8Array): AudioFormat | null {
  if (
    head.length >= 12 &&
    (ascii(head, 0, "RIFF") || ascii(head, 0, "RF64") || ascii(head, 0, "BW64")) &&
    ascii(head, 8, "WAVE")
  )
    return "wav";
  if (head.length >= 12 && ascii(head, 0, "FORM") && (ascii(head, 8, "AIFF") || ascii(head, 8, "AIFC")))
    return "aiff";
  if (head.length >= 4 && ascii(head, 0, "fLaC")) return "flac";
  if (head.length >= 4 && ascii(head, 0, "OggS")) return "ogg";
  if (head.length >= 3 && ascii(head, 0, "ID3")) return "mp3";
  if (isMpegFrame(head)) return "mp3";
  return null;
}
