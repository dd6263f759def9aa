/** A fixed whole-sample delay on several channels: latency compensation between parallel paths. */
export class FixedDelay {
  private readonly lines: Float32Array[];
  private pos = 0;

  /**
   * @param channels channel count.
   * @param samples delay in samples (0 = pass through).
   */
  constructor(
    channels: number,
    readonly samples: number,
  ) {
    this.lines = Array.from({ length: channels }, () => new Float32Array(Math.max(1, samples)));
  }

  /** Delays `buf[c][0 … frames)` in place. */
  process(buf: Float32Array[], frames: number): void {
    const d = this.samples;
    if (d === 0) return;
    let pos = this.pos;
    for (let c = 0; c < this.lines.length; c++) {
      const line = this.lines[c];
      const x = buf[c];
      pos = this.pos;
      for (let i = 0; i < frames; i++) {
        const y = line[pos];
        line[pos] = x[i];
        x[i] = y;
        if (++pos === d) pos = 0;
      }
    }
    this.pos = pos;
  }
}
