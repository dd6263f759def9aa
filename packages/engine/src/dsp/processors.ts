/**
 * Registers every built-in processor type with the chain parser. The engine's index imports this module,
 * so `parseChain` from `@controlroom/engine` knows every type; code importing `dsp/chain.ts` directly must
 * import this module once itself.
 */
import { registerProcessor } from "./chain.ts";
import { COLOUR_PROCESSORS } from "./colour/index.ts";
import { DITHER_PROCESSORS } from "./dither/index.ts";
import { DYNAMICS_PROCESSORS } from "./dynamics/index.ts";
import { EQ_PROCESSORS } from "./eq/index.ts";
import { PITCH_PROCESSORS } from "./pitch/index.ts";
import { SPACE_PROCESSORS } from "./space/index.ts";
import { UTILITY_PROCESSORS } from "./utility/index.ts";

for (const f of [
  ...UTILITY_PROCESSORS,
  ...EQ_PROCESSORS,
  ...DYNAMICS_PROCESSORS,
  ...SPACE_PROCESSORS,
  ...COLOUR_PROCESSORS,
  ...PITCH_PROCESSORS,
  ...DITHER_PROCESSORS,
]) {
  registerProcessor(f);
}
