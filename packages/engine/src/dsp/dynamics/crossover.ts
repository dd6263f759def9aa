import { type BiquadCoefficients, biquadResponse, designBiquad } from "../../core/biquad.ts";

/**
 * A Linkwitz-Riley 4th-order (24 dB/oct) crossover tree for one channel, splitting a signal into
 * `frequencies.length + 1` bands that sum back to the input with a flat magnitude.
 *
 * Each split is an LR4 pair — low-pass and high-pass, each two cascaded Butterworth (Q = 1/√2) sections —
 * whose sum is the 2nd-order all-pass AP(f) with Q = 1/√2. Splitting the high side again at f2 makes
 * HP1·(LP2 + HP2) = HP1·AP2, so the low band is passed through AP2 (and AP3 …) too: then every band carries
 * the same all-pass product and the sum is AP1·AP2·…, |H| = 1 at every frequency. Bilinear designs with the
 * same pre-warped frequency make this identity hold digitally as well.
 */
export class Crossover {
  /** Number of bands (crossover frequencies + 1). */
  readonly bands: number;
  private frequencies: number[] = [];
  /** Sections in processing order: for split k, LP twice, HP twice, then all-passes for bands < k. */
  private readonly sections: Section[] = [];
  private readonly scratch: { a: Float64Array; b: Float64Array } = {
    a: new Float64Array(0),
    b: new Float64Array(0),
  };

  /**
   * @param sampleRate Hz.
   * @param frequencies ascending crossover frequencies in Hz, each 0 < f < sampleRate/2.
   */
  constructor(
    readonly sampleRate: number,
    frequencies: readonly number[],
  ) {
    this.bands = frequencies.length + 1;
    const n = frequencies.length;
    // k-th split: 4 sections; band j (< n) then needs all-passes for splits j+1 … n−1.
    for (let k = 0; k < 4 * n + (n * (n - 1)) / 2; k++) this.sections.push(new Section());
    this.setFrequencies(frequencies);
  }

  /** Moves the crossover points (same count) without clearing the filters. */
  setFrequencies(frequencies: readonly number[]): void {
    if (frequencies.length !== this.bands - 1) {
      throw new RangeError(`crossover: expected ${this.bands - 1} frequencies, got ${frequencies.length}`);
    }
    for (let k = 0; k < frequencies.length; k++) {
      const f = frequencies[k];
      if (!(f > 0 && f < this.sampleRate / 2) || (k > 0 && !(f > frequencies[k - 1]))) {
        throw new RangeError(
          `crossover: frequencies must ascend within 0 … ${this.sampleRate / 2} Hz, got ${frequencies}`,
        );
      }
    }
    this.frequencies = [...frequencies];
    const { lp, hp, ap } = this.designs();
    const n = frequencies.length;
    let s = 0;
    for (let k = 0; k < n; k++) {
      this.sections[s++].set(lp[k]);
      this.sections[s++].set(lp[k]);
      this.sections[s++].set(hp[k]);
      this.sections[s++].set(hp[k]);
    }
    for (let band = 0; band < n; band++) for (let k = band + 1; k < n; k++) this.sections[s++].set(ap[k]);
  }

  private designs(): { lp: BiquadCoefficients[]; hp: BiquadCoefficients[]; ap: BiquadCoefficients[] } {
    const fs = this.sampleRate;
    return {
      lp: this.frequencies.map((f) => designBiquad("lowpass", fs, f, Math.SQRT1_2)),
      hp: this.frequencies.map((f) => designBiquad("highpass", fs, f, Math.SQRT1_2)),
      ap: this.frequencies.map((f) => designBiquad("allpass", fs, f, Math.SQRT1_2)),
    };
  }

  /**
   * Splits `frames` samples of `x` into `out[0 … bands−1]` (lowest band first); `out` arrays hold ≥ frames.
   */
  split(x: ArrayLike<number>, frames: number, out: Float64Array[]): void {
    const n = this.bands - 1;
    if (this.scratch.a.length < frames) {
      this.scratch.a = new Float64Array(frames);
      this.scratch.b = new Float64Array(frames);
    }
    const rest = this.scratch.a;
    for (let i = 0; i < frames; i++) rest[i] = x[i];
    let s = 0;
    for (let k = 0; k < n; k++) {
      const low = out[k];
      this.sections[s++].run(rest, low, frames);
      this.sections[s++].run(low, low, frames);
      this.sections[s++].run(rest, rest, frames);
      this.sections[s++].run(rest, rest, frames);
    }
    out[n].set(rest.subarray(0, frames));
    for (let band = 0; band < n; band++) {
      for (let k = band + 1; k < n; k++) this.sections[s++].run(out[band], out[band], frames);
    }
  }

  /** Clears the filter states. */
  reset(): void {
    for (const s of this.sections) s.reset();
  }

  /** The exact complex response of band `band` at `freq` Hz: magnitude (linear) and phase (radians). */
  bandResponse(band: number, freq: number): { magnitude: number; phase: number } {
    const { lp, hp, ap } = this.designs();
    const fs = this.sampleRate;
    let mag = 1;
    let phase = 0;
    const mul = (c: BiquadCoefficients, times: number) => {
      const r = biquadResponse(c, freq, fs);
      mag *= r.magnitude ** times;
      phase += r.phase * times;
    };
    const n = this.bands - 1;
    for (let k = 0; k < Math.min(band, n); k++) mul(hp[k], 2);
    if (band < n) {
      mul(lp[band], 2);
      for (let k = band + 1; k < n; k++) mul(ap[k], 1);
    }
    return { magnitude: mag, phase };
  }
}

/** One biquad, transposed direct form II, 64-bit state flushed per sample (block-size independent). */
class Section {
  private b0 = 1;
  private b1 = 0;
  private b2 = 0;
  private a1 = 0;
  private a2 = 0;
  private s1 = 0;
  private s2 = 0;

  set(c: BiquadCoefficients): void {
    this.b0 = c.b0;
    this.b1 = c.b1;
    this.b2 = c.b2;
    this.a1 = c.a1;
    this.a2 = c.a2;
  }

  run(x: Float64Array, y: Float64Array, frames: number): void {
    const { b0, b1, b2, a1, a2 } = this;
    let s1 = this.s1;
    let s2 = this.s2;
    for (let i = 0; i < frames; i++) {
      const xi = x[i];
      const yi = b0 * xi + s1;
      s1 = b1 * xi - a1 * yi + s2;
      s2 = b2 * xi - a2 * yi;
      if (s1 > -1e-25 && s1 < 1e-25) s1 = 0;
      if (s2 > -1e-25 && s2 < 1e-25) s2 = 0;
      y[i] = yi;
    }
    this.s1 = s1;
    this.s2 = s2;
  }

  reset(): void {
    this.s1 = 0;
    this.s2 = 0;
  }
}
