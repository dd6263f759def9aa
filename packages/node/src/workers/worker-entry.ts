/**
 * Where a worker thread's entry module is. From the sources (run through tsx) it is the small `.mjs`
 * bootstrap beside the worker, which registers the TypeScript loader; from the prebuilt CLI bundle
 * (`packages/node/dist`, see scripts/build-cli.mjs) it is the worker's own bundle next to the CLI's.
 */
export function workerEntry(sourceBootstrap: URL, bundledName: string): URL {
  const bundle = (globalThis as { __controlroomBundle?: string }).__controlroomBundle;
  return bundle ? new URL(`./${bundledName}.mjs`, bundle) : sourceBootstrap;
}
