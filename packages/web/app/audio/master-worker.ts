/** Worker: masters a programme off the main thread with the engine (see mastering.ts). */
import { master } from "./mastering.ts";

self.onmessage = async (ev: MessageEvent<{ channels: Float32Array[]; rate: number; target: string }>) => {
  const { channels, rate, target } = ev.data;
  try {
    const r = await master(channels, rate, target, (f) => self.postMessage({ progress: f }));
    self.postMessage({ result: r }, { transfer: r.output.map((c) => c.buffer as ArrayBuffer) });
  } catch (e) {
    self.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
};
