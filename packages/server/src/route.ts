/**
 * Route definitions: every route names its zod schemas (path parameters, query, body) and its success
 * response, which validate the request, type the handler's answer and are collected into the OpenAPI
 * document. Bodies are validated by the service function that owns them (with the very schema named here),
 * so the API, the CLI and the documentation agree. In tests every JSON answer is checked against its
 * declared response schema, so the schemas cannot drift from what is sent.
 */
import "@fastify/cookie";
import { isDeepStrictEqual } from "node:util";
import { authenticate, type User } from "@controlroom/studio/accounts/accounts.ts";
import type { LoginLimit } from "@controlroom/studio/accounts/login-limit.ts";
import type { Actor, Studio } from "@controlroom/studio/context.ts";
import { parseInput } from "@controlroom/studio/errors.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";

/** The session cookie's name. */
export const SESSION_COOKIE = "cr_session";
/** The device cookie's name: marks a browser an account has signed in from (see login-limit.ts). */
export const DEVICE_COOKIE = "cr_device";

/** Settings some route modules need. */
export interface RouteOptions {
  uploadLimitBytes?: number;
  loginPerMinute: number;
  loginLimit: LoginLimit;
  secureCookies: boolean;
}

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
  options: RouteOptions;
}

/** A success response that is a file's bytes rather than JSON (the handler sends it through `reply`). */
export interface FileResponse {
  /** The media types it may have. */
  file: string[];
  /** Response headers worth documenting (name → description). */
  headers?: Record<string, string>;
}

/** What a route answers on success: a zod schema of its JSON, or a file. */
export type ResponseSpec = z.ZodType | FileResponse;

/** A value a handler may return for a JSON schema's shape: what JSON.stringify turns into it (Dates → ISO). */
export type Serialisable<T> = T extends string
  ? T | Date
  : T extends (infer U)[]
    ? Serialisable<U>[]
    : T extends object
      ? { [K in keyof T]: Serialisable<T[K]> }
      : T;

/** What a handler returns: a value of the response schema, or (for files) the reply it sent. */
export type HandlerResult<R> = R extends z.ZodType ? Serialisable<z.output<R>> : FastifyReply;

/** One documented route. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, R extends ResponseSpec> {
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
  /** What the route answers with that status (see responses.ts for the shared shapes). */
  response: R;
  /** Other statuses that carry the same response (e.g. 503 from the health check). */
  alsoStatus?: number[];
  /** Fastify route config (e.g. rate limits). */
  config?: (o: RouteOptions) => Record<string, unknown>;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>>): Promise<HandlerResult<R>>;
}

/** A route as the OpenAPI document sees it. */
export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, ResponseSpec>;

type Method = RouteSpec<z.ZodType, z.ZodType, ResponseSpec>["method"];
/** The `{name}` parts of a URL template. */
export type ParamNames<T> = T extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;
/** The schema of a URL template's path parameters: each an id. */
type PathParams<U> = z.ZodObject<{ [P in ParamNames<U>]: z.ZodString }>;

/** A path parameter: an id. */
const pathId = z.string().min(1).max(200);

/**
 * Declares a route by its method and URL template (`"GET /api/songs/{songId}"`, the name the web client
 * calls it by). Its path parameters are ids unless `params` says otherwise. The method, URL and schemas keep
 * their exact types, from which the web client's types come (routes/index.ts `Api`).
 */
export function route<
  const K extends `${Method} /${string}`,
  R extends ResponseSpec,
  P extends z.ZodType = PathParams<K>,
  Q extends z.ZodType = z.ZodObject<Record<string, never>>,
>(
  key: K,
  spec: Omit<RouteSpec<P, Q, R>, "method" | "url">,
): RouteSpec<P, Q, R> & {
  method: K extends `${infer M} ${string}` ? M : never;
  url: K extends `${string} ${infer U}` ? U : never;
} {
  const [method, url] = key.split(" ");
  const names = [...url.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const params =
    spec.params ?? (names.length ? z.object(Object.fromEntries(names.map((n) => [n, pathId]))) : undefined);
  return { ...spec, method, url, params } as never;
}

/** True for a file response. */
export function isFileResponse(r: ResponseSpec): r is FileResponse {
  return Array.isArray((r as FileResponse).file);
}

/** Reads the session token from the cookie or an `Authorization: Bearer` header. */
export function tokenOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith("Bearer ")) return h.slice(7).trim();
  return req.cookies?.[SESSION_COOKIE];
}

/** The first place where `sent` and what the schema makes of it differ (fields the schema drops), or null. */
function firstDifference(sent: unknown, parsed: unknown, path: string): string | null {
  if (isDeepStrictEqual(sent, parsed)) return null;
  if (sent && parsed && typeof sent === "object" && typeof parsed === "object") {
    for (const k of Object.keys(sent)) {
      const p = `${path}.${k}`;
      if (!(k in parsed)) return `${p}: not in the schema`;
      const d = firstDifference(
        (sent as Record<string, unknown>)[k],
        (parsed as Record<string, unknown>)[k],
        p,
      );
      if (d) return d;
    }
  }
  return `${path}: the schema changes this value`;
}

/**
 * Why `value`, sent as JSON, does not match `schema` — or null when it does, to the letter (the schema
 * neither rejects nor drops nor adds anything).
 */
export function responseMismatch(schema: z.ZodType, value: unknown): string | null {
  const sent = JSON.parse(JSON.stringify(value));
  const r = schema.safeParse(sent);
  if (!r.success) {
    const i = r.error.issues[0];
    return `${["body", ...i.path.map(String)].join(".")}: ${i.message}`;
  }
  return firstDifference(sent, r.data, "body");
}

/** Collects routes for Fastify and for the OpenAPI document. */
export class Routes {
  readonly specs: AnyRouteSpec[] = [];
  /**
   * @param checkResponses check every JSON answer against its route's response schema (a mismatch is a
   *   500 naming the field): on in tests, off in production.
   */
  constructor(
    private readonly app: FastifyInstance,
    private readonly studio: Studio,
    private readonly options: RouteOptions,
    private readonly checkResponses = false,
  ) {}

  add<
    R extends ResponseSpec,
    P extends z.ZodType = z.ZodObject<Record<string, never>>,
    Q extends z.ZodType = z.ZodObject<Record<string, never>>,
  >(spec: RouteSpec<P, Q, R>): void {
    this.specs.push(spec as unknown as AnyRouteSpec);
    const { studio, options } = this;
    const check = this.checkResponses && !isFileResponse(spec.response) ? (spec.response as z.ZodType) : null;
    this.app.route({
      method: spec.method,
      url: spec.url.replace(/\{(\w+)\}/g, ":$1"),
      config: spec.config?.(options) ?? {},
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
          options,
        });
        // A file answer was sent through `reply` (awaiting the reply waits for its end). When the listener
        // hung up half-way, the reply is neither ended nor sendable: there is nothing more to answer.
        if (reply.sent || isFileResponse(spec.response) || reply.raw.headersSent || reply.raw.destroyed)
          return reply;
        if (spec.status && reply.statusCode === 200) reply.code(spec.status);
        const body = out ?? { ok: true };
        const wrong = check && responseMismatch(check, body);
        if (wrong)
          throw new Error(`${spec.method} ${spec.url}: response does not match its schema: ${wrong}`);
        return body;
      },
    });
  }
}
