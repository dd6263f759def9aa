/** EQ: parametric bands (RBJ biquads, Butterworth / Linkwitz-Riley cascades), linear-phase mode, crossover. */
export * from "./band.ts";
export * from "./crossover.ts";
export * from "./design.ts";
export * from "./eq.ts";
export * from "./fir-convolver.ts";
export * from "./linear-phase.ts";
export * from "./section-chain.ts";

import type { ProcessorFactory } from "../chain.ts";
import { EQ_FACTORY } from "./eq.ts";

/** Factories for the EQ processors, for `registerProcessor`. */
export const EQ_PROCESSORS: readonly ProcessorFactory[] = [EQ_FACTORY];
