/** The API about itself: health (database and job queue) and the OpenAPI document. */
import { sql } from "kysely";
import { openApiDocument } from "../openapi.ts";
import { Health, OpenApiDocument } from "../responses.ts";
import type { Routes } from "../route.ts";

export function healthRoute(r: Routes): void {
  r.add({
    method: "GET",
    url: "/api/health",
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
  });
}

/** The document of every route registered on `r` (this one included): register it last. */
export function openApiRoute(r: Routes): void {
  let doc: OpenApiDocument | undefined;
  r.add({
    method: "GET",
    url: "/api/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    tag: "system",
    auth: false,
    response: OpenApiDocument,
    handler: async () => {
      doc ??= openApiDocument(r.specs);
      return doc;
    },
  });
}
