/**
 * Worker threads started before the command that uses them knows what they will do. A thread takes ~0.1 s to
 * load its bundle and build what it needs; `controlroom render` asks for its track workers and stem writer only
 * once it has loaded its own code, parsed the session and checked the audio — so it starts them at the very
 * beginning (runControlroom) and hands them their work later. A worker started this way waits for its data as
 * its first message. Unused ones are stopped by `stopPrestartedWorkers`; none keeps the program alive meanwhile.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "./worker-entry.ts";

/** Which workers can be started ahead: the module beside the caller and its bundle's name (see startWorker). */
export type PrestartKind = "track-worker" | "writer-worker";

const MODULES: Record<PrestartKind, URL> = {
  "track-worker": new URL("../render/track-worker.ts", import.meta.url),
  "writer-worker": new URL("../files/writer-worker.ts", import.meta.url),
};

/** Started and still alive, per kind, oldest first. */
const waiting: Record<PrestartKind, Worker[]> = { "track-worker": [], "writer-worker": [] };

/**
 * Starts `count` workers of `kind` now, with no data (workerData null): each waits for its first message. They
 * do not keep the program alive until taken.
 */
export function prestartWorkers(kind: PrestartKind, count: number): void {
  for (let i = 0; i < count; i++) {
    const w = startWorker(MODULES[kind], kind, { workerData: null });
    w.unref();
    // One that fails to load or stops is simply not handed out (its start will be done again, normally).
    const drop = () => {
      const list = waiting[kind];
      const at = list.indexOf(w);
      if (at >= 0) list.splice(at, 1);
    };
    w.once("error", drop);
    w.once("exit", drop);
    waiting[kind].push(w);
  }
}

/**
 * A started worker of `kind` to use (it keeps the program alive again, like any other), or null when there is
 * none. The caller's first message to it must be its data.
 */
export function takePrestartedWorker(kind: PrestartKind): Worker | null {
  const w = waiting[kind].shift();
  if (!w) return null;
  w.removeAllListeners("error");
  w.removeAllListeners("exit");
  w.ref();
  return w;
}

/** Stops every worker started ahead and not taken (at the end of a command, whatever its outcome). */
export async function stopPrestartedWorkers(): Promise<void> {
  const all = [...waiting["track-worker"].splice(0), ...waiting["writer-worker"].splice(0)];
  await Promise.all(all.map((w) => w.terminate()));
}
