/** Repair: find and fix clicks, crackle, hum, noise, clipping, DC and misaligned or inverted recordings. */
export * from "./align.ts";
export * from "./ar-model.ts";
export * from "./dc.ts";
export * from "./declick.ts";
export * from "./declip.ts";
export * from "./dehum.ts";
export * from "./denoise.ts";
export * from "./detect.ts";
export * from "./repair-channels.ts";
