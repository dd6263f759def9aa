/** Sample-rate conversion: streaming polyphase windowed-sinc resampler. */
export * from "./kernel.ts";
export * from "./resampler.ts";
