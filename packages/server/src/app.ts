/**
 * The studio's HTTP API (Fastify). Every route is declared with its zod schemas and its response
 * (routes/, one module per resource), from which the OpenAPI document is built; authorization happens in the
 * service layer for every call.
 */

import { DEFAULT_LOGIN_LIMIT, type LoginLimit } from "@controlroom/studio/accounts/login-limit.ts";
import type { Studio } from "@controlroom/studio/context.ts";
import { StudioError } from "@controlroom/studio/errors.ts";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import { originCheck } from "./origin-check.ts";
import { Routes } from "./route.ts";
import { registerRoutes } from "./routes/index.ts";

/** Server options. */
export interface ServerOptions {
  /** Largest accepted upload in bytes (default 1 GiB). */
  uploadLimitBytes?: number;
  /** Login attempts per client address per minute (default 10). */
  loginPerMinute?: number;
  /** The per-account sign-in limit (default: 5 failures, then 30 s doubling up to 15 min). */
  loginLimit?: Partial<LoginLimit>;
  /**
   * Origins, besides the server's own host, whose pages may send unsafe requests (POST, PUT, PATCH,
   * DELETE) with the session cookie, e.g. `https://studio.example.com`. Others get 403.
   */
  allowedOrigins?: string[];
  /** Send the session cookie only over HTTPS (default false: the embedded server runs on 127.0.0.1). */
  secureCookies?: boolean;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /**
   * Check every JSON answer against its route's declared response schema; a mismatch is a 500 naming the
   * field (default: on under Node's test runner or NODE_ENV=test, off otherwise).
   */
  checkResponses?: boolean;
}

/** True when running tests. */
const testing = () => process.env.NODE_ENV === "test" || process.env.NODE_TEST_CONTEXT !== undefined;

/** Builds the Fastify app over an open studio (call `listen` yourself, or `inject` in tests). */
export async function buildServer(studio: Studio, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 2 * 1024 * 1024 });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  app.addHook("onRequest", originCheck(opts.allowedOrigins));
  await app.register(multipart, { limits: { files: 1, fileSize: (opts.uploadLimitBytes ?? 1024 ** 3) + 1 } });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof StudioError) {
      const detail = err.detail && typeof err.detail === "object" ? err.detail : {};
      const retry = (detail as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retry === "number") reply.header("retry-after", String(retry));
      return reply.code(err.status).send({ error: err.code, message: err.message, ...detail });
    }
    const e = err as Error & { statusCode?: number; code?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own 4xx (malformed JSON, body too large, rate limit…): keep its status and message.
      const message =
        e.code?.startsWith("FST_ERR_CTP_") || /JSON/i.test(e.message) ? `body: ${e.message}` : e.message;
      return reply.code(e.statusCode).send({ error: e.code ?? "bad_request", message });
    }
    req.log.error(err);
    console.error(`controlroom server: ${req.method} ${req.url}: ${e.message}`);
    return reply.code(500).send({ error: "internal", message: "internal error" });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${req.url}` }),
  );

  const options = {
    uploadLimitBytes: opts.uploadLimitBytes,
    loginPerMinute: opts.loginPerMinute ?? 10,
    loginLimit: { ...DEFAULT_LOGIN_LIMIT, ...opts.loginLimit },
    secureCookies: opts.secureCookies ?? false,
  };
  registerRoutes(new Routes(app, studio, options, opts.checkResponses ?? testing()));
  return app;
}
