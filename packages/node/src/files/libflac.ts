import { createRequire } from "node:module";
import type { Flac } from "libflacjs";

let loading: Promise<Flac> | null = null;

/** The libFLAC WebAssembly build (libflacjs), loaded once. */
export function loadLibFlac(): Promise<Flac> {
  loading ??= new Promise<Flac>((resolve, reject) => {
    const require = createRequire(import.meta.url);
    // This Emscripten build fetches its .wasm with fetch() whenever fetch exists, which fails for a file path in
    // Node; without fetch it reads the file from disk. Hide fetch only while the module starts.
    const g = globalThis as { fetch?: unknown };
    const savedFetch = g.fetch;
    g.fetch = undefined;
    let lib: Flac;
    try {
      lib = (require("libflacjs") as (variant: string) => Flac)("wasm");
    } catch (e) {
      g.fetch = savedFetch;
      reject(e);
      return;
    }
    const done = () => {
      g.fetch = savedFetch;
      resolve(lib);
    };
    if (lib.isReady()) done();
    else lib.on("ready", done);
  });
  return loading;
}
