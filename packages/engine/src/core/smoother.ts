/**
 * One-pole parameter smoother: moves a value towards its target with a time constant, so parameter
 * changes never click or zipper. Deterministic and block-size independent (it advances per sample).
 */
export class Smoother {
  private current: number;
  private target: number;
  private readonly coeff: number;

  /**
   * @param sampleRate Hz.
   * @param timeMs time constant in ms (the value covers 63% of a step in this time; ~99% in 5×).
   * @param initial starting value.
   */
  constructor(sampleRate: number, timeMs: number, initial: number) {
    this.coeff = timeMs <= 0 ? 0 : Math.exp(-1 / ((timeMs / 1000) * sampleRate));
    this.current = initial;
    this.target = initial;
  }

  /** Sets where the value should go. */
  setTarget(value: number): void {
    this.target = value;
  }

  /** Jumps straight to a value (on reset, or before any audio). */
  snap(value: number): void {
    this.current = value;
    this.target = value;
  }

  /** True while the value is still moving (by more than 1e-9 of the target). */
  get moving(): boolean {
    return Math.abs(this.current - this.target) > 1e-9 * Math.max(1, Math.abs(this.target));
  }

  /** The value now. */
  get value(): number {
    return this.current;
  }

  /** Advances one sample and returns the new value. */
  next(): number {
    if (this.current === this.target) return this.current;
    this.current = this.target + (this.current - this.target) * this.coeff;
    if (!this.moving) this.current = this.target;
    return this.current;
  }
}
