/**
 * Builds the OpenAPI 3.1 document from the routes' zod schemas (zod v4's JSON Schema output): parameters and
 * bodies inline, success responses by reference to the named shapes of responses.ts (`components.schemas`).
 */
import { z } from "zod";
import { type OpenApiDocument, RESPONSE_SHAPES } from "./responses.ts";
import { type AnyRouteSpec, isFileResponse } from "./route.ts";

type Json = Record<string, unknown>;

const JSON_SCHEMA = { unrepresentable: "any", target: "draft-2020-12" } as const;

function schemaOf(s: z.ZodType): Json {
  return z.toJSONSchema(s, { io: "input", ...JSON_SCHEMA }) as Json;
}

const ERROR = {
  type: "object",
  properties: { error: { type: "string" }, message: { type: "string" } },
  required: ["error", "message"],
};

const COMPONENT = "#/components/schemas/";

/**
 * The response schemas: the named shapes, and every route's own response schema (keyed by the route, to be
 * placed inline), each referring to the named shapes it uses.
 */
function responseSchemas(specs: AnyRouteSpec[]): { shapes: Json; byRoute: Map<AnyRouteSpec, Json> } {
  const registry = z.registry<{ id: string }>();
  for (const [schema, name] of RESPONSE_SHAPES) registry.add(schema, { id: name });
  const inline = new Map<AnyRouteSpec, string>();
  for (const [i, r] of specs.entries()) {
    if (isFileResponse(r.response) || RESPONSE_SHAPES.has(r.response)) continue;
    if (!registry.has(r.response)) registry.add(r.response, { id: `route-${i}` });
    inline.set(r, registry.get(r.response)?.id as string);
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: "output",
    ...JSON_SCHEMA,
    uri: (name) => `${COMPONENT}${name}`,
  }) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const byRoute = new Map<AnyRouteSpec, Json>();
  for (const r of specs) {
    if (isFileResponse(r.response)) continue;
    const name = RESPONSE_SHAPES.get(r.response);
    byRoute.set(r, name ? { $ref: `${COMPONENT}${name}` } : schemas[inline.get(r) as string]);
  }
  for (const name of new Set(inline.values())) delete schemas[name];
  // A route's own schema must not be part of a named shape (its reference would dangle once it is inlined).
  const dangling = /"#\/components\/schemas\/(route-\d+)"/.exec(
    JSON.stringify([schemas, [...byRoute.values()]]),
  );
  if (dangling) throw new Error(`openapi: a named response shape uses a route's own schema (${dangling[1]})`);
  return { shapes: schemas, byRoute };
}

/** The success responses of one route. */
function successResponses(r: AnyRouteSpec, schema: Json | undefined): Json {
  const statuses = [r.status ?? 200, ...(r.alsoStatus ?? [])];
  const out: Json = {};
  for (const status of statuses) {
    if (!isFileResponse(r.response)) {
      out[String(status)] = {
        description: status < 300 ? "success" : "the same shape, reporting a failure",
        content: { "application/json": { schema } },
      };
      continue;
    }
    const headers = Object.fromEntries(
      Object.entries(r.response.headers ?? {}).map(([name, description]) => [
        name,
        { description, schema: { type: "string" } },
      ]),
    );
    const binary = { type: "string", format: "binary" };
    out[String(status)] = {
      description: r.method === "HEAD" ? "the file's headers, no body" : "the file",
      ...(Object.keys(headers).length ? { headers } : {}),
      content: Object.fromEntries(r.response.file.map((type) => [type, { schema: binary }])),
    };
  }
  return out;
}

/** The OpenAPI document for `specs`. */
export function openApiDocument(specs: AnyRouteSpec[]): OpenApiDocument {
  const { shapes, byRoute } = responseSchemas(specs);
  const paths: Record<string, Json> = {};
  for (const r of specs) {
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ["path", r.params],
      ["query", r.query],
    ] as const) {
      if (!s) continue;
      const js = schemaOf(s) as { properties?: Json; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === "path" || (js.required ?? []).includes(name),
          schema,
        });
    }
    const op: Json = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.url.replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string) => (c ? c.toUpperCase() : ""))}`,
      parameters,
      responses: {
        ...successResponses(r, byRoute.get(r)),
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
        ...(r.config
          ? { "429": { description: "too many attempts; `Retry-After` says when to try again" } }
          : {}),
        ...(["POST", "PUT", "PATCH", "DELETE"].includes(r.method)
          ? {
              "403": { description: "not allowed for your roles, or sent from another site's page (Origin)" },
            }
          : {}),
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
      schemas: shapes,
      securitySchemes: {
        cookie: { type: "apiKey", in: "cookie", name: "cr_session" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    security: [{ cookie: [] }, { bearer: [] }],
    paths,
  };
}
