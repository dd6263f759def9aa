/** Worker: masters a programme off the main thread (see mastering.ts). */
import { master, type Target } from "./mastering.ts";

self.onmessage = (ev: MessageEvent<{ channels: Float32Array[]; rate: number; target: Target }>) => {
  const { channels, rate, target } = ev.data;
  try {
    const r = master(channels, rate, target, (f) => self.postMessage({ progress: f }));
    self.postMessage({ result: r }, { transfer: r.output.map((c) => c.buffer as ArrayBuffer) });
  } catch (e) {
    self.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
};
