/**
 * Dynamics processors: compressor, true-peak limiter, gate/expander, de-esser, transient shaper and
 * multiband compressor, with their building blocks (gain curves, crossover, true-peak detector).
 */

// The multiband compressor and the de-esser split with the EQ's Linkwitz-Riley crossover.
export { Crossover } from "../eq/crossover.ts";
export * from "./compressor.ts";
export * from "./deesser.ts";
export * from "./gain-computer.ts";
export * from "./gate.ts";
export * from "./limiter.ts";
export * from "./lookahead-gain.ts";
export * from "./multiband.ts";
export * from "./transient.ts";
export * from "./true-peak.ts";

import type { ProcessorFactory } from "../chain.ts";
import { COMPRESSOR_FACTORY } from "./compressor.ts";
import { DEESSER_FACTORY } from "./deesser.ts";
import { GATE_FACTORY } from "./gate.ts";
import { LIMITER_FACTORY } from "./limiter.ts";
import { MULTIBAND_FACTORY } from "./multiband.ts";
import { TRANSIENT_FACTORY } from "./transient.ts";

/** Factories for the dynamics processors, for `registerProcessor`. */
export const DYNAMICS_PROCESSORS: readonly ProcessorFactory[] = [
  COMPRESSOR_FACTORY,
  LIMITER_FACTORY,
  GATE_FACTORY,
  DEESSER_FACTORY,
  TRANSIENT_FACTORY,
  MULTIBAND_FACTORY,
];
