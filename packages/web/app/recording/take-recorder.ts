/**
 * Collects a take from the input tap's blocks: everything from `startFrame` (on the context's clock: where
 * the count-in ends, plus the round-trip latency) on, however late the page notices, and measures it with
 * the same meter the pages show.
 */
import { LiveMeter } from "../audio/meter.ts";
import type { TapBlock } from "../audio/tap.ts";

export class TakeRecorder {
  private readonly blocks: TapBlock[] = [];
  private readonly meter: LiveMeter;
  constructor(
    /** The context frame the take starts on. */
    readonly startFrame: number,
    readonly sampleRate: number,
  ) {
    this.meter = new LiveMeter(sampleRate, 1);
  }

  /** Takes a block from the tap (mono: its first channel); drops what lies before the start. */
  push(b: TapBlock): void {
    if (b.frame + b.data[0].length <= this.startFrame) return;
    this.blocks.push(b);
    const from = Math.max(0, this.startFrame - b.frame);
    this.meter.push(b.data.map((c) => c.subarray(from)));
  }

  /** The take so far, mono, from its first frame. */
  assemble(): Float32Array {
    const parts = this.blocks.map((b) => b.data[0].subarray(Math.max(0, this.startFrame - b.frame)));
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Integrated loudness of the take so far, LUFS. */
  integratedLufs(): number {
    return this.meter.reading().integratedLufs;
  }
}
