/**
 * AudioWorklet processor: a strip's engine inserts (insert-runner.ts) on the audio thread. Takes the inserts
 * in `processorOptions` and new ones by message (`{inserts}`), answers a refused chain with `{error}`, and
 * posts the inserts' gain reduction (`{gr}`, dB per insert) every 100 ms.
 * Bundled separately (imported with `?worker&url`), so the engine code runs inside the worklet scope.
 */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import { InsertRunner } from "./insert-runner.ts";

interface WorkletScope {
  sampleRate: number;
  registerProcessor(name: string, ctor: unknown): void;
  AudioWorkletProcessor: new () => { port: MessagePort };
}
const scope = globalThis as unknown as WorkletScope;

class InsertsProcessor extends scope.AudioWorkletProcessor {
  private readonly runner: InsertRunner;
  private readonly every = Math.round(scope.sampleRate / 10);
  private since = 0;
  private silent = new Float32Array(128);

  constructor(options?: { processorOptions?: { channels?: number; inserts?: ProcessorJSON[] } }) {
    super();
    const ch = Math.min(2, Math.max(1, options?.processorOptions?.channels ?? 2));
    let runner: InsertRunner;
    try {
      runner = new InsertRunner(scope.sampleRate, ch, options?.processorOptions?.inserts ?? []);
    } catch (e) {
      this.port.postMessage({ error: e instanceof Error ? e.message : String(e) });
      runner = new InsertRunner(scope.sampleRate, ch, []);
    }
    this.runner = runner;
    this.port.onmessage = (ev: MessageEvent<{ inserts: ProcessorJSON[] }>) => {
      const error = this.runner.set(ev.data.inserts);
      if (error) this.port.postMessage({ error });
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const output = outputs[0];
    const n = output?.[0]?.length ?? 128;
    if (this.silent.length < n) this.silent = new Float32Array(n);
    const block: Float32Array[] = [];
    for (let c = 0; c < this.runner.channels; c++)
      block.push(input?.length ? input[Math.min(c, input.length - 1)] : this.silent.subarray(0, n));
    this.runner.process(block, output, n);
    this.since += n;
    if (this.since >= this.every) {
      this.port.postMessage({ gr: this.runner.gainReduction() });
      this.since = 0;
    }
    return true;
  }
}

scope.registerProcessor("controlroom-inserts", InsertsProcessor);
