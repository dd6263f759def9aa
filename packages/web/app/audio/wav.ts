/** Encodes planar float audio as a PCM WAV file (what the recorder uploads, and what renders download as). */

/**
 * @param channels planar samples, −1…1 (clipped beyond). @param sampleRate Hz. @param bits 16 or 24.
 * @returns a RIFF/WAVE file.
 */
export function encodeWav(channels: Float32Array[], sampleRate: number, bits: 16 | 24 = 24): Blob {
  const n = channels[0]?.length ?? 0;
  const ch = channels.length;
  const bytes = bits / 8;
  const data = n * ch * bytes;
  const buf = new ArrayBuffer(44 + data);
  const v = new DataView(buf);
  const tag = (o: number, s: string) => {
    for (let i = 0; i < 4; i++) v.setUint8(o + i, s.charCodeAt(i));
  };
  tag(0, "RIFF");
  v.setUint32(4, 36 + data, true);
  tag(8, "WAVE");
  tag(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, ch, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * ch * bytes, true);
  v.setUint16(32, ch * bytes, true);
  v.setUint16(34, bits, true);
  tag(36, "data");
  v.setUint32(40, data, true);
  const full = bits === 16 ? 32767 : 8388607;
  let o = 44;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < ch; c++) {
      const x = Math.max(-1, Math.min(1, channels[c][i]));
      const q = Math.round(x * full);
      if (bits === 16) v.setInt16(o, q, true);
      else {
        v.setUint8(o, q & 0xff);
        v.setUint8(o + 1, (q >> 8) & 0xff);
        v.setUint8(o + 2, (q >> 16) & 0xff);
      }
      o += bytes;
    }
  return new Blob([buf], { type: "audio/wav" });
}
