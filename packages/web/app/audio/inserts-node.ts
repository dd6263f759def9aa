/** Creates a strip's engine inserts on the audio thread (see inserts-worklet.ts) and hands back their gain reduction. */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Loads the inserts processor into `ctx` once. The worklet's bundle URL is imported here, when first needed,
 * so modules that only name the inserts load without the bundler (in the component tests, under Node).
 */
export function loadInserts(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    p = import("./inserts-worklet.ts?worker&url").then((m) => ctx.audioWorklet.addModule(m.default));
    loaded.set(ctx, p);
  }
  return p;
}

/** What the inserts node reports: gain reduction per insert (dB), or a chain it refused. */
export interface InsertsReport {
  gr?: (number | undefined)[];
  error?: string;
}

/**
 * An inserts node: `channels` in, `channels` out, running `inserts`; post `{inserts}` to its port to change
 * them. @param onReport gets the gain reduction every 100 ms, and refusals.
 */
export function createInsertsNode(
  ctx: BaseAudioContext,
  inserts: ProcessorJSON[],
  channels: number,
  onReport: (r: InsertsReport) => void,
): AudioWorkletNode {
  const ch = channels >= 2 ? 2 : 1;
  const node = new AudioWorkletNode(ctx, "controlroom-inserts", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    channelCount: ch,
    channelCountMode: "explicit",
    outputChannelCount: [ch],
    processorOptions: { channels: ch, inserts },
  });
  node.port.onmessage = (ev: MessageEvent<InsertsReport>) => onReport(ev.data);
  return node;
}
