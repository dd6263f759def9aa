/**
 * The processors a mastering chain uses (eq, deesser, compressor, width, limiter) come from the registry:
 * mastering builds its chain as JSON through `parseChain`, so it runs whatever implementation is registered.
 */
import "../dsp/processors.ts";
