/**
 * Every route of the studio's API, one module per resource. A module exports its routes, each declared with
 * `route` (route.ts): URL, summary, the zod schemas of parameters, query and body, the success response (a
 * shape from responses.ts, or a file) and the service function it calls. A new resource is a new module in
 * this list. `Api` is the type the web client takes its answers from.
 */
import type { z } from "zod";
import type { AnyRouteSpec, FileResponse, Routes } from "../route.ts";
import { accountRoutes } from "./accounts.ts";
import { blobRoutes } from "./blobs.ts";
import { budgetRoutes } from "./budget.ts";
import { commentRoutes } from "./comments.ts";
import { creditRoutes } from "./credits.ts";
import { jobRoutes } from "./jobs.ts";
import { masteringRoutes } from "./mastering.ts";
import { projectRoutes } from "./projects.ts";
import { recordingRoutes } from "./recordings.ts";
import { renderRoutes } from "./renders.ts";
import { repairRoutes } from "./repair.ts";
import { scheduleRoutes } from "./schedule.ts";
import { songRoutes } from "./songs.ts";
import { soundNoteRoutes } from "./sound-notes.ts";
import { healthRoutes, openApiRoute } from "./system.ts";
import { takeRoutes } from "./takes.ts";
import { taskRoutes } from "./tasks.ts";
import { teamRoutes } from "./team.ts";
import { versionRoutes } from "./versions.ts";
import { workspaceRoutes } from "./workspaces.ts";

/** The resources' routes, in the order they are registered (and listed in the OpenAPI document). */
const RESOURCE_ROUTES = [
  ...healthRoutes,
  ...accountRoutes,
  ...workspaceRoutes,
  ...projectRoutes,
  ...teamRoutes,
  ...songRoutes,
  ...recordingRoutes,
  ...takeRoutes,
  ...taskRoutes,
  ...versionRoutes,
  ...commentRoutes,
  ...soundNoteRoutes,
  ...scheduleRoutes,
  ...budgetRoutes,
  ...creditRoutes,
  ...blobRoutes,
  ...jobRoutes,
  ...renderRoutes,
  ...masteringRoutes,
  ...repairRoutes,
];

/** Last: the document describes every route, itself included. */
const OPENAPI_ROUTE = openApiRoute(() => ROUTES);

/** Every route. */
export const ROUTES = [...RESOURCE_ROUTES, OPENAPI_ROUTE] as unknown as AnyRouteSpec[];

type Declared = (typeof RESOURCE_ROUTES)[number] | typeof OPENAPI_ROUTE;

/** What a route answers on success: its JSON as it arrives, or (a file) a Blob. */
type Answer<R> = R extends z.ZodType ? z.output<R> : R extends FileResponse ? Blob : never;

/** Every route by `"<METHOD> <url template>"`, with its success answer. */
export type Api = { [S in Declared as `${S["method"]} ${S["url"]}`]: { response: Answer<S["response"]> } };

/** Registers every route. */
export function registerRoutes(r: Routes): void {
  for (const spec of ROUTES) r.add(spec);
}
