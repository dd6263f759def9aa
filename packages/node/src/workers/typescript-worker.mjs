// Bootstrap of every worker thread started from the TypeScript sources (see worker-entry.ts): register the
// loader, then import the worker module named by the last argv entry.
import { register } from "tsx/esm/api";

register();
await import(process.argv.at(-1));
