import { defaultsOf, type ParamSpecs, validateParams } from "./params.ts";

/** Where a processor runs: fixed for its lifetime. */
export interface ProcessorContext {
  /** Sample rate in Hz (8 000 … 384 000). */
  sampleRate: number;
  /** Input channel count (1 … 64). */
  channels: number;
}

/** A processor's plain-JSON form, as stored in sessions and chains: `{ "type": "gain", "db": -3 }`. */
export type ProcessorJSON = { type: string; bypass?: boolean } & Record<string, unknown>;

/** Length of the crossfade when bypass is switched, in seconds: short enough to feel instant, long enough not to click. */
const BYPASS_FADE_SECONDS = 0.01;

/**
 * Base of every DSP processor. Audio is planar `Float32Array` channels processed in blocks of any size;
 * results never depend on how a signal is cut into blocks.
 *
 * Subclasses implement `render` and describe their parameters in `specs`. The base class gives every
 * processor the same bypass: when bypassed the output is the input delayed by `latency` samples,
 * bit-exact, so bypass nulls and parallel paths stay aligned; switching crossfades over 10 ms.
 */
export abstract class Processor<P extends Record<string, unknown> = Record<string, unknown>> {
  /** The JSON `type` name, e.g. `compressor`. */
  abstract readonly type: string;
  readonly sampleRate: number;
  /** Input channels. */
  readonly channels: number;
  /** Current parameters (validated). Read through `getParams()`. */
  protected params: P;
  private readonly specs: ParamSpecs;
  private bypassed = false;
  /** Samples left in a bypass crossfade, and its direction (true: towards bypassed). */
  private fadeLeft = 0;
  private fadeLength: number;
  private dryDelay: Float32Array[] = [];
  private dryPos = 0;
  private scratch: Float32Array[] = [];

  constructor(ctx: ProcessorContext, specs: ParamSpecs, params: Partial<P> = {}, typeName?: string) {
    if (!(ctx.sampleRate >= 8000 && ctx.sampleRate <= 384000)) {
      throw new RangeError(`sampleRate must be between 8000 and 384000 Hz, got ${ctx.sampleRate}`);
    }
    if (!(Number.isInteger(ctx.channels) && ctx.channels >= 1 && ctx.channels <= 64)) {
      throw new RangeError(`channels must be an integer between 1 and 64, got ${ctx.channels}`);
    }
    this.sampleRate = ctx.sampleRate;
    this.channels = ctx.channels;
    this.specs = specs;
    validateParams(typeName ?? new.target.name, specs, params as Record<string, unknown>);
    this.params = { ...(defaultsOf(specs) as P), ...stripUndefined(params) };
    this.fadeLength = Math.max(1, Math.round(BYPASS_FADE_SECONDS * ctx.sampleRate));
  }

  /** Output channels; most processors keep the input's count (a mono pan produces stereo). */
  get outputChannels(): number {
    return this.channels;
  }

  /** Delay this processor adds, in samples; hosts compensate parallel paths by it. */
  get latency(): number {
    return 0;
  }

  /** The current parameters, a copy. */
  getParams(): P {
    return { ...this.params };
  }

  /** Changes some parameters. Validated first: on error nothing changes. Changes are smoothed by the processor. */
  setParams(partial: Partial<P>): void {
    validateParams(this.type, this.specs, partial as Record<string, unknown>);
    this.params = { ...this.params, ...stripUndefined(partial) };
    this.paramsChanged();
  }

  /** Whether the processor is bypassed. */
  get bypass(): boolean {
    return this.bypassed;
  }

  set bypass(on: boolean) {
    this.setBypass(on);
  }

  /**
   * Switches bypass. Normally crossfades over 10 ms; `immediate` switches at once (for a processor that
   * starts out bypassed, as loaded from a session).
   */
  setBypass(on: boolean, immediate = false): void {
    if (on === this.bypassed) return;
    this.bypassed = on;
    // A switch during a running fade continues from where that fade was.
    this.fadeLeft = immediate ? 0 : this.fadeLength - this.fadeLeft;
    // Leaving bypass starts from a clean state: the processor did not hear what passed while bypassed.
    if (!on) this.resetState();
  }

  /** Clears all internal state (filters, delay lines, envelopes) as if newly made. */
  reset(): void {
    this.resetState();
    for (const d of this.dryDelay) d.fill(0);
    this.dryPos = 0;
    this.fadeLeft = 0;
  }

