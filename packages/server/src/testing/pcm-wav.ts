/**
 * Small 16-bit mono PCM WAV files built in memory, for tests and the soak bench that upload audio: the header
 * written once here, the samples by the caller.
 */

/**
 * A mono 16-bit PCM WAV.
 * @param frames number of samples.
 * @param sampleRate Hz (default 48000).
 * @param sample the sample at index i, as a 16-bit integer (−32768…32767); silence when omitted.
 */
export function pcm16MonoWav(frames: number, sampleRate = 48000, sample?: (i: number) => number): Buffer {
  const b = Buffer.alloc(44 + frames * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + frames * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(frames * 2, 40);
  if (sample) for (let i = 0; i < frames; i++) b.writeInt16LE(sample(i), 44 + 2 * i);
  return b;
}
