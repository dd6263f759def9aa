/**
 * A strip's engine inserts run block by block — the same processors, from the same JSON, that the renderer
 * runs — for the browser's audio thread (inserts-worklet.ts): what the mixer plays is what a render makes.
 * Reports each insert's gain reduction (compressor, limiter, de-esser; the largest band of a multiband) for
 * the strip's meters. A chain that does not parse (an edit half-typed) keeps the previous one playing.
 */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import { type Chain, parseChain } from "@controlroom/engine/dsp/chain.ts";

export class InsertRunner {
  private chain: Chain;
  private json = "[]";

  /**
   * @param sampleRate Hz. @param channels of the strip's audio (1 or 2): the output has as many.
   * @param inserts the strip's inserts (a bad chain throws here, naming the insert and parameter).
   */
  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    inserts: ProcessorJSON[],
  ) {
    this.chain = parseChain(inserts, { sampleRate, channels }, "inserts");
    this.json = JSON.stringify(inserts);
  }

  /**
   * Replaces the chain (its processors start from rest; nothing happens when the JSON is the same).
   * @returns null, or why the new chain was refused (the old one keeps running).
   */
  set(inserts: ProcessorJSON[]): string | null {
    const json = JSON.stringify(inserts);
    if (json === this.json) return null;
    try {
      this.chain = parseChain(inserts, { sampleRate: this.sampleRate, channels: this.channels }, "inserts");
      this.json = json;
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** Runs `frames` frames of `input` (`channels` arrays) into `output` (`channels` arrays). */
  process(input: readonly Float32Array[], output: Float32Array[], frames: number): void {
    const out = this.chain.process(input, frames);
    for (let c = 0; c < output.length; c++)
      output[c].set(out[Math.min(c, out.length - 1)].subarray(0, frames));
  }

  /** Each insert's gain reduction now, dB (≥ 0), in chain order; undefined for inserts that do not reduce gain. */
  gainReduction(): (number | undefined)[] {
    return this.chain.processors.map((p) => {
      const gr = (p as unknown as { gainReductionDb?: number | number[] }).gainReductionDb;
      return typeof gr === "number" ? gr : Array.isArray(gr) ? Math.max(0, ...gr) : undefined;
    });
  }
}
