/** The API about itself: health (database and job queue) and the OpenAPI document. */
import { sql } from "kysely";
import { openApiDocument } from "../openapi.ts";
import { Health, OpenApiDocument } from "../responses.ts";
import { type AnyRouteSpec, route } from "../route.ts";

export const healthRoutes = [
  route("GET /api/health", {
    summary: "Database and job queue status",
    tag: "system",
    auth: false,
    response: Health,
    alsoStatus: [503],
    handler: async ({ studio, reply }) => {
      const t0 = performance.now();
      const database = await sql`select 1 as ok`
        .execute(studio.db)
        .then(() => ({
          ok: true,
          kind: studio.store.kind,
          latencyMs: Math.round((performance.now() - t0) * 100) / 100,
        }))
        .catch((e: Error) => ({ ok: false, kind: studio.store.kind, error: e.message }));
      const queue = studio.jobs
        ? { kind: studio.jobs.kind, ...(await studio.jobs.health()) }
        : { ok: false, kind: "none", detail: "no job queue" };
      const ok = database.ok && queue.ok;
      reply.code(ok ? 200 : 503);
      return { ok, database, queue };
    },
  }),
];

/** The route of the document describing `routes()` (every route, this one included). */
export function openApiRoute(routes: () => AnyRouteSpec[]) {
  let doc: OpenApiDocument | undefined;
  return route("GET /api/openapi.json", {
    summary: "This API's OpenAPI 3.1 document",
    tag: "system",
    auth: false,
    response: OpenApiDocument,
    handler: async () => {
      doc ??= openApiDocument(routes());
      return doc;
    },
  });
}
