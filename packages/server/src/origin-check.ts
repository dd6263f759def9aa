/**
 * The second line of defence against cross-site request forgery, behind the session cookie's
 * SameSite=Lax: an unsafe request (POST, PUT, PATCH, DELETE) that a browser sends from another site carries
 * that site in its `Origin` (or, failing that, `Referer`) header, and is refused with 403 before any route
 * runs. Requests without either header are not from a browser page (scripts, the CLI, curl) and pass, as do
 * requests authenticated by an `Authorization: Bearer` token, which a browser never attaches by itself.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A web URL's scheme and `host[:port]` (default port dropped), or null when it is not one (`Origin: null`). */
function parse(url: string): { protocol: string; host: string } | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? { protocol: u.protocol, host: u.host } : null;
  } catch {
    return null;
  }
}
const hostOf = (url: string) => parse(url)?.host ?? null;

/**
 * Builds the check.
 * @param allowedOrigins further origins whose pages may call the API (e.g. `https://studio.example.com`
 *   when the web app is served from another host than the API); the server's own host is always allowed.
 */
export function originCheck(allowedOrigins: string[] = []) {
  const allowed = new Set(allowedOrigins.map((o) => hostOf(o)).filter((h): h is string => h !== null));
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!UNSAFE.has(req.method)) return;
    if (req.headers.authorization?.startsWith("Bearer ")) return;
    const origin = req.headers.origin;
    const referer = req.headers.referer;
    const source = origin ?? referer;
    if (source === undefined) return;
    const header = origin !== undefined ? "Origin" : "Referer";
    const from = parse(source);
    // The server's own host as the page's scheme would write it (so `localhost:80` matches `http://localhost`).
    const self = req.headers.host && from ? hostOf(`${from.protocol}//${req.headers.host}`) : null;
    if (from !== null && (from.host === self || allowed.has(from.host))) return;
    return reply.code(403).send({
      error: "cross_origin",
      message: `${header}: ${source} is not this studio (${req.headers.host ?? "no Host header"}); requests that change things must come from the studio's own pages`,
    });
  };
}
