// Entry of a track-rendering worker thread: sources are TypeScript, so register tsx first.
import { register } from "tsx/esm/api";

register();
await import("./track-worker.ts");
