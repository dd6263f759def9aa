export * from "./analyzer.ts";
export * from "./k-weighting.ts";
export * from "./loudness.ts";
export * from "./signal-to-noise.ts";
export * from "./third-octave.ts";
export * from "./true-peak.ts";
