/**
 * Reads what a session's audio reference needs — sample rate, channels, length in frames — from the header
 * of a WAV (RIFF/RF64) or FLAC file. Other formats: null (the browser's decoder resamples, so their
 * native rate cannot be learnt from it).
 */

/** The header facts. */
export interface AudioFacts {
  sampleRate: number;
  channels: number;
  frames: number;
}

const ascii = (v: DataView, o: number) =>
  String.fromCharCode(v.getUint8(o), v.getUint8(o + 1), v.getUint8(o + 2), v.getUint8(o + 3));

/** @param bytes the file (its first few kilobytes suffice for FLAC; WAV needs up to the data chunk). */
export function probeAudio(bytes: ArrayBuffer): AudioFacts | null {
  const v = new DataView(bytes);
  if (v.byteLength < 12) return null;
  const head = ascii(v, 0);
  if ((head === "RIFF" || head === "RF64") && ascii(v, 8) === "WAVE") {
    let o = 12;
    let rate = 0;
    let ch = 0;
    let blockAlign = 0;
    let ds64Data = 0;
    while (o + 8 <= v.byteLength) {
      const id = ascii(v, o);
      const size = v.getUint32(o + 4, true);
      if (id === "ds64") ds64Data = Number(v.getBigUint64(o + 16, true));
      if (id === "fmt ") {
        ch = v.getUint16(o + 10, true);
        rate = v.getUint32(o + 12, true);
        blockAlign = v.getUint16(o + 20, true);
      }
      if (id === "data") {
        const dataBytes = size === 0xffffffff && ds64Data ? ds64Data : size;
        if (!rate || !blockAlign) return null;
        return { sampleRate: rate, channels: ch, frames: Math.floor(dataBytes / blockAlign) };
      }
      o += 8 + size + (size & 1);
    }
    return null;
  }
  if (head === "fLaC" && v.byteLength >= 42) {
    // STREAMINFO is the first metadata block: 20 bits rate, 3 bits channels−1, 5 bits bps−1, 36 bits frames.
    const b = 8 + 10;
    const rate = (v.getUint8(b) << 12) | (v.getUint8(b + 1) << 4) | (v.getUint8(b + 2) >> 4);
    const channels = ((v.getUint8(b + 2) >> 1) & 0x7) + 1;
    const hi = v.getUint8(b + 3) & 0x0f;
    const frames = hi * 2 ** 32 + v.getUint32(b + 4);
    return { sampleRate: rate, channels, frames };
  }
  return null;
}
