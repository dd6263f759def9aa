// Worker threads do not inherit the TypeScript loader the CLI registers, so the worker registers it.
import { register } from "tsx/esm/api";

register();
await import("./chain-worker.ts");
