// Entry point of a job worker thread: TypeScript sources need tsx, which a fresh thread must register itself.
// zod (every job kind declares its input with it) is plain JavaScript: imported before tsx's hooks are in
// place, its many files load at Node's own speed instead of each passing through the hooks.
import "zod";
import { register } from "tsx/esm/api";

register();
await import("./worker-thread.ts");
