/** Utility processors: gain, pan, width, mid/side, polarity, sample delay; fade curves. */
export * from "./fade.ts";
export * from "./gain.ts";
export * from "./midside.ts";
export * from "./pan.ts";
export * from "./polarity.ts";
export * from "./sample-delay.ts";
export * from "./width.ts";

import type { ProcessorFactory } from "../chain.ts";
import { GAIN_FACTORY } from "./gain.ts";
import { MIDSIDE_FACTORY } from "./midside.ts";
import { PAN_FACTORY } from "./pan.ts";
import { POLARITY_FACTORY } from "./polarity.ts";
import { SAMPLE_DELAY_FACTORY } from "./sample-delay.ts";
import { WIDTH_FACTORY } from "./width.ts";

/** Factories for the utility processors, for `registerProcessor`. */
export const UTILITY_PROCESSORS: readonly ProcessorFactory[] = [
  GAIN_FACTORY,
  PAN_FACTORY,
  WIDTH_FACTORY,
  MIDSIDE_FACTORY,
  POLARITY_FACTORY,
  SAMPLE_DELAY_FACTORY,
];
