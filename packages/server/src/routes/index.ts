/**
 * Every route of the studio's API, one module per resource. Each module registers its routes on `Routes`
 * (route.ts): URL, summary, the zod schemas of parameters, query and body, the success response (a shape from
 * responses.ts, or a file) and the service function it calls. A new resource is a new module in this list.
 */
import type { RouteOptions, Routes } from "../route.ts";
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
import { scheduleRoutes } from "./schedule.ts";
import { songRoutes } from "./songs.ts";
import { healthRoute, openApiRoute } from "./system.ts";
import { takeRoutes } from "./takes.ts";
import { taskRoutes } from "./tasks.ts";
import { teamRoutes } from "./team.ts";
import { versionRoutes } from "./versions.ts";
import { workspaceRoutes } from "./workspaces.ts";

/** The route modules, in the order they are registered (and listed in the OpenAPI document). */
export const ROUTE_MODULES: ((r: Routes, o: RouteOptions) => void)[] = [
  healthRoute,
  accountRoutes,
  workspaceRoutes,
  projectRoutes,
  teamRoutes,
  songRoutes,
  recordingRoutes,
  takeRoutes,
  taskRoutes,
  versionRoutes,
  commentRoutes,
  scheduleRoutes,
  budgetRoutes,
  creditRoutes,
  blobRoutes,
  jobRoutes,
  renderRoutes,
  masteringRoutes,
  // Last: the document describes every route registered before it, and itself.
  openApiRoute,
];

/** Registers every route. */
export function registerRoutes(r: Routes, o: RouteOptions): void {
  for (const add of ROUTE_MODULES) add(r, o);
}
