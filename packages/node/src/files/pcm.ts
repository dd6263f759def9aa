import type { PcmEncoding } from "./riff-chunks.ts";

/** Bytes per sample of each encoding. */
export const PCM_BYTES: Record<PcmEncoding, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 };

/** ffmpeg-style codec names, for AudioFileInfo.codec. */
export const PCM_CODEC: Record<PcmEncoding, string> = {
  u8: "pcm_u8",
  s16: "pcm_s16le",
  s24: "pcm_s24le",
  s32: "pcm_s32le",
  f32: "pcm_f32le",
  f64: "pcm_f64le",
};

/**
 * Decodes interleaved little-endian samples into planar float channels, full scale ±1.0: integers are divided
 * by 2^(bits−1) (exact in float for 8/16/24 bits; 32-bit integers and 64-bit floats round to float precision).
 * @param bytes interleaved frames.
 * @param out one array per channel, each at least `frames` long.
 */
export function decodePcm(
  encoding: PcmEncoding,
  bytes: Uint8Array,
  out: Float32Array[],
  frames: number,
): void {
  const ch = out.length;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bps = PCM_BYTES[encoding];
  if (encoding === "s24") {
    decodeS24(bytes, v, out, frames);
    return;
  }
  for (let c = 0; c < ch; c++) {
    const o = out[c];
    const stride = ch * bps;
    let p = c * bps;
    switch (encoding) {
      case "u8":
        for (let i = 0; i < frames; i++, p += stride) o[i] = (bytes[p] - 128) / 128;
        break;
      case "s16":
        for (let i = 0; i < frames; i++, p += stride) o[i] = v.getInt16(p, true) / 32768;
        break;
      case "s32":
        for (let i = 0; i < frames; i++, p += stride) o[i] = v.getInt32(p, true) / 2147483648;
        break;
      case "f32":
        for (let i = 0; i < frames; i++, p += stride) o[i] = v.getFloat32(p, true);
        break;
      case "f64":
        for (let i = 0; i < frames; i++, p += stride) o[i] = v.getFloat64(p, true);
        break;
    }
  }
}

/**
 * 24-bit samples, read as the 32-bit word ending at each sample's last byte and shifted down (sign
 * included): one load instead of three. The very first sample has no byte before it and is assembled
 * from its three bytes. Stereo, the usual case, reads both channels of a frame in one loop (measured:
 * 10 minutes of 48 kHz stereo 0.18 → 0.10 s).
 */
function decodeS24(bytes: Uint8Array, v: DataView, out: Float32Array[], frames: number): void {
  if (frames <= 0) return;
  const ch = out.length;
  const stride = ch * 3;
  const first = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16);
  out[0][0] = ((first << 8) >> 8) / 8388608;
  if (ch === 2) {
    const l = out[0];
    const r = out[1];
    r[0] = (v.getInt32(2, true) >> 8) / 8388608;
    for (let i = 1, p = 6; i < frames; i++, p += 6) {
      l[i] = (v.getInt32(p - 1, true) >> 8) / 8388608;
      r[i] = (v.getInt32(p + 2, true) >> 8) / 8388608;
    }
    return;
  }
  for (let c = 0; c < ch; c++) {
    const o = out[c];
    let i = c === 0 ? 1 : 0;
    for (let p = i * stride + c * 3; i < frames; i++, p += stride)
      o[i] = (v.getInt32(p - 1, true) >> 8) / 8388608;
  }
}
