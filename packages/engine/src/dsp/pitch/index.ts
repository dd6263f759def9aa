/** Pitch: detection (YIN), streaming tracking, and automatic pitch correction. */
export * from "./notes.ts";
export * from "./pitch-correction.ts";
export * from "./tracker.ts";
export * from "./yin.ts";

import type { ProcessorFactory } from "../chain.ts";
import { PITCH_CORRECTION_FACTORY } from "./pitch-correction.ts";

/** Factories for the pitch processors, for `registerProcessor`. */
export const PITCH_PROCESSORS: readonly ProcessorFactory[] = [PITCH_CORRECTION_FACTORY];
