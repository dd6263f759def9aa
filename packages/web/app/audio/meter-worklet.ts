/**
 * AudioWorklet processor: meters what passes through it with the engine's BS.1770 meters (`LiveMeter`, the
 * same meter the pages use) on the audio thread, and posts a reading every 100 ms: sample peak, true peak
 * and momentary loudness of the last 400 ms, the highest true peak since the start, and the integrated
 * loudness so far. Outputs silence.
 * Bundled separately (imported with `?worker&url`), so the engine code runs inside the worklet scope.
 */
import { LiveMeter } from "./meter.ts";

interface WorkletScope {
  sampleRate: number;
  registerProcessor(name: string, ctor: unknown): void;
  AudioWorkletProcessor: new () => { port: MessagePort };
}
const scope = globalThis as unknown as WorkletScope;

class MeterProcessor extends scope.AudioWorkletProcessor {
  private readonly channels: number;
  private readonly meter: LiveMeter;
  private readonly every = Math.round(scope.sampleRate / 10);
  private since = 0;
  private readonly silent: Float32Array;

  constructor(options?: { processorOptions?: { channels?: number } }) {
    super();
    this.channels = Math.min(2, Math.max(1, options?.processorOptions?.channels ?? 2));
    this.meter = new LiveMeter(scope.sampleRate, this.channels);
    this.silent = new Float32Array(128);
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const n = input?.[0]?.length ?? 128;
    if (this.silent.length < n) return true;
    // A disconnected input arrives as no channels: meter it as silence.
    const block: Float32Array[] = [];
    for (let c = 0; c < this.channels; c++)
      block.push(input?.length ? input[Math.min(c, input.length - 1)] : this.silent.subarray(0, n));
    this.meter.push(block);
    this.since += n;
    if (this.since >= this.every) {
      this.port.postMessage(this.meter.reading());
      this.since = 0;
    }
    return true;
  }
}

scope.registerProcessor("controlroom-meter", MeterProcessor);
