/** Dither: word-length reduction with TPDF or noise-shaped dither, and its chain processor. */
export * from "./dither-processor.ts";
export * from "./ditherer.ts";
export * from "./random.ts";

import type { ProcessorFactory } from "../chain.ts";
import { DITHER_FACTORY } from "./dither-processor.ts";

/** Factories for the dither processors, for `registerProcessor`. */
export const DITHER_PROCESSORS: readonly ProcessorFactory[] = [DITHER_FACTORY];
