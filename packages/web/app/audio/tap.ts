/**
 * A tap: an AudioWorklet node that copies the audio passing through it to the main thread in blocks of
 * 2048 frames, each stamped with its first frame on the context's clock (so a recording can start exactly
 * at a scheduled time). Meters and the recorder listen to taps.
 */

const WORKLET = `
class Tap extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.channels = options.processorOptions.channels;
    this.size = 2048;
    this.buf = Array.from({ length: this.channels }, () => new Float32Array(this.size));
    this.fill = 0;
    this.start = 0;
    this.stopped = false;
    this.port.onmessage = () => { this.stopped = true; };
  }
  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    const n = input && input.length ? input[0].length : 128;
    if (this.fill === 0) this.start = currentFrame;
    for (let c = 0; c < this.channels; c++) {
      const src = input && input.length ? input[Math.min(c, input.length - 1)] : null;
      if (src) this.buf[c].set(src, this.fill); else this.buf[c].fill(0, this.fill, this.fill + n);
    }
    this.fill += n;
    if (this.fill >= this.size) {
      this.port.postMessage({ frame: this.start, data: this.buf }, this.buf.map((b) => b.buffer));
      this.buf = Array.from({ length: this.channels }, () => new Float32Array(this.size));
      this.fill = 0;
    }
    return true;
  }
}
registerProcessor("controlroom-tap", Tap);
`;

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Loads the worklet module into `ctx` once. */
export function loadTap(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
    p = ctx.audioWorklet.addModule(url);
    loaded.set(ctx, p);
  }
  return p;
}

/** A block from a tap: planar samples and the context frame of the first one. */
export interface TapBlock {
  frame: number;
  data: Float32Array[];
}

/**
 * Creates a tap on `ctx` (call `loadTap` first). It is kept running by a silent connection to the output.
 * @param channels how many channels to copy (1 or 2). @param onBlock called with each block.
 */
export function createTap(
  ctx: AudioContext,
  channels: number,
  onBlock: (b: TapBlock) => void,
): AudioWorkletNode & { release(): void } {
  const node = new AudioWorkletNode(ctx, "controlroom-tap", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { channels },
  });
  node.port.onmessage = (ev: MessageEvent<TapBlock>) => onBlock(ev.data);
  const silent = ctx.createGain();
  silent.gain.value = 0;
  node.connect(silent).connect(ctx.destination);
  // Released: no block is delivered any more, and the processor stops (a disconnected worklet would
  // otherwise go on posting blocks of silence to whoever listened).
  return Object.assign(node, {
    release() {
      node.port.onmessage = null;
      node.port.postMessage("stop");
      node.disconnect();
      silent.disconnect();
    },
  });
}
