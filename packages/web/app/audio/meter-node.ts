/** Creates engine meters on the audio thread (see meter-worklet.ts) and hands their readings to the page. */
import type { MeterReading } from "./meter.ts";

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Loads the meter processor into `ctx` once. The worklet's bundle URL is imported here, when first needed,
 * so modules that only name the meters load without the bundler (in the component tests, under Node).
 */
export function loadMeter(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    p = import("./meter-worklet.ts?worker&url").then((m) => ctx.audioWorklet.addModule(m.default));
    loaded.set(ctx, p);
  }
  return p;
}

/**
 * A meter node: connect audio into it; `onReading` gets a reading every 100 ms. It is kept running by a
 * silent connection to the output. @param channels 1 or 2.
 */
export function createMeter(
  ctx: AudioContext,
  channels: number,
  onReading: (r: MeterReading) => void,
): AudioWorkletNode {
  const node = new AudioWorkletNode(ctx, "controlroom-meter", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { channels },
  });
  node.port.onmessage = (ev: MessageEvent<MeterReading>) => onReading(ev.data);
  const silent = ctx.createGain();
  silent.gain.value = 0;
  node.connect(silent).connect(ctx.destination);
  return node;
}
