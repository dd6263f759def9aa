/**
 * The processors a mastering chain uses, registered with the chain parser if the engine's processor index
 * has not registered them yet (they arrive from the dynamics and utility folders). Mastering builds its
 * chain as JSON through `parseChain`, so it runs whatever implementation the registry holds.
 */
import { processorFactory, registerProcessor } from "../dsp/chain.ts";
import { COMPRESSOR_FACTORY } from "../dsp/dynamics/compressor.ts";
import { LIMITER_FACTORY } from "../dsp/dynamics/limiter.ts";
import "../dsp/processors.ts";
import { UTILITY_PROCESSORS } from "../dsp/utility/index.ts";

for (const f of [COMPRESSOR_FACTORY, LIMITER_FACTORY, ...UTILITY_PROCESSORS]) {
  if (!processorFactory(f.type)) registerProcessor(f);
}
