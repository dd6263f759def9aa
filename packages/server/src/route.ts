/**
 * Route definitions: every route names its zod schemas (path parameters, query, body), which validate the
 * request and are collected into the OpenAPI document. Bodies are validated by the service function that
 * owns them (with the very schema named here), so the API, the CLI and the documentation agree.
 */
import "@fastify/cookie";
import { authenticate, type User } from "@controlroom/studio/accounts/accounts.ts";
import type { Actor, Studio } from "@controlroom/studio/context.ts";
import { parseInput } from "@controlroom/studio/errors.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";

/** The session cookie's name. */
export const SESSION_COOKIE = "cr_session";

/** What a handler gets. */
export interface RouteContext<P, Q> {
  req: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: unknown;
  /** The signed-in actor (routes with `auth: false` get none). */
  actor: Actor & { user: User };
  studio: Studio;
}

/** One documented route. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType> {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  summary: string;
  tag: string;
  auth?: boolean;
  params?: P;
  query?: Q;
  /** The body schema (documentation; the service validates with the same schema). */
  body?: z.ZodType;
  /** Multipart upload instead of JSON. */
  multipart?: boolean;
  /** Success status (default 200). */
  status?: number;
  /** Fastify route config (e.g. rate limits). */
  config?: Record<string, unknown>;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>>): Promise<unknown>;
}

/** Reads the session token from the cookie or an `Authorization: Bearer` header. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith("Bearer ")) return h.slice(7).trim();
  return req.cookies?.[SESSION_COOKIE];
}

/** Collects routes for Fastify and for the OpenAPI document. */
export class Routes {
  readonly specs: RouteSpec<z.ZodType, z.ZodType>[] = [];
  constructor(
    private readonly app: FastifyInstance,
    private readonly studio: Studio,
  ) {}

  add<
    P extends z.ZodType = z.ZodObject<Record<string, never>>,
    Q extends z.ZodType = z.ZodObject<Record<string, never>>,
  >(spec: RouteSpec<P, Q>): void {
    this.specs.push(spec as unknown as RouteSpec<z.ZodType, z.ZodType>);
    const studio = this.studio;
    this.app.route({
      method: spec.method,
      url: spec.url.replace(/\{(\w+)\}/g, ":$1"),
      config: spec.config ?? {},
      handler: async (req, reply) => {
        const params = parseInput(spec.params ?? z.object({}), req.params ?? {}, "params");
        const query = parseInput(spec.query ?? z.object({}), req.query ?? {}, "query");
        const actor = spec.auth === false ? (undefined as never) : await authenticate(studio, tokenOf(req));
        const out = await spec.handler({
          req,
          reply,
          params: params as z.output<P>,
          query: query as z.output<Q>,
          body: req.body ?? {},
          actor,
          studio,
        });
        if (reply.sent) return reply;
        if (spec.status && reply.statusCode === 200) reply.code(spec.status);
        return out ?? { ok: true };
      },
    });
  }
}

/** Path parameter schemas. */
export const id = (name: string) => z.object({ [name]: z.string().min(1).max(200) });
