/** @controlroom/server — the studio's HTTP API. */
export { buildServer, type ServerOptions } from "./app.ts";
export { registerStudioCommands } from "./cli/index.ts";
export { openApiDocument } from "./openapi.ts";
