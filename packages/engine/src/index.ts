/**
 * @controlroom/engine — the audio engine in pure TypeScript over Float32Array blocks.
 * No Node built-ins: runs in Node, worker threads and the browser.
 */

export * from "./analysis/index.ts";
export * from "./brief/index.ts";
export * from "./core/biquad.ts";
export * from "./core/db.ts";
export * from "./core/fft.ts";
export * from "./core/fir.ts";
export * from "./core/params.ts";
export * from "./core/processor.ts";
export * from "./core/smoother.ts";
export * from "./dsp/chain.ts";
export * from "./dsp/processors.ts";
export * from "./repair/index.ts";
