/** The offline mix renderer: sources, the signal graph, latency compensation, mix and stems. */
export * from "./delay.ts";
export * from "./pan.ts";
export * from "./renderer.ts";
export * from "./resampled-source.ts";
export * from "./source.ts";
export * from "./strip.ts";
export * from "./track-player.ts";
