/** Waveform peaks from decoded audio, for drawing when the server has none precomputed. */

/**
 * Largest absolute sample per bucket, per channel.
 * @param buffer decoded audio. @param buckets number of columns, 100…20 000.
 */
export function peaksOf(buffer: AudioBuffer, buckets = 2000): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const x = buffer.getChannelData(c);
    const per = Math.max(1, Math.floor(x.length / buckets));
    const p: number[] = [];
    for (let b = 0; b * per < x.length; b++) {
      let m = 0;
      const end = Math.min(x.length, (b + 1) * per);
      for (let i = b * per; i < end; i++) {
        const a = Math.abs(x[i]);
        if (a > m) m = a;
      }
      p.push(m);
    }
    out.push(p);
  }
  return out;
}
