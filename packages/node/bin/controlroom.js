#!/usr/bin/env node
// The controlroom command. Sources are TypeScript, run through tsx so no build step is needed.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
