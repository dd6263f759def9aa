/** Colour processors: saturation, and the oversampler other non-linear processors can reuse. */
export * from "./oversampler.ts";
export * from "./saturation.ts";

import type { ProcessorFactory } from "../chain.ts";
import { SATURATION_FACTORY } from "./saturation.ts";

/** Factories for the colour processors, for `registerProcessor`. */
export const COLOUR_PROCESSORS: readonly ProcessorFactory[] = [SATURATION_FACTORY];
