/**
 * The built-in processor types, in the order help text lists them: the table the chain parser's registry
 * starts from (`dsp/chain.ts`). Adding a processor type means adding its factory to its family's list
 * (e.g. `DYNAMICS_PROCESSORS`); nothing registers itself on import.
 */
import type { ProcessorFactory } from "./chain.ts";
import { COLOUR_PROCESSORS } from "./colour/index.ts";
import { DITHER_PROCESSORS } from "./dither/index.ts";
import { DYNAMICS_PROCESSORS } from "./dynamics/index.ts";
import { EQ_PROCESSORS } from "./eq/index.ts";
import { PITCH_PROCESSORS } from "./pitch/index.ts";
import { SPACE_PROCESSORS } from "./space/index.ts";
import { UTILITY_PROCESSORS } from "./utility/index.ts";

/** Every built-in processor factory, by family. */
export const BUILT_IN_PROCESSORS: readonly ProcessorFactory[] = [
  ...UTILITY_PROCESSORS,
  ...EQ_PROCESSORS,
  ...DYNAMICS_PROCESSORS,
  ...SPACE_PROCESSORS,
  ...COLOUR_PROCESSORS,
  ...PITCH_PROCESSORS,
  ...DITHER_PROCESSORS,
];
