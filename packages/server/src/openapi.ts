/** Builds the OpenAPI 3.1 document from the routes' zod schemas (zod v4's JSON Schema output). */
import { z } from "zod";
import type { RouteSpec } from "./route.ts";

function schemaOf(s: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
}

const ERROR = {
  type: "object",
  properties: { error: { type: "string" }, message: { type: "string" } },
  required: ["error", "message"],
};

/** The OpenAPI document for `specs`. */
export function openApiDocument(specs: RouteSpec<z.ZodType, z.ZodType>[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of specs) {
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ["path", r.params],
      ["query", r.query],
    ] as const) {
      if (!s) continue;
      const js = schemaOf(s) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === "path" || (js.required ?? []).includes(name),
          schema,
        });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.url.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string) => (c ? c.toUpperCase() : ""))}`,
      parameters,
      responses: {
        [String(r.status ?? 200)]: {
          description: "success",
          content: { "application/json": { schema: {} } },
        },
        "400": {
          description: "bad input; the message names the field",
          content: { "application/json": { schema: ERROR } },
        },
        ...(r.auth === false
          ? {}
          : {
              "401": { description: "not signed in" },
              "403": { description: "not allowed for your roles" },
            }),
        "404": { description: "not found" },
        "409": { description: "conflict; `current` holds the state now" },
      },
      ...(r.auth === false ? { security: [] } : {}),
    };
    if (r.body)
      op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body) } } };
    if (r.multipart)
      op.requestBody = {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: { file: { type: "string", format: "binary" } },
              required: ["file"],
            },
          },
        },
      };
    paths[r.url] ??= {};
    paths[r.url][r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Control Room studio API",
      version: "0.1.0",
      description:
        "The producer's studio: projects, songs, team, schedule, budget, takes, versions, comments, approvals, credits, jobs.",
    },
    components: {
      securitySchemes: {
        cookie: { type: "apiKey", in: "cookie", name: "cr_session" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    security: [{ cookie: [] }, { bearer: [] }],
    paths,
  };
}
