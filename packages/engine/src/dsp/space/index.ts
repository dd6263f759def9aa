/** Space processors: delay, algorithmic reverb (plate, room, hall) and convolution reverb. */
export * from "./absorption.ts";
export * from "./convolution.ts";
export * from "./delay.ts";
export * from "./delay-line.ts";
export * from "./fdn-tank.ts";
export * from "./partitioned-convolver.ts";
export * from "./plate-tank.ts";
export * from "./reverb.ts";
export * from "./tank.ts";

import type { ProcessorFactory } from "../chain.ts";
import { CONVOLUTION_FACTORY } from "./convolution.ts";
import { DELAY_FACTORY } from "./delay.ts";
import { REVERB_FACTORY } from "./reverb.ts";

/** Factories for the space processors, for `registerProcessor`. */
export const SPACE_PROCESSORS: readonly ProcessorFactory[] = [
  DELAY_FACTORY,
  REVERB_FACTORY,
  CONVOLUTION_FACTORY,
];
