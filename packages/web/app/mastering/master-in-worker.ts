/** Masters decoded audio with the engine in a worker (../audio/master-worker.ts), reporting progress 0…1. */
import type { MasterOutcome } from "../audio/mastering.ts";

/** @param target a delivery target's name (the engine's presets). */
export function masterInWorker(
  channels: Float32Array[],
  rate: number,
  target: string,
  onProgress: (f: number) => void,
) {
  return new Promise<MasterOutcome>((resolve, reject) => {
    const w = new Worker(new URL("../audio/master-worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (ev) => {
      if (ev.data.progress !== undefined) onProgress(ev.data.progress);
      if (ev.data.result) {
        w.terminate();
        resolve(ev.data.result);
      }
      if (ev.data.error) {
        w.terminate();
        reject(new Error(ev.data.error));
      }
    };
    w.onerror = (e) => {
      w.terminate();
      reject(new Error(e.message));
    };
    w.postMessage({ channels, rate, target });
  });
}
