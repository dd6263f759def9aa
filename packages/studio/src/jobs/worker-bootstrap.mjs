// Entry point of a job worker thread: TypeScript sources need tsx, which a fresh thread must register itself.
import { register } from "tsx/esm/api";

register();
await import("./worker-thread.ts");