  /**
   * True when a block of silence (+0 everywhere) would come out as silence (+0) and leave the processor exactly
   * as it is: hosts may then skip it (a track between phrases costs nothing). Conservative: false unless the
   * processor knows (`idle`), and never during a bypass crossfade or with a bypassed latency line to drain.
   */
  get quiescent(): boolean {
    if (this.fadeLeft > 0) return false;
    if (this.bypassed) return this.latency === 0;
    return this.idle();
  }

  /**
   * Passes over `frames` samples of silence without computing them, leaving the processor as processing them
   * would have (counters that set when denormals are flushed, delay positions). Only while `quiescent`.
   */
  skip(frames: number): void {
    if (!this.bypassed) this.skipIdle(frames);
  }

  /** For `skip`: advance whatever counts samples. Default: nothing counts. */
  protected skipIdle(_frames: number): void {}

  /**
   * For `quiescent`: the processor's state is at rest (filters, envelopes and delay lines hold exact zeros,
   * parameters not gliding). Default false.
   */
  protected idle(): boolean {
    return false;
  }

  /** Plain JSON of type and parameters, suitable for sessions and chains. */
  toJSON(): ProcessorJSON {
    const out: ProcessorJSON = { type: this.type, ...this.params };
    if (this.bypassed) out.bypass = true;
    return out;
  }

  /**
   * Processes `frames` frames from `input` into `output` (`output` has `outputChannels` arrays).
   * `output` may be the same arrays as `input` (in place).
   */
  process(
    input: readonly Float32Array[],
    output: Float32Array[],
    frames: number = input[0]?.length ?? 0,
  ): void {
    if (frames <= 0) return;
    const needDry = this.bypassed || this.fadeLeft > 0;
    if (!needDry && this.latency === 0) {
      this.render(input, output, frames);
      return;
    }
    const dry = this.delayedDry(input, frames);
    if (this.bypassed && this.fadeLeft === 0) {
      for (let c = 0; c < output.length; c++)
        output[c].set(dry[Math.min(c, dry.length - 1)].subarray(0, frames));
      return;
    }
    this.render(input, output, frames);
    if (this.fadeLeft > 0) {
      const towardsDry = this.bypassed;
      const n = Math.min(frames, this.fadeLeft);
      for (let c = 0; c < output.length; c++) {
        const o = output[c];
        const d = dry[Math.min(c, dry.length - 1)];
        let left = this.fadeLeft;
        for (let i = 0; i < n; i++, left--) {
          // t runs 0 → 1 across the fade; the dry share grows when bypassing, shrinks when re-enabling.
          const t = 1 - left / this.fadeLength;
          const w = towardsDry ? t : 1 - t;
          o[i] = o[i] * (1 - w) + d[i] * w;
        }
        if (towardsDry) for (let i = n; i < frames; i++) o[i] = d[i];
      }
      this.fadeLeft -= n;
    }
  }

  /** Input delayed by `latency`, for bypass; kept running so a switch is seamless. */
  private delayedDry(input: readonly Float32Array[], frames: number): Float32Array[] {
    const lat = this.latency;
    if (this.scratch.length !== this.channels || this.scratch[0].length < frames) {
      this.scratch = Array.from({ length: this.channels }, () => new Float32Array(Math.max(frames, 128)));
    }
    if (lat === 0) {
      for (let c = 0; c < this.channels; c++) this.scratch[c].set(input[c].subarray(0, frames));
      return this.scratch;
    }
    if (this.dryDelay.length !== this.channels || this.dryDelay[0].length !== lat) {
      this.dryDelay = Array.from({ length: this.channels }, () => new Float32Array(lat));
      this.dryPos = 0;
    }
    let pos = 0;
    for (let c = 0; c < this.channels; c++) {
      const line = this.dryDelay[c];
      const x = input[c];
      const y = this.scratch[c];
      pos = this.dryPos;
      for (let i = 0; i < frames; i++) {
        y[i] = line[pos];
        line[pos] = x[i];
        if (++pos === lat) pos = 0;
      }
    }
    this.dryPos = pos;
    return this.scratch;
  }

  /** Renders the processed signal. Must tolerate `output === input` (in place). */
  protected abstract render(input: readonly Float32Array[], output: Float32Array[], frames: number): void;

  /** Clears filters, envelopes and delay lines. */
  protected abstract resetState(): void;

  /** Called after `setParams`; recompute targets here (smoothing happens in `render`). */
  protected paramsChanged(): void {}
}

function stripUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
