/**
 * Registers every built-in processor type with the chain parser. Import this module once (the CLI, the
 * session renderer and the web app do) before calling `parseChain`.
 */
import { registerProcessor } from "./chain.ts";
import { COLOUR_PROCESSORS } from "./colour/index.ts";
import { SPACE_PROCESSORS } from "./space/index.ts";

for (const f of [...SPACE_PROCESSORS, ...COLOUR_PROCESSORS]) registerProcessor(f);
