/**
 * Measures the largest single buffer allocated while a reader works on a file: the typed-array and ArrayBuffer
 * constructors are wrapped so each `new X(length)` records its size in bytes. A reader that sizes a buffer from
 * a header field it did not check against the file's size shows up here, even when it frees the buffer again
 * before anyone looks at the process's memory. Installed only in fuzz worker threads.
 */

const CONSTRUCTORS = [
  "ArrayBuffer",
  "SharedArrayBuffer",
  "Uint8Array",
  "Int8Array",
  "Uint16Array",
  "Int16Array",
  "Uint32Array",
  "Int32Array",
  "Float32Array",
  "Float64Array",
] as const;

let peak = 0;
const originals = new Map<string, unknown>();
const proxies = new Map<string, unknown>();

/**
 * Starts (or stops) recording: while on, the constructors are wrapped (which slows code that makes many small
 * arrays, such as the decoders' glue, about twofold); while off, the originals are back in place.
 */
export function watchAllocations(on = true): void {
  const g = globalThis as unknown as Record<string, new (...a: unknown[]) => unknown>;
  if (proxies.size === 0) {
    for (const name of CONSTRUCTORS) {
      const original = g[name];
      const bytesPer = (original as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      originals.set(name, original);
      const proxy: unknown = new Proxy(original, {
        construct(target, args, newTarget) {
          if (typeof args[0] === "number") peak = Math.max(peak, args[0] * bytesPer);
          return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
        },
      });
      proxies.set(name, proxy);
    }
  }
  for (const name of CONSTRUCTORS)
    g[name] = (on ? proxies.get(name) : originals.get(name)) as new (...a: unknown[]) => unknown;
}

/** The largest allocation since the last call, in bytes; starts counting afresh. */
export function takePeakAllocation(): number {
  const p = peak;
  peak = 0;
  return p;
}
