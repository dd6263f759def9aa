import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running `module` (a TypeScript file beside the caller). From the prebuilt CLI bundle
 * (`packages/node/dist`, see scripts/build-cli.mjs) the worker runs that module's own bundle, `bundledName`.mjs
 * next to the CLI's; from the sources it runs one shared bootstrap that registers the TypeScript loader
 * (workers do not inherit it) and then imports the module, passed as the worker's last argv entry.
 */
export function startWorker(module: URL, bundledName: string, options: WorkerOptions = {}): Worker {
  const bundle = (globalThis as { __controlroomBundle?: string }).__controlroomBundle;
  if (bundle) return new Worker(new URL(`./${bundledName}.mjs`, bundle), options);
  return new Worker(new URL("./typescript-worker.mjs", import.meta.url), {
    ...options,
    argv: [...(options.argv ?? []), module.href],
  });
}

/**
 * `Atomics.waitAsync` (in Node since 16; typed from ES2024 on, past this project's ES2022 library): waits on
 * a shared Int32 word without blocking the thread.
 */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
      timeoutMs?: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;
